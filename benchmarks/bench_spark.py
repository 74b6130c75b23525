"""Benchmark of the criteria engine on Apache Spark over the lake (issue 16, SPEC §9).

    .venv/bin/python benchmarks/bench_spark.py [--contacts 100000] [--runs 3]
        [--master local[2]] [--pg-dir DIR] [--lake DIR [--no-round-trip]] [--all-lines]
        [--connect [--commands-db FILE]]

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
(ru_maxrss) and the Spark JVM's (VmHWM of its process).

With `--connect`, the jobs run on a Spark Connect server on `--master`, started once here
as `rapport lake serve` starts it (storage/spark_connect.py) and warmed by one untimed job;
this process is its client, as a command is, and each job is timed as the client sees it,
beside the server JVM's CPU. `--commands-db FILE` (a SQLite file, copied) also times whole
`rapport segment add … --engine spark --master sc://…` processes against that server, each
its own Python process, as a user runs them (without `--connect`: with `--master`, each
command with a JVM of its own). `--jfr FILE` records one more job with Java
Flight Recorder (through `jcmd`) for a profile. The 10M target (≤ 5 s after
start-up on `local[2]`) is run with `--contacts 10000000` on a machine with the disk for it;
docs/spark.md has the figures and the 100M estimate.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from _bench import build_base, built_in_place, context, free_port, rapport_executable
from sqlalchemy import delete, select, text

from rapport.criteria.value import Criteria
from rapport.services.lake import jobs
from rapport.services.lake.exports import export_lake
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.header import create_segment
from rapport.services.segments.on_lake import add_contacts_on_lake
from rapport.storage import spark, spark_connect
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


# JVM threads by the first words of their names (/proc's comm, 15 characters).
THREADS = {"C2 Compiler": "JIT", "C1 Compiler": "JIT", "GC Thread": "GC", "G1 ": "GC"}
THREADS |= {"Executor task": "tasks"}


def thread_cpu(pid: int) -> dict[int, tuple[str, float]]:
    """Each live JVM thread's kind (JIT compilers, GC, the executor's tasks, other) and CPU
    seconds so far."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            name = (task / "comm").read_text()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            kind = next((k for prefix, k in THREADS.items() if name.startswith(prefix)), "other")
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            threads[int(task.name)] = (kind, cpu)
    return threads


def by_thread(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> str:
    """The CPU of a job by kind of thread: the threads alive at its end (a thread that ended
    during the job counts in the JVM's total only)."""
    spent = dict.fromkeys(("JIT", "GC", "tasks", "other"), 0.0)
    for tid, (kind, cpu) in after.items():
        spent[kind] += cpu - before.get(tid, (kind, 0.0))[1]
    return ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in spent.items())


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
    parser.add_argument(
        "--connect", action="store_true", help="run on a Spark Connect server started once"
    )
    parser.add_argument(
        "--commands-db", type=Path, help="--connect: time whole commands on a copy of this file"
    )
    parser.add_argument("--jfr", type=Path, help="record one more job with Flight Recorder here")
    args = parser.parse_args()
    print(context(), flush=True)
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
    session: object, pid: int, lake: Path, out: Path, criteria: str, args: argparse.Namespace
) -> tuple[float, float, int]:
    """The Spark job of an add of `criteria` (after a first, untimed one): median wall and
    JVM CPU seconds, and the contacts it wrote; each run's figures printed."""
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

    cpu, began = jvm_cpu_seconds(pid), time.perf_counter()
    job()  # the first job also compiles the JVM's code paths: reported apart
    first = time.perf_counter() - began, jvm_cpu_seconds(pid) - cpu
    print(f"first job (untimed)       {first[0]:6.2f} s, JVM CPU {first[1]:6.2f} s", flush=True)
    walls, cpus = [], []
    for index in range(args.runs):
        threads, cpu, began = thread_cpu(pid), jvm_cpu_seconds(pid), time.perf_counter()
        job()
        walls.append(time.perf_counter() - began)
        cpus.append(jvm_cpu_seconds(pid) - cpu)
        load = os.getloadavg()[0]
        print(
            f"  job {index + 1}: {walls[-1]:6.2f} s, JVM CPU {cpus[-1]:6.2f} s "
            f"({by_thread(threads, thread_cpu(pid))}), load {load:.1f}",
            flush=True,
        )
    if args.jfr is not None:  # one more job, sampled by Java Flight Recorder
        jcmd = ["jcmd", str(pid)]
        subprocess.run([*jcmd, "JFR.start", "name=job", "settings=profile"], check=True)  # noqa: S603
        job()
        subprocess.run([*jcmd, "JFR.stop", "name=job", f"filename={args.jfr}"], check=True)  # noqa: S603
    written = session.read.parquet(str(out)).count()  # type: ignore[attr-defined]
    return statistics.median(walls), statistics.median(cpus), written


