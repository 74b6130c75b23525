"""Benchmark K4: import N contacts from CSV into a fresh database (SPEC §9: 1M ≤ 1.2 × the
hand-written load — COPY — on PostgreSQL, ≤ 10 s on SQLite).

    .venv/bin/python benchmarks/bench_import.py [--contacts 1000000] [--engine sqlite|postgresql]
        [--rounds 1] [--sample 10000]

Writes a deterministic CSV (20 % companies, 80 % persons of those companies, skewed codes)
and, in each round, on a fresh database each (setup codes already there, untimed):
imports it through `rapport.services.transfer.imports.import_table` in this process, and
as a user runs it, `rapport import contacts FILE.csv` as a whole process; beside them, the
best hand-written load of the same file: on SQLite a csv reader and `sqlite3.executemany`
into a minimal table with a unique index on `no` and one on the company; on PostgreSQL
psycopg's `COPY … FROM STDIN (FORMAT csv)` of the file's bytes into a minimal table (text
columns, a boolean and a date), then the unique index on `no` and the company index built,
in one transaction. The hand-written schema keeps the natural key: a person's company link
is its company's no. (`company_no`, indexed with type and name), which the checksum
resolves by a join on the company's row; the product resolves it to the company's id while
it inserts. A second hand-written baseline loads the product's own rows into the product's
own schema (`same_rows`: every column the import writes, computed row by row; the same
indexes dropped and built after, on SQLite the change trigger set aside as the product sets
it aside), which tells the schema's cost from the import's. The variants run in alternating
order from round to round; after each, the benchmark asserts they loaded the same contacts:
their count and a checksum of every contact's no., name and company's no. (through the link
each schema keeps), and between the product and the second baseline a checksum of every
column. On SQLite Business Central's way (one contact at a time through the ORM) is sampled
and extrapolated (`--sample 0` leaves it out). Peak memory is the maximum resident set size
(ru_maxrss) of this process after the in-process import, and of the `rapport` process.
PostgreSQL runs on a throwaway server on loopback (`_bench.postgres_server`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from _bench import GROWTH, RETRIES, admin, context, postgres_server, rapport_executable

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


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


# --- Databases: a fresh one per variant and round -------------------------------------------


class Fresh:
    """Fresh databases on one engine: a SQLite file in the work folder, or a database on
    the throwaway PostgreSQL server."""

    def __init__(self, engine: str, work: Path, server: str | None) -> None:
        self.engine, self.work, self.server = engine, work, server
        self.count = 0

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database's URL (SQLAlchemy form), removed after use."""
        self.count += 1
        name = f"import_{self.count}"
        if self.server is None:
            path = self.work / f"{name}.db"
            try:
                yield f"sqlite:///{path}"
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        admin(self.server, f"CREATE DATABASE {name}")
        try:
            yield f"{self.server}/{name}"
        finally:
            admin(self.server, f"DROP DATABASE {name}")


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


# --- The product ------------------------------------------------------------------------------


def bench_service(url: str, csv_path: Path) -> tuple[float, float]:
    setup_codes(url)
    sessions = open_database(url)
    start = time.perf_counter()
    result = import_table(sessions, "contacts", csv_path, by="benchmark")
    seconds = time.perf_counter() - start
    assert result.inserted > 0
    assert not result.bad_rows
    sessions.kw["bind"].dispose()
    return seconds, peak_mb()


# Runs the command given after it and prints its wall time and its own peak resident set:
# measured from a small process, since a child's peak counts the memory of the process that
# forked it, this benchmark's (over 1 GB after a checksum).
TIMED = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def bench_cli(url: str, csv_path: Path) -> tuple[float, float]:
    """`rapport import contacts FILE.csv` as a whole process (start-up included)."""
    setup_codes(url)
    command = [str(rapport_executable()), "--db", url, "import", "contacts", str(csv_path)]
    timed = [sys.executable, "-c", TIMED, *command]
    out = subprocess.run(timed, check=True, capture_output=True, text=True).stdout  # noqa: S603
    seconds, peak_kib, status = out.split()
    assert status == "0", status
    return float(seconds), int(peak_kib) / 1024


