"""The progress of the jobs this process is running, held in memory beside their rows.

A job whose work holds SQLite's write lock (an import) cannot write its progress row while
it works: the row waits for the lock the job itself holds. Its progress is kept here
instead, where `queue.get` (the API's polling and Server-Sent Events, served by the same
process) reads it, and the row gets the last value once the lock is released.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_progress: dict[int, tuple[int, int | None]] = {}


def keep(job_id: int, done: int, total: int | None) -> None:
    """Remember how far job `job_id` is; a `total` of None keeps the one known before."""
    with _lock:
        known = _progress.get(job_id, (0, None))[1]
        _progress[job_id] = (done, known if total is None else total)


def get(job_id: int) -> tuple[int, int | None] | None:
    with _lock:
        return _progress.get(job_id)


def forget(job_id: int) -> None:
    with _lock:
        _progress.pop(job_id, None)
