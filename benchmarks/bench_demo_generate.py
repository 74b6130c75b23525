"""Benchmark: `rapport demo --contacts N` into a fresh SQLite file (SPEC §9 workload).

    .venv/bin/python benchmarks/bench_demo_generate.py [--contacts 1000000] [--chunk 10000]

Loads the demo company into a new database, then times the synthetic generator for N
contacts with their satellite rows (mailing groups, job responsibilities, profile answers,
interaction log entries, industry groups, business relations) and prints the time, the
rows written per second, the peak memory (ru_maxrss of this process, which includes
SQLite's page cache of up to 200 MB set in `rapport.storage.db`) and the file size.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from rapport.demo.company import counts, load_demo
from rapport.demo.synthetic import CHUNK, SYNTHETIC_TABLES, generate_contacts
from rapport.storage.db import open_database


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=CHUNK)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder:
        path = Path(folder) / "bench.db"
        sessions = open_database(f"sqlite:///{path}")
        load_demo(sessions)
        before = peak_mb()
        with sessions() as session:
            rows_before = counts(session)
        started = time.perf_counter()
        generate_contacts(
            sessions,
            count=args.contacts,
            chunk=args.chunk,
            progress=lambda done, total: print(
                f"  {done:>9,} / {total:,}  {time.perf_counter() - started:6.1f} s  "
                f"peak {peak_mb():.0f} MB",
                flush=True,
            ),
        )
        elapsed = time.perf_counter() - started
        with sessions() as session:
            rows_after = counts(session)
        sessions.kw["bind"].dispose()
        size_mb = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
    written = sum(rows_after[name] - rows_before[name] for name in SYNTHETIC_TABLES)
    print(f"\nsynthetic contacts: {args.contacts:,} (chunk {args.chunk:,})")
    for name in SYNTHETIC_TABLES:
        added = rows_after[name] - rows_before[name]
        print(f"  {name:<30} {added:>11,}  ({added / max(args.contacts, 1):.2f} per contact)")
    print(f"rows written:       {written:,}")
    print(f"time:               {elapsed:.1f} s  ({written / elapsed:,.0f} rows/s)")
    print(f"peak memory:        {peak_mb():.0f} MB (after loading the demo: {before:.0f} MB)")
    print(f"database file:      {size_mb:,.0f} MB")
    print("reference (SPEC §9): hand-written load of 1M contacts alone, 6.9 s")


if __name__ == "__main__":
    main()