PRODUCT_CHECKSUM = """
    SELECT c.no, c.name, CASE WHEN c.type = 'company' THEN '' ELSE coalesce(co.no, '') END
    FROM contacts c LEFT JOIN contacts co ON co.id = c.company_id"""
HAND_CHECKSUM = """
    SELECT c.no, c.name, coalesce(co.no, '') FROM contact c
    LEFT JOIN contact co ON co.no = c.company_no AND co.type = 'company'"""


def pg_digest(url: str, query: str) -> tuple[int, str]:
    """Count and md5 of the contacts' no., name and company's no., in order of no."""
    digest = f"""
        SELECT count(*), md5(string_agg(concat_ws('|', no, name, link), E'\n' ORDER BY no))
        FROM ({query}) AS x (no, name, link)"""
    with psycopg.connect(libpq(url)) as db:
        row = db.execute(digest).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def sqlite_digest(path: str, query: str) -> tuple[int, str]:
    db = sqlite3.connect(path)
    md5, count = hashlib.md5(), 0  # noqa: S324 (a checksum, not security)
    for row in db.execute(f"{query} ORDER BY c.no"):
        if count:
            md5.update(b"\n")
        md5.update("|".join(row).encode())
        count += 1
    db.close()
    return count, md5.hexdigest()


def full_digest(url: str) -> tuple[int, str]:
    """Count and checksum of every column of every contact, in order of id: the product's
    load and the hand-written load of the same rows must agree on all of them."""
    query = f"SELECT {', '.join(SAME_COLUMNS)} FROM contacts ORDER BY id"
    md5, count = hashlib.md5(), 0  # noqa: S324 (a checksum, not security)
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        rows: Iterator[tuple[object, ...]] = iter(db.execute(query))
    else:  # a server-side cursor: the benchmark's own memory stays small
        pg = psycopg.connect(libpq(url))
        cursor = pg.cursor(name="digest")
        cursor.itersize = 10_000
        rows = iter(cursor.execute(query))
    for row in rows:
        md5.update(repr(row).encode())
        count += 1
    (db if url.startswith("sqlite:///") else pg).close()
    return count, md5.hexdigest()


def digest(url: str, *, hand: bool) -> tuple[int, str]:
    query = HAND_CHECKSUM if hand else PRODUCT_CHECKSUM
    if url.startswith("sqlite:///"):
        return sqlite_digest(url.removeprefix("sqlite:///"), query)
    return pg_digest(url, query)


# --- The hand-written loads -------------------------------------------------------------------


def bench_hand_sqlite(url: str, csv_path: Path) -> float:
    db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
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


PG_TYPES = {"excluded": "boolean", "created": "date"}


def bench_hand_pg(url: str, csv_path: Path) -> float:
    """COPY of the file's bytes into a minimal table created in the same transaction, then
    the unique index on `no` and the company index built (sorted builds)."""
    columns = ", ".join(f"{c} {PG_TYPES.get(c, 'text')}" for c in COLUMNS)
    start = time.perf_counter()
    with psycopg.connect(libpq(url)) as db, db.cursor() as cursor:
        cursor.execute(f"CREATE TABLE contact ({columns})")
        copy = "COPY contact FROM STDIN (FORMAT csv, HEADER true)"
        with csv_path.open("rb") as stream, cursor.copy(copy) as out:
            while block := stream.read(1 << 20):
                out.write(block)
        cursor.execute("CREATE UNIQUE INDEX ux_contact_no ON contact (no)")
        cursor.execute("CREATE INDEX ix_contact_company ON contact (company_no, type, name)")
    return time.perf_counter() - start


