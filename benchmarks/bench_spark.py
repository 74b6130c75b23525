"""Benchmark of the criteria engine on Apache Spark over the lake (issue 16, SPEC §9).

    .venv/bin/python benchmarks/bench_spark.py [--contacts 100000] [--runs 3]
        [--master local[2]] [--pg-dir DIR] [--lake DIR [--no-round-trip]] [--all-lines]

Builds `benchmarks/data/contacts-<N>.db` once with `rapport demo --contacts N` (gitignored,
shared with bench_segments.py), copies it to a working file, exports the lake
(`rapport lake export`, timed, with its peak memory) and then, in one process:

  start-up     the Spark session on `--master` (paid once per command)
  spark add    the Spark job of the segment benchmark's add (4 criteria: two relations,
               one of them on the company, a BC filter), writing the contact nos. as Parquet
  round trip   the whole add on Spark into an empty segment: the job, the staging of the
               contact nos. and the insert of the lines (numbering and defaults) in SQLite
  database add the same add on the database, on the same file, beside it

  all lines    with `--all-lines`: the round trip and the database add of every synthetic
               contact (`no matches 'SC*'`): the insert of an N-line segment

With `--pg-dir DIR`, the database is PostgreSQL instead: the database `contacts_<N>` of the
cluster kept in DIR (built once by `rapport demo`, as bench_segments.py does), used in
place, not cloned (at 10M a clone is another 19 GB); the segments the run creates are
deleted at the end. With `--lake DIR`, an existing lake is read instead of exporting one
(e.g. one made by replicate_lake.py); `--no-round-trip` then times the Spark job alone,
for a lake whose contacts the database does not have.

Times are medians of `--runs` (the segment is emptied between runs, untimed); beside each
Spark job's wall time, the CPU time its JVM used (driver and executors share one JVM in
local mode), the steadier figure on a shared machine. Peak memory: the Python driver's
(ru_maxrss) and the Spark JVM's (VmHWM of its process). The 10M target (≤ 5 s after
start-up on `local[2]`) is run with `--contacts 10000000` on a machine with the disk for it;
docs/spark.md has the figures and the 100M estimate.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from _bench import build_base, built_in_place
from sqlalchemy import delete, select

from rapport.criteria.value import Criteria
from rapport.services.lake import jobs
from rapport.services.lake.exports import export_lake
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.header import create_segment
from rapport.services.segments.on_lake import add_contacts_on_lake
from rapport.storage import spark
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

USER = "jim"
ADD_CRITERIA = (
    "industry_group in (RETAIL, WHOLESALE, MANUFACT) and mailing_group = NEWSLETTER"
    " and post_code matches '1000..4999'"
)
EVERY_SYNTHETIC = "no matches 'SC*'"


def timed(action: Callable[[], object], runs: int, reset: Callable[[], None]) -> float:
    """The median of `runs` timings of `action`, `reset` run (untimed) after each."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
        reset()
    return statistics.median(times)


def emptied(sessions: Sessions, segment_no: str) -> Callable[[], None]:
    def reset() -> None:
        with sessions.begin() as session:
            header = session.scalars(
                select(t.SegmentHeader).where(t.SegmentHeader.no == segment_no)
            ).one()
            session.execute(delete(t.SegmentLine).where(t.SegmentLine.segment_id == header.id))
            session.execute(
                delete(t.SegmentCriteriaLine).where(t.SegmentCriteriaLine.segment_id == header.id)
            )

    return reset


def tidied(sessions: Sessions, reset: Callable[[], None]) -> Callable[[], None]:
    """`reset`, then on PostgreSQL the dead line versions vacuumed and the statistics
    refreshed, so that every run starts from the same table (as bench_segments.py does)."""

    def both() -> None:
        reset()
        engine = sessions.kw["bind"]
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE segment_lines")

    return both


def jvm_pid(session: object) -> int:
    return int(session._jvm.java.lang.ProcessHandle.current().pid())  # type: ignore[attr-defined]


