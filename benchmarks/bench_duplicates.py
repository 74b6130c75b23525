"""Benchmark: `rapport contacts duplicates` over N synthetic contacts (K5, SPEC §9 target at
1M: ≤ 60 s, ≤ 300 MB).

    .venv/bin/python benchmarks/bench_duplicates.py [--contacts 100000] [--db URL]

Without `--db`, a new SQLite file gets the demo company and N synthetic contacts (in a
child process, so the peak memory printed is the search's own), then one contact in a
thousand is entered a second time the way duplicates creep in (name words swapped, e-mail
in capitals). Prints the search time, the pairs compared, how many planted pairs were
found, the peak memory (ru_maxrss), the CPU time (SQLite works inside the process, so on a
shared machine it is the steadier figure), and beside them the naive baseline: every pair of
contacts of one type compared, timed on a sample and extrapolated.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, insert, select

from rapport.services.contacts.duplicates import find_duplicates
from rapport.storage.db import Sessions, open_database
from rapport.storage.tables import Contact, table_of

PLANT_EVERY = 1_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plant(sessions: Sessions) -> set[frozenset[str]]:
    """Copy every PLANT_EVERY-th synthetic person with its name words swapped."""
    contacts = table_of(Contact)
    with sessions.begin() as session:
        rows = session.execute(
            select(contacts)
            .where(contacts.c.type == "person", contacts.c.id % PLANT_EVERY == 0)
            .order_by(contacts.c.id)
        ).all()
        top = session.execute(select(func.max(contacts.c.id))).scalar_one()
        copies, pairs = [], set()
        for offset, row in enumerate(rows, start=1):
            copy = dict(row._mapping)
            first, _, last = copy["name"].partition(" ")
            copy.update(
                id=top + offset,
                no=f"DUP{offset:07d}",
                name=f"{last} {first}",
                search_name=f"{last} {first}".upper(),
                email=copy["email"].upper(),
            )
            copies.append(copy)
            pairs.add(frozenset((row.no, copy["no"])))
        if copies:
            session.execute(insert(contacts), copies)
    return pairs


def naive_seconds(sessions: Sessions, sample: int = 20_000) -> tuple[float, int]:
    """Seconds to compare every pair of contacts of one type, from a timed sample."""
    contacts = table_of(Contact)
    with sessions() as session:
        by_type = dict(
            session.execute(select(contacts.c.type, func.count()).group_by(contacts.c.type)).all()
        )
        names = session.execute(select(contacts.c.name).limit(2_000)).scalars().all()
    rng = random.Random(1)
    started = time.perf_counter()
    for _ in range(sample):
        fuzz.token_set_ratio(rng.choice(names), rng.choice(names))
    per_pair = (time.perf_counter() - started) / sample
    pairs = sum(n * (n - 1) // 2 for n in by_type.values())
    return per_pair * pairs, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--db", help="an existing database with the contacts (not changed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        planted: set[frozenset[str]] = set()
        if not args.db:
            command = [sys.executable, "-m", "rapport", "--db", url, "demo"]
            subprocess.run([*command, "--contacts", str(args.contacts)], check=True)  # noqa: S603
            planted = plant(open_database(url))
        sessions = open_database(url)
        started, cpu = time.perf_counter(), time.process_time()
        search = find_duplicates(sessions)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = peak_mb()
        found = {frozenset((p.contact_no, p.duplicate_no)) for p in search.pairs}
        naive, all_pairs = naive_seconds(sessions)
        sessions.kw["bind"].dispose()
    print(f"contacts:            {args.contacts:,} (+ {len(planted):,} planted duplicates)")
    print(f"duplicate search:    {elapsed:.1f} s ({cpu:.1f} s CPU), peak memory {peak:.0f} MB")
    print(f"pairs compared:      {search.compared:,} (all pairs of one type: {all_pairs:,})")
    print(f"pairs found:         {len(search.pairs):,} (score ≥ {search.min_score})")
    print(f"planted pairs found: {len(planted & found):,} of {len(planted):,}")
    print(f"naive all pairs:     {naive:,.0f} s extrapolated ({naive / elapsed:,.0f}× slower)")
    print("target (SPEC §9 / issue 14): ≤ 60 s and ≤ 300 MB at 1,000,000 contacts")


if __name__ == "__main__":
    main()