# The hand-written load of the product's own rows into the product's own schema: every
# column the import writes (the casefolded copies, the search name, each person's company
# id and name) computed in Python row by row, a person's company found in a dict of the
# companies read so far (a one-off script's way; the file gives each company before its
# persons). On SQLite `executemany` with the same secondary indexes dropped before and built
# after as the import's first load; on PostgreSQL COPY (psycopg's `write_row`) with the
# foreign key and the secondary indexes dropped and built again after, the sequence set and
# ANALYZE, as the import leaves the table.
SAME_COLUMNS = [
    "id", "no", "type", "name", "search_name", "company_no", "company_id", "company_name",
    "address", "post_code", "city", "county", "country", "territory", "salesperson",
    "language", "email", "phone", "mobile", "correspondence_type", "excluded",
    "privacy_blocked", "job_title", "organizational_level", "vat_no", "salutation", "created",
    "name_folded", "company_name_folded", "city_folded", "county_folded", "email_folded",
    "phone_folded", "mobile_folded", "job_title_folded",
]  # fmt: skip


def same_rows(csv_path: Path, *, iso: bool) -> Iterator[tuple[object, ...]]:
    """The contacts table's rows for the file, in SAME_COLUMNS order."""
    companies: dict[str, tuple[int, str, str]] = {}
    with csv_path.open(newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        next(reader)
        for i, cells in enumerate(reader, 2):  # ids as the import gives them: the file line
            no, kind, name, company_no, address, post_code, city, country = cells[:8]
            salesperson, language, email, phone, medium, excluded, job, created = cells[8:]
            folded = name.casefold()
            if kind == "company":
                companies[no] = (i, name, folded)
                company: tuple[int | None, str, str] = (i, name, folded)
                company_no = no
            else:
                company = companies.get(company_no, (None, "", ""))
            yield (
                i, no, kind, name, name.upper(), company_no, company[0], company[1], address,
                post_code, city, "", country, "", salesperson, language, email, phone, "", medium,
                excluded == "true", False, job, "", "", "",
                created if iso else dt.date.fromisoformat(created), folded, company[2],
                city.casefold(), "", email.casefold(), phone.casefold(), "", job.casefold(),
            )  # fmt: skip


def bench_same_sqlite(url: str, csv_path: Path) -> float:
    return sum(load_same_sqlite(Path(url.removeprefix("sqlite:///")), csv_path))


def load_same_sqlite(
    path: Path,
    csv_path: Path,
    *,
    in_memory: bool = False,
    folded: bool = True,
    foreign_keys: bool = True,
) -> tuple[float, float, float]:
    """The product's rows for the file loaded by hand into the product's table in a new
    SQLite file at `path` (its codes set up first, untimed): the secondary indexes dropped
    before the rows and built after, the change trigger set aside as the product sets it
    aside for a first load (nothing reads the changes here, so no mark is written after),
    one transaction; (insert, index builds, commit) in seconds. bench_import_floor.py's
    variants: the rows computed before the clock starts (`in_memory`), the casefolded
    copies and their indexes left out (not `folded`), SQLite's foreign key checks off and
    the company index built after too (not `foreign_keys`)."""
    setup_codes(f"sqlite:///{path}")
    db = sqlite3.connect(path, isolation_level=None)
    checks = "ON" if foreign_keys else "OFF"
    for pragma in (f"foreign_keys={checks}", "synchronous=NORMAL", "cache_size=-64000"):
        db.execute(f"PRAGMA {pragma}")
    kept = [c for c in SAME_COLUMNS if folded or not c.endswith("_folded")]
    at = [SAME_COLUMNS.index(c) for c in kept]
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts'"
        " AND sql IS NOT NULL"
    ).fetchall()
    if foreign_keys:  # SQLite finds a company's persons through it (storage.bulk.built_after)
        indexes = [(name, sql) for name, sql in indexes if "(company_id" not in sql]
    built = [(name, sql) for name, sql in indexes if folded or "_folded" not in name]
    (trigger,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contacts_mark_insert'"
    ).fetchone()
    rows: Iterable[tuple[object, ...]] = same_rows(csv_path, iso=True)
    if not folded:
        rows = (tuple(row[i] for i in at) for row in rows)
    if in_memory:
        rows = list(rows)
    insert = f"INSERT INTO contacts ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})"
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute("DROP TRIGGER contacts_mark_insert")
    for name, _sql in indexes:
        db.execute(f"DROP INDEX {name}")
    db.executemany(insert, rows)
    inserted = time.perf_counter()
    for _name, sql in built:
        db.execute(sql)
    indexed = time.perf_counter()
    db.execute(trigger)
    db.execute("COMMIT")
    committed = time.perf_counter()
    db.close()
    return inserted - start, indexed - inserted, committed - indexed