def jvm_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def jvm_cpu_seconds(pid: int) -> float:
    """User and system CPU time the JVM has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[Sessions]:
    """The database of the run: a copy of the SQLite file, or with `--pg-dir` the
    PostgreSQL database built once, used in place (the run's segments deleted at the end)."""
    if args.pg_dir is None:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-spark-") as work:
            db = Path(work) / "work.db"
            shutil.copyfile(build_base(args.contacts), db)
            yield open_database(f"sqlite:///{db}")
        return
    with built_in_place(args.pg_dir, args.contacts) as sessions:
        yield sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--pg-dir", type=Path, help="PostgreSQL: the cluster kept here")
    parser.add_argument("--lake", type=Path, help="read this lake instead of exporting one")
    parser.add_argument(
        "--round-trip",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the round trip into the database and its own add (default: yes)",
    )
    parser.add_argument("--all-lines", action="store_true", help="also add every contact")
    args = parser.parse_args()
    if args.lake is not None and not args.round_trip:  # the Spark job alone: no database
        with tempfile.TemporaryDirectory(prefix="rapport-lake-") as work:
            run(None, args.lake, Path(work) / "selected", args)
        return
    with database(args) as sessions, tempfile.TemporaryDirectory(prefix="rapport-lake-") as work:
        lake = args.lake
        if lake is None:
            lake = Path(work) / "lake"
            began = time.perf_counter()
            export_lake(sessions, folder=lake)
            exported = time.perf_counter() - began
            export_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"N = {args.contacts:,}; lake export {exported:.1f} s, peak {export_peak:.0f} MB")
        run(sessions, lake, Path(work) / "selected", args)


def spark_figures(
    session: object, pid: int, lake: Path, out: Path, criteria: str, runs: int
) -> tuple[float, float, int]:
    """The Spark job of an add of `criteria` (after a first, untimed one): median wall and
    JVM CPU seconds, and the contacts it wrote."""
    tree = Criteria.parse(criteria).tree

    def job() -> None:
        jobs.add_nos(
            session,  # type: ignore[arg-type]
            lake,
            tree,
            today=dt.date.today(),
            rules=jobs.AddRules(),
            members=None,
            out=out,
        )

    job()  # the first job also compiles the JVM's code paths: reported apart
    walls, cpus = [], []
    for _ in range(runs):
        cpu, began = jvm_cpu_seconds(pid), time.perf_counter()
        job()
        walls.append(time.perf_counter() - began)
        cpus.append(jvm_cpu_seconds(pid) - cpu)
    written = session.read.parquet(str(out)).count()  # type: ignore[attr-defined]
    return statistics.median(walls), statistics.median(cpus), written


def run(sessions: Sessions | None, lake: Path, out: Path, args: argparse.Namespace) -> None:
    started = spark.start(args.master)
    pid = jvm_pid(started.session)
    print(f"start-up ({args.master}): {started.seconds:.1f} s", flush=True)
    wall, cpu, written = spark_figures(started.session, pid, lake, out, ADD_CRITERIA, args.runs)
    print(f"spark add (job only)      {wall:6.2f} s, JVM CPU {cpu:6.2f} s  ({written:,} contacts)")
    if sessions is not None:
        engine = sessions.kw["bind"].dialect.name
        round_trip(sessions, lake, args, ADD_CRITERIA, engine)
        if args.all_lines:
            round_trip(sessions, lake, args, EVERY_SYNTHETIC, engine)
    python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: Python {python_peak:.0f} MB, Spark JVM {jvm_peak_mb(pid):.0f} MB")
    started.session.stop()


def round_trip(
    sessions: Sessions, lake: Path, args: argparse.Namespace, criteria: str, engine: str
) -> None:
    """The add of `criteria` on Spark into an empty segment (job, staging, insert of the
    lines), beside the same add on the database."""
    on_spark = create_segment(sessions, description="on Spark", user=USER).no
    in_db = create_segment(sessions, description="in the database", user=USER).no
    trip = timed(
        lambda: add_contacts_on_lake(
            sessions, on_spark, criteria=criteria, lake=lake, master=args.master, user=USER
        ),
        args.runs,
        tidied(sessions, emptied(sessions, on_spark)),
    )
    database = timed(
        lambda: add_contacts(sessions, in_db, criteria=criteria, user=USER),
        args.runs,
        tidied(sessions, emptied(sessions, in_db)),
    )
    added = add_contacts(sessions, in_db, criteria=criteria, user=USER).added
    print(f"{criteria}: {added:,} lines")
    print(f"round trip (Spark+{engine}) {trip:6.2f} s   {trip / database:5.2f} x the database add")
    print(f"database add ({engine})     {database:6.2f} s")


if __name__ == "__main__":
    main()
