"""The measuring side of bench_preview.py: the accelerator's build and memory, medians of
wall and CPU time, and the SQL services run beside it under a statement timeout (on
PostgreSQL at 10M their reduce and refine may take minutes)."""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from rapport.services.segments.accelerator import Accelerator, server_limits
from rapport.storage.db import Sessions, open_database


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """The process's resident set at its highest so far (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def load() -> str:
    """The machine's load average (1, 5 minutes), to print beside a figure."""
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} / {five:.1f}"


def median_ms(work: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU milliseconds of `work` after one warm-up, and its answer (the
    accelerator works inside this process, so CPU time is what the machine's load does not
    inflate)."""
    answer = work()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), answer


def build(sessions: Sessions, *, traced: bool) -> tuple[Accelerator, dict[str, float]]:
    """The accelerator built in this process, timed, with its memory: the bitmaps and
    columns, the growth of the resident set once built and at its peak (VmHWM), and with
    `traced` the Python heap it allocated (tracemalloc: its traces slow the build and count
    in the resident set, so the resident figures are the untraced run's to quote)."""
    gc.collect()
    before, peak_before = rss_mb(), peak_rss_mb()
    if traced:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    accelerator = Accelerator(sessions, limits=server_limits())  # as `rapport serve` keeps it
    accelerator.build()
    figures = {"build s": time.perf_counter() - start, "build cpu s": time.process_time() - cpu}
    if traced:
        held, peak = tracemalloc.get_traced_memory()
        figures |= {"python heap MB": held / 2**20, "python heap peak MB": peak / 2**20}
        tracemalloc.stop()
    gc.collect()
    figures["rss growth MB"] = rss_mb() - before
    figures["peak rss growth MB"] = peak_rss_mb() - max(before, peak_before)
    figures["bitmaps and columns MB"] = accelerator.memory() / 2**20
    return accelerator, figures


def parts(accelerator: Accelerator) -> dict[str, float]:
    """The bitmaps and columns by part, MB."""
    index = accelerator.index
    return {} if index is None else {k: v / 2**20 for k, v in index.memory_by_part().items()}


def limited(url: str, seconds: float) -> Sessions:
    """Sessions on `url` whose statements are cancelled after `seconds` (PostgreSQL's
    statement_timeout; no limit on SQLite or with 0)."""
    sessions = open_database(url)
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql" or not seconds:
        return sessions

    @event.listens_for(engine, "connect")
    def _timeout(connection: Any, _record: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        connection.commit()

    engine.dispose()  # the connections opened before the listener
    return sessions


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Wall ms of `work` and its answer, or None when its statement was cancelled."""
    start = time.perf_counter()
    try:
        answer = work()
    except DBAPIError as exc:
        if "statement timeout" not in str(exc):
            raise
        answer = None
    return (time.perf_counter() - start) * 1000, answer