def bench_same_pg(url: str, csv_path: Path) -> float:
    setup_codes(url)
    start = time.perf_counter()
    with psycopg.connect(libpq(url)) as db, db.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        indexes = cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contacts'"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        ).fetchall()
        keys = cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'contacts'::regclass AND contype = 'f'"
        ).fetchall()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE contacts DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        copy = f"COPY contacts ({', '.join(SAME_COLUMNS)}) FROM STDIN"
        with cursor.copy(copy) as out:
            for row in same_rows(csv_path, iso=False):
                out.write_row(row)
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE contacts ADD CONSTRAINT {name} {definition}")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('contacts', 'id'), max(id)) FROM contacts"
        )
        cursor.execute("ANALYZE contacts")
    return time.perf_counter() - start


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


def run_round(
    fresh: Fresh, csv_path: Path, order: list[str], times: dict[str, list[float]]
) -> dict[str, float]:
    """One round: each variant on a fresh database, in `order`; peaks by variant."""
    hand = bench_hand_pg if fresh.server else bench_hand_sqlite
    same = bench_same_pg if fresh.server else bench_same_sqlite
    variants: dict[str, Callable[[str, Path], tuple[float, float]]] = {
        "service": bench_service,
        "cli": bench_cli,
        "hand": lambda url, path: (hand(url, path), 0.0),
        "same": lambda url, path: (same(url, path), 0.0),
    }
    peaks, sums, rows = {}, {}, {}
    for name in order:
        with fresh.database() as url:
            seconds, peaks[name] = variants[name](url, csv_path)
            times[name].append(seconds)
            sums[name] = digest(url, hand=name == "hand")
            if name != "hand":
                rows[name] = full_digest(url)
    assert len(set(sums.values())) == 1, sums
    assert len(set(rows.values())) == 1, rows
    return peaks


