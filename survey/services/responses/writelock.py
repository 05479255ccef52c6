"""SQLite takes one writer at a time: queue submissions on a thread lock and a file lock beside the database,
which wake the next writer at once, instead of SQLite's busy handler, which sleeps up to 100 ms between tries.

The file lock is taken with a blocking flock, so the kernel hands it to a waiting worker the moment it is freed.
(Polling it instead let the holder take it again before a sleeping worker looked, and a two-worker server then ran
at the speed of one for whole seconds.) A holder that dies frees it; gthread workers keep their heartbeat while a
request thread waits, so a long import only makes submissions wait, as SQLite itself would."""
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
_files: dict[str, tuple[int, int]] = {}  # lock file → (pid, fd): a forked worker opens its own
THREAD_WAIT = 10.0  # seconds; past that the writer goes ahead and SQLite's busy timeout decides


def acquire(database_path: str | None) -> None:
    """Hold the write lock until this thread's session transaction ends (commit, rollback or close)."""
    if getattr(_local, "held", False):
        return
    if not _thread_lock.acquire(timeout=THREAD_WAIT):
        return
    fd = _lock_file(database_path)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks in the kernel (without the GIL) until the holder lets go
    _local.held, _local.fd = True, fd


def release() -> None:
    """Let the next writer in (no-op when this thread holds nothing)."""
    if not getattr(_local, "held", False):
        return
    _local.held = False
    if _local.fd is not None:
        fcntl.flock(_local.fd, fcntl.LOCK_UN)
    _thread_lock.release()


def _lock_file(database_path: str | None) -> int | None:
    if fcntl is None or not database_path or database_path == ":memory:":
        return None
    path = f"{database_path}.writelock"
    pid, fd = _files.get(path, (None, None))
    if pid != os.getpid():
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        _files[path] = (os.getpid(), fd)
    return fd


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    # Only the outermost transaction ends the write: savepoints inside it keep the lock.
    if transaction.parent is None:
        release()
