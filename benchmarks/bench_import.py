"""Benchmark K4: import N contacts from CSV into a fresh SQLite database (SPEC §9: 1M ≤ 10 s).

    .venv/bin/python benchmarks/bench_import.py [--contacts 1000000] [--sample 10000]

Writes a deterministic CSV (20 % companies, 80 % persons of those companies, skewed codes),
imports it through `rapport.services.transfer.imports.import_table`, and prints the time and the
peak memory beside two baselines measured in the same run on the same file: the
hand-written load (csv reader + sqlite3 executemany into a minimal indexed table) and
Business Central's way (one contact at a time through the ORM, sampled and extrapolated).
Peak memory is the process's maximum resident set size after each step (ru_maxrss).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from rapport.services.transfer.imports import import_table
from rapport.storage import tables as t
from rapport.storage.db import open_database

COLUMNS = [
    "no",
    "type",
    "name",
    "company_no",
    "address",
    "post_code",
    "city",
    "country",
    "salesperson",
    "language",
    "email",
    "phone",
    "correspondence_type",
    "excluded",
    "job_title",
    "created",
]
COUNTRIES = ["BE", "NL", "DE", "FR", "LU", "GB", "ES", "IT"]
SALESPEOPLE = ["JO", "AN", "PV", "MK"]
LANGUAGES = ["NLB", "FRB", "ENU", "DEU"]


def skewed(rng: random.Random, values: list[str]) -> str:
    """A Zipf-like pick: the first value most often."""
    return values[min(int(rng.paretovariate(1.2)) - 1, len(values) - 1)]


def write_csv(path: Path, n: int) -> None:
    rng = random.Random(42)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        company = ""
        for i in range(1, n + 1):
            is_company = i % 5 == 1
            no = f"CT{i:08d}"
            if is_company:
                company = no
            writer.writerow(
                [
                    no,
                    "company" if is_company else "person",
                    f"{'Company' if is_company else 'Person'} {i}",
                    "" if is_company else company,
                    f"Street {i % 997}",
                    str(1000 + i % 8999),
                    f"City {i % 311}",
                    skewed(rng, COUNTRIES),
                    skewed(rng, SALESPEOPLE),
                    skewed(rng, LANGUAGES),
                    f"c{i}@example.com",
                    f"+32 {i:09d}",
                    "email" if i % 3 else "hard_copy",
                    "true" if i % 50 == 0 else "false",
                    "" if is_company else "Buyer",
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                ]
            )


def setup_codes(url: str) -> None:
    sessions = open_database(url)
    with sessions.begin() as session:
        session.add_all([t.Country(code=c, name=c) for c in COUNTRIES])
        session.add_all([t.Salesperson(code=c, name=c) for c in SALESPEOPLE])
        session.add_all([t.Language(code=c, name=c) for c in LANGUAGES])
    sessions.kw["bind"].dispose()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_service(work: Path, csv_path: Path) -> tuple[float, float]:
    url = f"sqlite:///{work / 'service.db'}"
    setup_codes(url)
    sessions = open_database(url)
    start = time.perf_counter()
    result = import_table(sessions, "contacts", csv_path)
    seconds = time.perf_counter() - start
    assert result.inserted > 0
    assert not result.bad_rows
    sessions.kw["bind"].dispose()
    return seconds, peak_mb()


def bench_hand_written(work: Path, csv_path: Path) -> float:
    db = sqlite3.connect(work / "hand.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE contact ({', '.join(c + ' TEXT' for c in COLUMNS)})")
    db.execute("CREATE UNIQUE INDEX ux_contact_no ON contact (no)")
    db.execute("CREATE INDEX ix_contact_company ON contact (company_no, type, name)")
    sql = f"INSERT INTO contact VALUES ({', '.join('?' * len(COLUMNS))})"
    start = time.perf_counter()
    db.execute("BEGIN")
    with csv_path.open(newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        next(reader)
        db.executemany(sql, reader)
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def bench_orm_per_row(work: Path, csv_path: Path, sample: int, n: int) -> float:
    url = f"sqlite:///{work / 'orm.db'}"
    setup_codes(url)
    sessions = open_database(url)
    with csv_path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        start = time.perf_counter()
        with sessions.begin() as session:
            for _, row in zip(range(sample), reader, strict=False):
                contact = t.Contact(
                    **{k: v for k, v in row.items() if k not in ("excluded", "created")},
                    excluded=row["excluded"] == "true",
                )
                session.add(contact)
                session.flush()
        seconds = time.perf_counter() - start
    sessions.kw["bind"].dispose()
    return seconds * n / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        work = Path(tmp)
        csv_path = work / "contacts.csv"
        write_csv(csv_path, args.contacts)
        before = peak_mb()
        service, peak = bench_service(work, csv_path)
        hand = bench_hand_written(work, csv_path)
        orm = bench_orm_per_row(work, csv_path, args.sample, args.contacts)
    n = f"{args.contacts:,}"
    print(f"import {n} contacts from CSV (SQLite)")
    print(
        f"  rapport import (service)     {service:7.2f} s   peak RSS {peak:.0f} MB "
        f"(before the import: {before:.0f} MB)"
    )
    print(f"  hand-written executemany     {hand:7.2f} s   ratio {service / hand:.2f}x")
    print(
        f"  ORM one row at a time (est.) {orm:7.2f} s   ratio {service / orm:.2f}x "
        f"(sampled {args.sample:,} rows)"
    )


if __name__ == "__main__":
    main()