def run_rounds(
    fresh: Fresh, csv_path: Path, rounds: int, variants: list[str]
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """`rounds` rounds of the variants, in alternating order; times and peaks by variant."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    peaks: dict[str, float] = {}
    for round_no in range(rounds):
        order = variants if round_no % 2 == 0 else variants[::-1]
        peaks = run_round(fresh, csv_path, order, times)
    return times, peaks


def ratio(times: dict[str, list[float]]) -> float:
    """The import's median over the median of the same rows loaded by hand."""
    return statistics.median(times["service"]) / statistics.median(times["same"])


def run_engine(args: argparse.Namespace, engine: str, recorded: float | None) -> float:
    """The benchmark on one engine; its ratio. Under --check, a ratio past GROWTH × the
    recorded one (one under 1 counting as 1) is measured again, at most RETRIES times, and
    the lowest kept: a slower import stays over the line every time, one disturbed by
    other work on the machine does not."""
    info = context()
    variants = ["service", "hand", "same"] if args.no_cli else ["service", "cli", "hand", "same"]
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp, _server(engine) as pg:
        work = Path(tmp)
        csv_path = work / "contacts.csv"
        write_csv(csv_path, args.contacts)
        before = peak_mb()
        fresh = Fresh(engine, work, pg)
        cpu_before = os.times()
        times, peaks = run_rounds(fresh, csv_path, args.rounds, variants)
        for retry in range(RETRIES):
            if recorded is None or ratio(times) <= GROWTH * max(recorded, 1.0):
                break
            print(f"  over the line, measured again ({retry + 1}/{RETRIES})", flush=True)
            again = run_rounds(fresh, csv_path, args.rounds, variants)
            if ratio(again[0]) < ratio(times):
                times, peaks = again
        cpu = os.times()
        orm = None
        if engine == "sqlite" and args.sample:
            orm = bench_orm_per_row(work, csv_path, args.sample, args.contacts)
    report(args, engine, info, times, peaks, before, orm)
    print(f"  (CPU of this process and its children: {_cpu(cpu_before, cpu):.1f} s)")
    return ratio(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--engine", default="sqlite", help="sqlite, postgresql or both")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--no-cli", action="store_true", help="leave the whole process out")
    parser.add_argument("--record", type=Path, help="write the ratios here (the guard's file)")
    parser.add_argument("--check", type=Path, help="fail when a ratio grew past 1.5 × this")
    args = parser.parse_args()
    engines = args.engine.split(",")
    if not set(engines) <= {"sqlite", "postgresql"}:
        parser.error(f"unknown engine in {args.engine!r}")
    recorded = json.loads(args.check.read_text())["ratios"] if args.check else {}
    ratios = {e: run_engine(args, e, recorded.get(e, {}).get("ratio")) for e in engines}
    if args.record:
        record = {**context(), "contacts": args.contacts}
        record["ratios"] = {engine: {"ratio": value} for engine, value in ratios.items()}
        args.record.write_text(json.dumps(record, indent=2) + "\n")
    if args.check:
        grown = [
            f"{engine}: {value:.2f} > {GROWTH} × {max(recorded[engine]['ratio'], 1.0):.2f}"
            for engine, value in ratios.items()
            if value > GROWTH * max(recorded[engine]["ratio"], 1.0)
        ]
        if grown:
            raise SystemExit(
                "the import grew slower against the same rows by hand: " + "; ".join(grown)
            )
        print(f"every ratio within {GROWTH} × the recorded one ({args.check})", flush=True)


@contextmanager
def _server(engine: str) -> Iterator[str | None]:
    if engine == "sqlite":
        yield None
        return
    with postgres_server(None) as server:
        yield server


def _cpu(before: os.times_result, after: os.times_result) -> float:
    return sum(after[:4]) - sum(before[:4])


def report(
    args: argparse.Namespace,
    engine: str,
    info: dict[str, object],
    times: dict[str, list[float]],
    peaks: dict[str, float],
    before: float,
    orm: float | None,
) -> None:
    median = {name: statistics.median(values) for name, values in times.items()}
    hand = median["hand"]
    label = "COPY" if engine == "postgresql" else "executemany"
    print(f"import {args.contacts:,} contacts from CSV ({engine}), median of {args.rounds}")
    print(f"  {info['date']}, commit {info['commit']}, load {info['load']:.2f}")
    print(
        f"  rapport import (service)     {median['service']:7.2f} s   "
        f"ratio {median['service'] / hand:.2f}x   peak RSS {peaks['service']:.0f} MB "
        f"(before the import: {before:.0f} MB)"
    )
    if "cli" in median:
        print(
            f"  rapport import (process)     {median['cli']:7.2f} s   "
            f"ratio {median['cli'] / hand:.2f}x   peak RSS {peaks['cli']:.0f} MB"
        )
    print(f"  hand-written {label:<15} {hand:7.2f} s   (a minimal table: 16 columns, 2 indexes)")
    same = median["same"]
    process = f", process {median['cli'] / same:.2f}x" if "cli" in median else ""
    print(
        f"  hand-written, same rows      {same:7.2f} s   (the product's table: 35 columns, "
        f"all its indexes); service {median['service'] / same:.2f}x{process}"
    )
    for name, values in times.items():
        print(f"    {name}: " + ", ".join(f"{v:.2f}" for v in values))
    if orm is not None:
        print(
            f"  ORM one row at a time (est.) {orm:7.2f} s   ratio {median['service'] / orm:.2f}x "
            f"(sampled {args.sample:,} rows)"
        )
    print(f"  load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
