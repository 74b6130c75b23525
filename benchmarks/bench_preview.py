"""Benchmark of the live preview and the charts with the preview accelerator (X2, X6; SPEC §9,
issue 15 item 2, issue 13 item 5).

    .venv/bin/python benchmarks/bench_preview.py [--contacts 1000000] [--lines 500000] [--runs 10]
        [--engine sqlite|postgresql] [--pg-dir DIR [--in-place]] [--build-only]

Copies `benchmarks/data/contacts-<N>.db` (built once by `rapport demo`, as bench_web.py
does) to a work file (on PostgreSQL: a throwaway server, `_bench.postgres_server`, with the
database built once by `rapport demo` and cloned for the run), puts the first `--lines`
synthetic contacts on a segment and the NEWSLETTER mailing group on a second one
(untimed), builds the accelerator (timed, with its memory: the bitmaps' size, the Python
heap it allocated by tracemalloc and the growth of the process's resident set), then
times, in this process, median of `--runs`:

  keystroke   one keystroke of the web card's live preview: the add, reduce and refine
              previews of the services with the accelerator (count, skipped counts, the
              10-contact sample), for each criteria below; target ≤ 50 ms at 1M, and
              ≤ 300 ms for the criteria that need a scan (SCANS: substrings of text fields,
              interaction dates, one with a code part)
  after edit  the same after 100 contacts were changed (the accelerator reads the change
              sequence and re-reads those contacts first)
  chart       the composition of the 500,000-line segment by country and by mailing group,
              and the overlap of the two segments; target ≤ 0.5 s at 1M

beside, in the same run and on the same state, the SQL services (the previews without the
accelerator, one run each: they take seconds) and a hand-written SQL count of the add's
selection and of each scan's (what the database alone gives). Every accelerated answer is
checked equal to the SQL services' answer.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _bench import DATA, build_base, build_pg, context, postgres_server
from sqlalchemy import delete, func, select, text, update

from rapport.services.segments import actions, analytics
from rapport.services.segments.accelerator import Accelerator
from rapport.services.segments.header import create_segment
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

USER = "benchpreview"
ADD_ONLY = False  # --sql-add-only
KEYSTROKES = {
    "benchmark add": "industry_group in (RETAIL, WHOLESALE, MANUFACT) and mailing_group = "
    "NEWSLETTER and post_code matches '1000..4999'",
    "benchmark reduce": "mailing_group = NO_MAIL or business_relation = PRESS",
    "benchmark refine": "industry_group in (RETAIL, WHOLESALE) or job_responsibility = PURCHASE",
    "demo": "country = BE and salesperson in (JO, LM) and not excluded",
}
# criteria that need a scan (target ≤ 300 ms), each with its hand-written count (SQLite's
# GLOB, PostgreSQL's LIKE): the database alone, through the casefolded copy's index for `@`
SCANS = {
    "name substring (@)": (
        "name matches '@*son*'",
        "SELECT count(*) FROM contacts WHERE name_folded {like} '{any}son{any}'",
    ),
    "city substring": (
        "city matches '*burg*'",
        "SELECT count(*) FROM contacts WHERE city {like} '{any}burg{any}'",
    ),
    "e-mail substring": (
        "email matches '*@example.*'",
        "SELECT count(*) FROM contacts WHERE email {like} '{any}@example.{any}'",
    ),
    "interactions dated in a quarter": (
        "interaction(date >= 2026-01-01 and date <= 2026-03-31)",
        "SELECT count(DISTINCT contact_id) FROM interaction_log_entries"
        " WHERE date >= '2026-01-01' AND date <= '2026-03-31'",
    ),
    "substring and a code": (
        "city matches '*burg*' and mailing_group = NEWSLETTER",
        "SELECT count(*) FROM contacts c WHERE city {like} '{any}burg{any}' AND EXISTS (SELECT 1"
        " FROM contact_mailing_groups m WHERE m.contact_id = c.id"
        " AND m.mailing_group_code = 'NEWSLETTER')",
    ),
}
HAND_COUNT = """
SELECT count(*) FROM contacts c
WHERE c.post_code >= '1000' AND c.post_code <= '4999'
  AND EXISTS (SELECT 1 FROM contact_mailing_groups m
              WHERE m.contact_id = c.id AND m.mailing_group_code = 'NEWSLETTER')
  AND EXISTS (SELECT 1 FROM contact_industry_groups g WHERE g.contact_id = c.company_id
              AND g.industry_group_code IN ('RETAIL', 'WHOLESALE', 'MANUFACT'))
  AND NOT c.excluded AND NOT c.privacy_blocked
  AND NOT EXISTS (SELECT 1 FROM segment_lines l WHERE l.segment_id = :segment
                  AND l.contact_id = c.id AND l.removed_action IS NULL)
