"""In-process rate-limit counters (`worker-memory://`): `limits`' memory storage with one sweeper thread.

`limits.storage.MemoryStorage` starts a new `threading.Timer` for its expiry sweep whenever the last one has
finished, so a busy worker started about a hundred threads a second, a tenth of the CPU of a kiosk submission
(SPEC P1). Counting does not need the sweep (every read drops an expired counter itself); it only frees the
memory of keys no longer used. Here one daemon thread per process sweeps every few seconds instead.
"""
from __future__ import annotations

import os
import threading
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 5.0


class WorkerMemoryStorage(MemoryStorage):
    """MemoryStorage whose expiry sweep runs in one long-lived thread per process."""

    STORAGE_SCHEME = ["worker-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._sweeper_pid = 0
        self._sweeper_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    # MemoryStorage calls its private __schedule_expiry on every hit; this replaces it (name-mangled).
    def _MemoryStorage__schedule_expiry(self) -> None:
        if self._sweeper_pid == os.getpid():
            return
        with self._sweeper_lock:  # first hit in this process (a forked worker has no thread of its parent's)
            if self._sweeper_pid != os.getpid():
                self._sweeper_pid = os.getpid()
                threading.Thread(target=self._sweep, name="rate-limit-sweeper", daemon=True).start()

    def _sweep(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            self._MemoryStorage__expire_events()