@contextlib.contextmanager
def spark_session(args: argparse.Namespace) -> Iterator[tuple[object, int, str]]:
    """The run's Spark session, the pid of the JVM that runs its jobs and the master a
    command gives: a JVM of this process's own, or with `--connect` a session of a Spark
    Connect server started here on `--master` (the server's JVM)."""
    if not args.connect:
        started = spark.start(args.master)
        print(f"start-up ({args.master}): {started.seconds:.1f} s", flush=True)
        yield started.session, jvm_pid(started.session), args.master
        started.session.stop()
        return
    plan = spark_connect.ServerPlan(args.master, port=free_port())
    began = time.perf_counter()
    with (
        tempfile.TemporaryFile() as log,
        spark_connect.running(plan, output=log) as server,
    ):
        name = Path(f"/proc/{server.pid}/comm").read_text().strip()
        print(
            f"Connect server ({args.master}, {name} process): {time.perf_counter() - began:.1f} s"
        )
        started = spark.start(plan.url)
        print(f"client connection ({plan.url}): {started.seconds:.2f} s", flush=True)
        yield started.session, server.pid, plan.url
        started.session.stop()


def run(sessions: Sessions | None, lake: Path, out: Path, args: argparse.Namespace) -> None:
    with spark_session(args) as (session, pid, master):
        wall, cpu, written = spark_figures(session, pid, lake, out, ADD_CRITERIA, args)
        print(f"spark add (job only)      {wall:6.2f} s, JVM CPU {cpu:6.2f} s  ({written:,} out)")
        if args.commands_db is not None:
            commands(args, lake, master, pid)
        if sessions is not None:
            engine = sessions.kw["bind"].dialect.name
            round_trip(sessions, lake, master, args, ADD_CRITERIA, engine)
            if args.all_lines:
                round_trip(sessions, lake, master, args, EVERY_SYNTHETIC, engine)
        python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory: Python {python_peak:.0f} MB, Spark JVM {jvm_peak_mb(pid):.0f} MB")


def commands(args: argparse.Namespace, lake: Path, master: str, pid: int) -> None:
    """Whole `rapport segment add … --engine spark --master MASTER` processes into an empty
    segment of a copy of `--commands-db`: each one's wall time, the start-up and job it
    reports, and with `--connect` the server JVM's CPU (without, each command starts a JVM
    of its own)."""
    with tempfile.TemporaryDirectory(prefix="rapport-bench-commands-") as work:
        db = Path(work) / "work.db"
        shutil.copyfile(args.commands_db, db)
        sessions = open_database(f"sqlite:///{db}")
        segment = create_segment(sessions, description="by command", user=USER).no
        argv = [str(rapport_executable()), "--db", f"sqlite:///{db}", "--json", "--user", USER]
        argv += ["segment", "add", segment, "--where", ADD_CRITERIA, "--engine", "spark"]
        argv += ["--lake", str(lake), "--master", master]
        walls = []
        for index in range(args.runs):
            cpu, began = jvm_cpu_seconds(pid), time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603
            walls.append(time.perf_counter() - began)
            shown = json.loads(done.stdout)
            server = f"server JVM CPU {jvm_cpu_seconds(pid) - cpu:.2f} s; " if args.connect else ""
            print(
                f"  command {index + 1}: {walls[-1]:6.2f} s (start-up "
                f"{shown['startup_seconds']:.2f} s, job {shown['spark_seconds']:.2f} s, {server}"
                f"{shown['result']['added']:,} added, {shown['unknown_contacts']:,} unknown), "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            emptied(sessions, segment)()
        print(f"whole command (median)    {statistics.median(walls):6.2f} s")


LINE_COLUMNS = (  # the description is each segment's own
    "line_no, contact_id, contact_company_no, correspondence_type, language_code,"
    " salesperson_code, interaction_template_code, date"
)


def same_lines(sessions: Sessions, one: str, other: str) -> None:
    """Stop the run unless the two segments hold the same lines: numbers, contacts and the
    defaults the add wrote from the contacts (counted in the database, both ways, by
    EXCEPT)."""
    with sessions() as session:
        ids = [
            session.scalars(select(t.SegmentHeader.id).where(t.SegmentHeader.no == no)).one()
            for no in (one, other)
        ]
        differ = 0
        for left, right in (ids, ids[::-1]):
            differ += session.execute(
                text(
                    f"SELECT count(*) FROM (SELECT {LINE_COLUMNS} FROM segment_lines"
                    f" WHERE segment_id = :left EXCEPT SELECT {LINE_COLUMNS} FROM segment_lines"
                    " WHERE segment_id = :right) AS differing"
                ),
                {"left": left, "right": right},
            ).scalar_one()
    if differ:
        sys.exit(f"the add on Spark and in the database left {differ} differing lines")


def round_trip(
    sessions: Sessions,
    lake: Path,
    master: str,
    args: argparse.Namespace,
    criteria: str,
    engine: str,
) -> None:
    """The add of `criteria` on Spark into an empty segment (job, staging, insert of the
    lines), beside the same add on the database."""
    on_spark = create_segment(sessions, description="on Spark", user=USER).no
    in_db = create_segment(sessions, description="in the database", user=USER).no
    trip = timed(
        lambda: add_contacts_on_lake(
            sessions, on_spark, criteria=criteria, lake=lake, master=master, user=USER
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
    add_contacts_on_lake(sessions, on_spark, criteria=criteria, lake=lake, master=master, user=USER)
    same_lines(sessions, on_spark, in_db)
    print(f"{criteria}: {added:,} lines, the same line for line from Spark and the database")
    print(f"round trip (Spark+{engine}) {trip:6.2f} s   {trip / database:5.2f} x the database add")
    print(f"database add ({engine})     {database:6.2f} s")


if __name__ == "__main__":
    main()