"""


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


def median_ms(work: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU milliseconds of `work` after one warm-up, and its answer (SQLite
    works inside this process, so CPU time is what the machine's load does not inflate)."""
    answer = work()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), answer


def keystroke(sessions: Sessions, no: str, criteria: str, accelerator: Accelerator | None) -> Any:
    """The web card's preview of one keystroke: add, reduce and refine. The accelerator's
    last answer is forgotten first: a new keystroke is new criteria (its three previews
    share one evaluation, as in the server)."""
    if accelerator is not None:
        accelerator.last = None
    kw: dict[str, Any] = {"criteria": criteria, "user": USER, "preview": True}
    return (
        actions.add_contacts(sessions, no, accelerator=accelerator, **kw),
        actions.reduce(sessions, no, accelerator=accelerator, **kw),
        actions.refine(sessions, no, accelerator=accelerator, **kw),
    )


def charts(sessions: Sessions, nos: list[str], accelerator: Accelerator | None) -> Any:
    return (
        analytics.stats(sessions, nos[0], by="country", accelerator=accelerator),
        analytics.stats(sessions, nos[0], by="mailing_group", accelerator=accelerator),
        analytics.overlap(sessions, nos, accelerator=accelerator),
    )


def setup(sessions: Sessions, lines: int) -> list[str]:
    first = create_segment(sessions, description="Benchmark preview", user=USER).no
    actions.add_contacts(
        sessions,
        first,
        criteria=f"no matches 'SC0000001..SC{lines:07d}'",
        options=actions.AddOptions(ignore_exclusion=True),
        user=USER,
    )
    second = create_segment(sessions, description="Newsletter", user=USER).no
    actions.add_contacts(sessions, second, criteria="mailing_group = NEWSLETTER", user=USER)
    return [first, second]


def build(sessions: Sessions) -> tuple[Accelerator, dict[str, float]]:
    gc.collect()
    before = rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    cpu = time.process_time()
    accelerator = Accelerator(sessions)
    accelerator.build()
    figures = {
        "build s": time.perf_counter() - start,
        "build cpu s": time.process_time() - cpu,
        "python heap MB": tracemalloc.get_traced_memory()[0] / 2**20,
        "python heap peak MB": tracemalloc.get_traced_memory()[1] / 2**20,
    }
    tracemalloc.stop()
    gc.collect()
    figures["rss growth MB"] = rss_mb() - before
    figures["bitmaps and columns MB"] = accelerator.memory() / 2**20
    return accelerator, figures


def build_only(sessions: Sessions) -> dict[str, Any]:
    """The build alone from a cold start (no segment set up, no query run before it but the
    schema check), without tracemalloc (its traces would count in the resident set): the
    resident set's growth when built and at its peak while building, SQLite's page caches
    and the allocator's retained memory included."""
    gc.collect()
    before, peak_before = rss_mb(), peak_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    accelerator = Accelerator(sessions)
    accelerator.build()
    figures: dict[str, Any] = {
        "build s": time.perf_counter() - start,
        "build cpu s": time.process_time() - cpu,
        "rss growth MB": rss_mb() - before,
        "peak rss growth MB": peak_rss_mb() - max(before, peak_before),
        "bitmaps and columns MB": accelerator.memory() / 2**20,
    }
    accelerator.close()
    return figures


