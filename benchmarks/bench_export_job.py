"""Benchmark K4 / issue 12 item 1: an export job's memory stays flat in the rows it writes.

    .venv/bin/python benchmarks/bench_export_job.py [--contacts 20000] [--format xlsx]

Imports N and then 4 × N companies into fresh SQLite databases, runs the server's `export`
job on each (`rapport.services.jobs`, the runner the server's job loop calls) and samples
the process's resident set size every 10 ms while it runs. It prints each run's time and
its peak growth over the size before the job, beside the baseline of the same query's rows
fetched into one list (what a job that held every row would cost). Flat memory: the
export's growth at 4 × N is about its growth at N, while the list's grows four-fold.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import psutil

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.transfer import exports, imports
from rapport.services.transfer import tables as import_tables
from rapport.settings import Settings
from rapport.storage.db import Sessions, open_database, reading


def database(folder: Path, n: int) -> tuple[str, Sessions]:
    url = f"sqlite:///{folder / f'contacts-{n}.db'}"
    sessions = open_database(url)
    path = folder / f"contacts-{n}.csv"
    rows = (
        f"C{i:07d},company,Company {i},Street {i},City {i % 97},info{i}@example.test\n"
        for i in range(n)
    )
    path.write_text("no,type,name,address,city,email\n" + "".join(rows))
    imports.import_table(sessions, "contacts", path, by="benchmark")
    return url, sessions


def peak_growth(work: Callable[[], object]) -> tuple[float, int]:
    """(seconds, peak resident set size over the size before `work`, in bytes)."""
    process = psutil.Process(os.getpid())
    before = peak = process.memory_info().rss
    running = True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        work()
    finally:
        elapsed = time.perf_counter() - started
        running = False
        sampler.join()
    return elapsed, max(peak, process.memory_info().rss) - before


def export_job(url: str, sessions: Sessions, folder: Path, file_format: str) -> None:
    settings = Settings(database_url=url, data_dir=str(folder / "data"))
    params = {"table": "contacts", "where": None, "format": file_format}
    job_id = jobs.submit(
        sessions, kind="export", params={**params, "filename": f"c.{file_format}"}, by="BENCH"
    )
    jobs.run_next(sessions, runners(settings))
    job = jobs.get(sessions, job_id)
    if job.state != "done":
        raise SystemExit(f"the export job failed: {job.error}")


def all_rows(sessions: Sessions) -> None:
    """The baseline: the same query's rows as cell texts, in one list."""
    spec = import_tables.get("contacts")
    with reading(sessions) as session:
        rows = [
            [column.cell(value) for column, value in zip(spec.columns, row, strict=True)]
            for row in session.execute(exports.query(spec))
        ]
    del rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--format", choices=["csv", "xlsx", "ndjson"], default="xlsx")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rapport-bench-export-"))
    try:
        measure(folder, args.contacts, args.format)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the databases and the exported files


def measure(folder: Path, contacts: int, kind: str) -> None:
    sizes = (contacts, 4 * contacts)
    made = {n: database(folder, n) for n in sizes}
    # The jobs first, the lists after: a list's freed memory stays in the process and would
    # hide a job's growth.
    runs = {
        n: peak_growth(partial(export_job, url, sessions, folder, kind))
        for n, (url, sessions) in made.items()
    }
    listed = {
        n: peak_growth(partial(all_rows, sessions))[1] for n, (_url, sessions) in made.items()
    }
    mib = 1024 * 1024
    print(f"export job, {kind}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'rows':>10} {'job s':>8} {'job MiB':>8} {'list MiB':>9}")
    for n in sizes:
        seconds, job = runs[n]
        print(f"{n:>10} {seconds:>8.2f} {job / mib:>8.1f} {listed[n] / mib:>9.1f}")
    for _url, sessions in made.values():
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
