"""Benchmark of the criteria engine on Apache Spark over the lake (issue 16, SPEC §9).

    .venv/bin/python benchmarks/bench_spark.py [--contacts 100000] [--runs 3]
        [--master local[2]]

Builds `benchmarks/data/contacts-<N>.db` once with `rapport demo --contacts N` (gitignored,
shared with bench_segments.py), copies it to a working file, exports the lake
(`rapport lake export`, timed, with its peak memory) and then, in one process:

  start-up     the Spark session on `--master` (paid once per command)
  spark add    the Spark job of the segment benchmark's add (4 criteria: two relations,
               one of them on the company, a BC filter), writing the contact nos. as Parquet
  round trip   the whole add on Spark into an empty segment: the job, the staging of the
               contact nos. and the insert of the lines (numbering and defaults) in SQLite
  database add the same add on the database, on the same file, beside it

Times are medians of `--runs` (the segment is emptied between runs, untimed). Peak memory:
the Python driver's (ru_maxrss) and the Spark JVM's (driver and executors share one JVM in
local mode: VmHWM of its process). The 10M target (≤ 5 s after start-up on `local[2]`) is
run with `--contacts 10000000` on a machine with the disk for it; docs/spark.md has the
figures and the 100M estimate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _bench import build_base
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


def jvm_peak_mb(session: object) -> float:
    pid = session._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[attr-defined]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    base = build_base(args.contacts)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-spark-") as work:
        db = Path(work) / "work.db"
        shutil.copyfile(base, db)
        sessions = open_database(f"sqlite:///{db}")
        lake = Path(work) / "lake"
        began = time.perf_counter()
        export_lake(sessions, folder=lake)
        exported = time.perf_counter() - began
        export_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"N = {args.contacts:,}; lake export {exported:.1f} s, peak {export_peak:.0f} MB")
        run(sessions, lake, args)


def run(sessions: Sessions, lake: Path, args: argparse.Namespace) -> None:
    started = spark.start(args.master, partitions=8)
    print(f"start-up ({args.master}): {started.seconds:.1f} s", flush=True)
    tree = Criteria.parse(ADD_CRITERIA).tree
    out = lake.parent / "selected"

    def spark_job() -> None:
        jobs.add_nos(
            started.session,
            lake,
            tree,
            today=dt.date.today(),
            rules=jobs.AddRules(),
            members=None,
            out=out,
        )

    spark_job()  # the first job also compiles the JVM's code paths: reported apart
    on_spark = create_segment(sessions, description="on Spark", user=USER).no
    in_db = create_segment(sessions, description="in the database", user=USER).no
    job = timed(spark_job, args.runs, lambda: None)
    trip = timed(
        lambda: add_contacts_on_lake(
            sessions, on_spark, criteria=ADD_CRITERIA, lake=lake, master=args.master, user=USER
        ),
        args.runs,
        emptied(sessions, on_spark),
    )
    database = timed(
        lambda: add_contacts(sessions, in_db, criteria=ADD_CRITERIA, user=USER),
        args.runs,
        emptied(sessions, in_db),
    )
    added = add_contacts(sessions, in_db, criteria=ADD_CRITERIA, user=USER).added
    print(f"spark add (job only)      {job:6.2f} s   ({added:,} contacts)")
    print(f"round trip (Spark+SQLite) {trip:6.2f} s   {trip / database:5.2f} x the database add")
    print(f"database add (SQLite)     {database:6.2f} s")
    python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    jvm_peak = jvm_peak_mb(started.session)
    print(f"peak memory: Python {python_peak:.0f} MB, Spark JVM {jvm_peak:.0f} MB")
    started.session.stop()


if __name__ == "__main__":
    main()