def edit(sessions: Sessions, round_no: int) -> None:
    """100 contacts change country (and back on the next round)."""
    country = "NL" if round_no % 2 else "BE"
    with sessions.begin() as session:
        session.execute(
            update(t.Contact)
            .where(t.Contact.id.in_(range(1000 + round_no, 1_000_000, 9_973)))
            .values(country=country)
        )


def compare(
    sessions: Sessions, no: str, name: str, criteria: str, accelerator: Accelerator, runs: int
) -> None:
    """One keystroke's accelerated figures beside the SQL services' (checked equal; only
    the add's with ADD_ONLY, as on PostgreSQL, where their reduce and refine take minutes)."""
    wall, cpu, fast = median_ms(lambda: keystroke(sessions, no, criteria, accelerator), runs)
    start = time.perf_counter()
    if ADD_ONLY:
        kw: dict[str, Any] = {"criteria": criteria, "user": USER, "preview": True}
        slow, fast = actions.add_contacts(sessions, no, **kw), fast[0]
    else:
        slow = keystroke(sessions, no, criteria, None)
    sql_ms = (time.perf_counter() - start) * 1000
    assert fast == slow, f"{name}: {fast} != {slow}"
    sys.stdout.write(
        f"  {name:<32} accelerated {wall:7.1f} / {cpu:7.1f}   SQL services {sql_ms:9.1f}\n"
    )


def hand_counts(sessions: Sessions) -> None:
    """What the database alone gives for each scan: its hand-written count, median of 3."""
    with sessions() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        like, wild = ("GLOB", "*") if sqlite else ("LIKE", "%")
        for name, (_criteria, sql) in SCANS.items():
            query = text(sql.format(like=like, any=wild))
            wall, cpu, found = median_ms(lambda q=query: session.execute(q).scalar(), 3)
            sys.stdout.write(
                f"  {name:<32} hand-written count {wall:7.1f} / {cpu:7.1f} ({found:,} contacts)\n"
            )


def keystrokes(sessions: Sessions, nos: list[str], accelerator: Accelerator, runs: int) -> None:
    out = sys.stdout
    out.write(f"keystroke (add + reduce + refine), median of {runs}, ms (wall / CPU):\n")
    for name, criteria in KEYSTROKES.items():
        compare(sessions, nos[0], name, criteria, accelerator, runs)
    out.write("criteria that need a scan (target ≤ 300 ms):\n")
    for name, (criteria, _sql) in SCANS.items():
        compare(sessions, nos[0], name, criteria, accelerator, runs)
    hand_counts(sessions)
    rounds = iter(range(10_000))
    demo = KEYSTROKES["demo"]
    wall, cpu, _ = median_ms(
        lambda: (edit(sessions, next(rounds)), keystroke(sessions, nos[0], demo, accelerator)),
        runs,
    )
    edit_wall, edit_cpu, _ = median_ms(lambda: edit(sessions, next(rounds)), runs)
    out.write(
        f"  after 100 edits    accelerated {wall - edit_wall:7.1f} / {cpu - edit_cpu:7.1f}"
        f"   (the edit alone, {edit_wall:.1f} / {edit_cpu:.1f}, subtracted)\n"
    )
    with sessions() as session:
        segment = session.scalar(
            text("SELECT id FROM segment_headers WHERE no = :no"), {"no": nos[0]}
        )
        start = time.perf_counter()
        session.execute(text(HAND_COUNT), {"segment": segment}).scalar()
        hand_ms = (time.perf_counter() - start) * 1000
    out.write(f"  hand-written SQL count of the benchmark add's selection: {hand_ms:.1f}\n")


