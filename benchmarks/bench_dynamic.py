"""Benchmark of the refresh of dynamic segments by delta (X4; issue 14, "Performance").

    .venv/bin/python benchmarks/bench_dynamic.py [--contacts 1000000] [--runs 3]
        [--db URL | --pg-dir DIR [--in-place]]

Without `--db`: builds `benchmarks/data/contacts-<N>.db` once with `rapport demo
--contacts N` (gitignored, shared with bench_segments.py) and works on a copy. With `--db`
(e.g. a PostgreSQL database loaded with `rapport demo --contacts N`), works there: it
creates its segments, changes `job_title` of contacts and puts it back at the end. With
`--pg-dir DIR`: a clone of the database `contacts_<N>` of the PostgreSQL cluster kept in DIR
(built once by `rapport demo`, as bench_segments.py does, and started for the run), dropped
at the end; with `--in-place`, that database itself (at 10M a clone is another 19 GB of
disk), whose segments are deleted at the end (its dead rows stay until a VACUUM: run
`VACUUM FULL ANALYZE` in it before the other benchmarks clone it again).

Untimed set-up: two dynamic segments defined by one add each, `no` in a range of the
synthetic contacts (half of them, and a tenth) and `job_title` not BENCH-OUT, refreshed
once in full (that first refresh is the rebuild from scratch, reported beside). Then for
each delta size — 1 %, 0.1 % and 0.01 % of the contacts changed, and nothing — the same
contacts' `job_title` is flipped in one untimed UPDATE (those in leave, those out come
back; the database triggers mark them), and the refresh of each segment is timed (median of
`--runs`, each run changing other contacts). The refresh time should follow the number of
changed contacts, not the size of the segment or of the contact base.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from pathlib import Path

from _bench import DATA, build_base, built_clone, built_in_place
from sqlalchemy import case, literal, select, update

from rapport.services.segments import dynamic
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.header import create_segment
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

USER = "BENCH"
OUT = "BENCH-OUT"
DELTAS = (0.01, 0.001, 0.0001, 0.0)
TARGETS = {0.01: 0.3, 0.001: 0.1, 0.0: 0.02}  # seconds, at 1M contacts on SQLite
CHUNK = 10_000  # contacts changed per statement


def work_copy(contacts: int) -> Path:
    """A work copy of the SQLite file with N synthetic contacts (built once)."""
    work = DATA / f"dynamic-{contacts}.db"
    shutil.copyfile(build_base(contacts), work)
    return work


def dynamic_segment(sessions: Sessions, description: str, last: int) -> str:
    no = create_segment(
        sessions, description=description, user=USER, values=[("dynamic", "true")]
    ).no
    criteria = f"no matches 'SC0000001..SC{last:07d}' and job_title != '{OUT}'"
    add_contacts(sessions, no, criteria=criteria, user=USER)
    return no


def synthetic_ids(sessions: Sessions) -> list[int]:
    with sessions.begin() as session:
        return list(session.scalars(select(t.Contact.id).where(t.Contact.no.like("SC%"))))


def change(sessions: Sessions, ids: list[int]) -> None:
    """Flip the contacts of `ids` in or out of the segments (job title BENCH-OUT or not)."""
    contacts = t.Contact.__table__
    flipped = case((contacts.c.job_title == OUT, literal("")), else_=literal(OUT))
    with sessions.begin() as session:
        for start in range(0, len(ids), CHUNK):  # PostgreSQL binds at most 65,535 values
            chosen = ids[start : start + CHUNK]
            session.execute(
                update(contacts).where(contacts.c.id.in_(chosen)).values(job_title=flipped)
            )


def timed_refresh(sessions: Sessions, no: str) -> tuple[float, float, int, int]:
    """Wall time and this process's CPU time (SQLite works in the process: on a shared
    machine the CPU time is the steadier figure) of one refresh."""
    start, cpu = time.perf_counter(), time.process_time()
    result = dynamic.refresh(sessions, no, user=USER)
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return wall, used, result.added, result.removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="")
    parser.add_argument("--pg-dir", type=Path, help="PostgreSQL: the cluster kept here")
    parser.add_argument(
        "--in-place", action="store_true", help="with --pg-dir: work in contacts_<N> itself"
    )
    args = parser.parse_args()
    if args.pg_dir is None:
        bench(open_database(args.db or f"sqlite:///{work_copy(args.contacts)}"), args.runs)
        return
    built = built_in_place if args.in_place else built_clone
    with built(args.pg_dir, args.contacts) as sessions:
        bench(sessions, args.runs)


def bench(sessions: Sessions, runs: int) -> None:
    """The two segments' first refresh, then the timed refreshes per delta size; the
    contacts' job titles are put back at the end."""
    try:
        deltas(sessions, runs)
    finally:
        with sessions.begin() as session:
            contacts = t.Contact.__table__
            session.execute(
                update(contacts).where(contacts.c.job_title == OUT).values(job_title="")
            )


def deltas(sessions: Sessions, runs: int) -> None:
    ids = synthetic_ids(sessions)
    total = len(ids)
    segments = {
        "half": dynamic_segment(sessions, "Benchmark dynamic half", total // 2),
        "tenth": dynamic_segment(sessions, "Benchmark dynamic tenth", total // 10),
    }
    print(f"{total:,} contacts; {sessions.kw['bind'].dialect.name}", flush=True)
    for size, no in segments.items():
        seconds, _, added, _ = timed_refresh(sessions, no)
        lines = dynamic.refresh(sessions, no, user=USER).no_of_lines
        print(f"first refresh (full, = rebuild) of {size} ({lines:,} lines): {seconds:.3f} s")
    rng = random.Random(14)
    print("| changed | segment | lines | refresh (median) | CPU | added | removed | target at 1M |")
    print("|---|---|---|---|---|---|---|---|")
    for fraction in DELTAS:
        count = round(total * fraction)
        for size, no in segments.items():
            times, cpus, moved = [], [], (0, 0)
            # Untimed: catch up with the changes made for the other segment, so that each
            # timed refresh reads exactly the `count` contacts changed just before it.
            dynamic.refresh(sessions, no, user=USER)
            for _ in range(runs):
                change(sessions, rng.sample(ids, count))
                seconds, used, added, removed = timed_refresh(sessions, no)
                times.append(seconds)
                cpus.append(used)
                moved = (added, removed)
            lines = dynamic.refresh(sessions, no, user=USER).no_of_lines
            target = TARGETS.get(fraction)
            print(
                f"| {count:,} ({fraction:.2%}) | {size} | {lines:,} | "
                f"{statistics.median(times) * 1000:.1f} ms | "
                f"{statistics.median(cpus) * 1000:.1f} ms | {moved[0]:,} | {moved[1]:,} | "
                f"{'≤ %.0f ms' % (target * 1000) if target else ''} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
