"""SQLite takes one writer at a time: queue writers on a file lock beside the database, which wakes the next writer
at once, instead of SQLite's busy handler, which sleeps up to 100 ms between tries.

Every thread takes the lock through its own open file, blocking in the kernel (without the GIL): waiting threads of
every worker process then compete for it on equal terms. (Polling the lock, or queueing a process's threads on a
thread lock first, let one worker hand the lock to itself while the other slept, so a two-worker server ran as
one for whole seconds.) A holder that dies frees the lock; gthread workers keep their heartbeat while a request
thread waits, so a long import only makes submissions wait, as SQLite itself would. Without a file (in-memory
databases, or no fcntl) threads queue on a thread lock.
"""
from __future__ import annotations

import os
import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # not POSIX: threads still queue; processes fall back on SQLite's busy timeout
    fcntl = None  # type: ignore[assignment]

_thread_lock = threading.Lock()
_local = threading.local()
THREAD_WAIT = 10.0  # seconds; past that the writer goes ahead and SQLite's busy timeout decides


def acquire(database_path: str | None) -> None:
    """Hold the write lock until this thread's session transaction ends (commit, rollback or close)."""
    if getattr(_local, "held", False):
        return
    lock_file = _thread_lock_file(database_path)
    if lock_file is not None:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
    elif not _thread_lock.acquire(timeout=THREAD_WAIT):
        return
    _local.held, _local.file = True, lock_file


def release() -> None:
    """Let the next writer in (no-op when this thread holds nothing)."""
    if not getattr(_local, "held", False):
        return
    _local.held = False
    if _local.file is not None:
        fcntl.flock(_local.file.fileno(), fcntl.LOCK_UN)
    else:
        _thread_lock.release()


def _thread_lock_file(database_path: str | None):
    """This thread's own open lock file (closed with the thread's locals); None without a database file."""
    if fcntl is None or not database_path or database_path == ":memory:":
        return None
    files = _local.__dict__.setdefault("files", {})
    key = (os.getpid(), database_path)  # a forked worker opens its own: a shared open file would share the lock
    if key not in files:
        fd = os.open(f"{database_path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
        files[key] = os.fdopen(fd, "r+b", buffering=0)
    return files[key]


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    # Only the outermost transaction ends the write: savepoints inside it keep the lock.
    if transaction.parent is None:
        release()