def chart_figures(sessions: Sessions, nos: list[str], accelerator: Accelerator, runs: int) -> None:
    wall, cpu, fast = median_ms(lambda: charts(sessions, nos, accelerator), runs)
    start = time.perf_counter()
    slow = charts(sessions, nos, None)
    sql_ms = (time.perf_counter() - start) * 1000
    assert fast == slow
    sys.stdout.write(
        f"charts (by country, by mailing group, overlap of 2), median of {runs}, ms:\n"
        f"  accelerated {wall:7.1f} / {cpu:7.1f}   SQL services {sql_ms:9.1f}\n"
    )


def profile(sessions: Sessions, nos: list[str], accelerator: Accelerator) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for criteria in [*KEYSTROKES.values(), *(c for c, _ in SCANS.values())]:
        keystroke(sessions, nos[0], criteria, accelerator)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=0, help="default: half of --contacts")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="profile the keystrokes")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-dir", type=Path, help="keep the PostgreSQL cluster here")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="PostgreSQL: work in the built database itself, not a clone (left as built)",
    )
    parser.add_argument(
        "--sql-add-only", action="store_true", help="compare with the SQL services' add only"
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="SQLite: only build the accelerator on a fresh copy (memory from a cold start)",
    )
    args = parser.parse_args()
    global ADD_ONLY  # a switch of this script
    ADD_ONLY = args.sql_add_only
    if args.engine == "postgresql":
        with postgres_server(args.pg_dir) as server:
            url = build_pg(server, args.contacts, clone=not args.in_place)
            (in_place if args.in_place else run)(url, args)
        return 0
    base = build_base(args.contacts)
    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        work = Path(folder) / "preview.db"
        shutil.copyfile(base, work)
        (cold_build if args.build_only else run)(f"sqlite:///{work}", args)
    return 0


def run(url: str, args: argparse.Namespace) -> None:
    lines = args.lines or args.contacts // 2
    sessions = open_database(url)
    nos = setup(sessions, lines)
    accelerator, memory = build(sessions)
    sys.stdout.write(
        f"preview accelerator at {args.contacts:,} contacts ({args.engine}),"
        f" segment of {lines:,}:\n"
    )
    for name, value in memory.items():
        sys.stdout.write(f"  {name:<24} {value:8.1f}\n")
    if args.profile:
        profile(sessions, nos, accelerator)
    keystrokes(sessions, nos, accelerator, args.runs)
    chart_figures(sessions, nos, accelerator, args.runs)
    accelerator.close()


def cold_build(url: str, args: argparse.Namespace) -> None:
    sessions = open_database(url)
    about = context()
    figures = build_only(sessions)
    sys.stdout.write(
        f"accelerator build at {args.contacts:,} contacts (sqlite), {about['date']}, commit"
        f" {about['commit']}, load {about['load']:.1f} before and"
        f" {context()['load']:.1f} after:\n"
    )
    for name, value in figures.items():
        sys.stdout.write(f"  {name:<24} {value:8.1f}\n")


def in_place(url: str, args: argparse.Namespace) -> None:
    """`run` on the built database itself (at 10M a clone is another 19 GB of disk), which
    is left as it was: the segments it creates are deleted and the countries `edit`
    changes put back, also on error."""
    sessions = open_database(url)
    contacts, headers = t.Contact.__table__, t.SegmentHeader.__table__
    edited = {i for r in range(2 * args.runs + 2) for i in range(1000 + r, 1_000_000, 9_973)}
    with sessions.begin() as session:
        last = session.scalar(select(func.max(headers.c.id))) or 0
        countries = session.execute(
            select(contacts.c.id, contacts.c.country).where(contacts.c.id.in_(edited))
        ).all()
    try:
        run(url, args)
    finally:
        with sessions.begin() as session:
            session.execute(delete(headers).where(headers.c.id > last))
            for country in {row.country for row in countries}:
                ids = [row.id for row in countries if row.country == country]
                session.execute(
                    update(contacts).where(contacts.c.id.in_(ids)).values(country=country)
                )
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    raise SystemExit(main())
