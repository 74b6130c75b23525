"""Benchmark of the live preview and the charts with the preview accelerator (X2, X6; SPEC §9,
issue 15 item 2, issue 13 item 5).

    .venv/bin/python benchmarks/bench_preview.py [--contacts 1000000] [--lines 500000] [--runs 10]
        [--engine sqlite|postgresql] [--pg-dir DIR [--in-place]] [--url URL] [--build-only]
        [--second CRITERIA] [--sql-timeout S] [--untraced]

Copies `benchmarks/data/contacts-<N>.db` (built once by `rapport demo`, as bench_web.py
does) to a work file (on PostgreSQL: a throwaway server, `_bench.postgres_server`, with the
database built once by `rapport demo` and cloned for the run; with `--url`, the database
there itself, left as it was: the run's segments deleted, no contact's value changed),
puts the first `--lines` synthetic contacts on a segment and the contacts of `--second`
(the NEWSLETTER mailing group) on a second one (untimed), builds the accelerator (timed,
with its memory: the bitmaps' size, the Python heap it allocated by tracemalloc unless
`--untraced`, the growth of the process's resident set held and at its peak, the bitmaps
and columns by part), then times, in this process, median of `--runs`:

  keystroke   one keystroke of the web card's live preview: the add, reduce and refine
              previews of the services with the accelerator (count, skipped counts, the
              10-contact sample), for each criteria below; target ≤ 50 ms at 1M, and
              ≤ 300 ms for the criteria that need a scan (SCANS: substrings of text fields,
              interaction dates, one with a code part)
  after edit  the same after 100 contacts were updated (the accelerator reads the change
              sequence and re-reads those contacts first)
  chart       the composition of the 500,000-line segment by country and by mailing group,
              and the overlap of the two segments; target ≤ 0.5 s at 1M

beside, in the same run and on the same state, the SQL services (the previews without the
accelerator, one run each: they take seconds) and a hand-written SQL count of the add's
selection and of each scan's (what the database alone gives). Every accelerated answer is
checked equal to the SQL services' answer; with `--sql-timeout` (PostgreSQL) an SQL
preview cancelled after that many seconds is reported as such and its answer unchecked.
The criteria that need a scan are timed only when the accelerator holds their columns
(within its memory budget). The load average is printed beside each section.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _bench import DATA, build_base, build_pg, context, postgres_server
from _bench_preview import build, limited, load, median_ms, parts, peak_rss_mb, rss_mb, timed
from sqlalchemy import delete, select, text, update

from rapport.criteria.value import Criteria
from rapport.services.segments import actions, analytics
from rapport.services.segments._accel_eval import Unsupported
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


def setup(sessions: Sessions, lines: int, second: str, made: list[str]) -> list[str]:
    """The two segments (each no. noted in `made` as soon as it exists)."""
    first = create_segment(sessions, description="Benchmark preview", user=USER).no
    made.append(first)
    actions.add_contacts(
        sessions,
        first,
        criteria=f"no matches 'SC0000001..SC{lines:07d}'",
        options=actions.AddOptions(ignore_exclusion=True),
        user=USER,
    )
    other = create_segment(sessions, description="Benchmark preview (second)", user=USER).no
    made.append(other)
    actions.add_contacts(sessions, other, criteria=second, user=USER)
    return [first, other]


def edit(sessions: Sessions, round_no: int) -> None:
    """100 contacts updated, their country set again to what it is: the triggers mark them
    changed (the accelerator re-reads them) and a shared database keeps its values."""
    contacts = t.Contact.__table__
    with sessions.begin() as session:
        session.execute(
            update(contacts)
            .where(contacts.c.id.in_(range(1000 + round_no, 1_000_000, 9_973)))
            .values(country=contacts.c.country)
        )


def compare(
    sql: Sessions, no: str, name: str, criteria: str, accelerator: Accelerator, runs: int
) -> None:
    """One keystroke's accelerated figures beside the SQL services' (each preview on its
    own, checked equal; only the add's with ADD_ONLY; one cancelled by the timeout is
    reported and left unchecked)."""
    wall, cpu, fast = median_ms(lambda: keystroke(sql, no, criteria, accelerator), runs)
    kw: dict[str, Any] = {"criteria": criteria, "user": USER, "preview": True}
    services = (actions.add_contacts, actions.reduce, actions.refine)
    said = []
    for service, answer in list(zip(services, fast, strict=True))[: 1 if ADD_ONLY else 3]:
        ms, slow = timed(lambda s=service: s(sql, no, **kw))
        if slow is None:
            said.append(f"{service.__name__} cancelled at {ms / 1000:.0f} s")
            continue
        assert answer == slow, f"{name}, {service.__name__}: {answer} != {slow}"
        said.append(f"{service.__name__} {ms:,.0f}")
    sys.stdout.write(
        f"  {name:<32} accelerated {wall:7.1f} / {cpu:7.1f}   SQL services {', '.join(said)}"
        f"   ({load()})\n"
    )


def answerable(sessions: Sessions, accelerator: Accelerator, criteria: str) -> bool:
    """Whether the accelerator answers `criteria` itself (it holds their columns)."""
    parsed = Criteria.parse(criteria)
    with sessions() as session, accelerator.lock:
        index = accelerator.ready(session)
        try:
            return index is not None and accelerator.selected(session, index, parsed) is not None
        except Unsupported:
            return False
        finally:
            accelerator.last = None


def hand_counts(sessions: Sessions, scans: list[str]) -> None:
    """What the database alone gives for each scan: its hand-written count, median of 3."""
    with sessions() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        like, wild = ("GLOB", "*") if sqlite else ("LIKE", "%")
        for name in scans:
            query = text(SCANS[name][1].format(like=like, any=wild))
            wall, cpu, found = median_ms(lambda q=query: session.execute(q).scalar(), 3)
            sys.stdout.write(
                f"  {name:<32} hand-written count {wall:7.1f} / {cpu:7.1f} ({found:,} contacts)\n"
            )


def keystrokes(
    sql: Sessions, nos: list[str], accelerator: Accelerator, runs: int, *, hand: bool
) -> None:
    out = sys.stdout
    out.write(f"keystroke (add + reduce + refine), median of {runs}, ms (wall / CPU):\n")
    for name, criteria in KEYSTROKES.items():
        compare(sql, nos[0], name, criteria, accelerator, runs)
    scans = [name for name, (c, _) in SCANS.items() if answerable(sql, accelerator, c)]
    left = [name for name in SCANS if name not in scans]
    out.write(f"criteria that need a scan (target ≤ 300 ms at 1M); left to SQL: {left}\n")
    for name in scans:
        compare(sql, nos[0], name, SCANS[name][0], accelerator, runs)
    hand_counts(sql, scans)
    rounds = iter(range(10_000))
    demo = KEYSTROKES["demo"]
    wall, cpu, _ = median_ms(
        lambda: (edit(sql, next(rounds)), keystroke(sql, nos[0], demo, accelerator)), runs
    )
    edit_wall, edit_cpu, _ = median_ms(lambda: edit(sql, next(rounds)), runs)
    out.write(
        f"  after 100 edits    accelerated {wall - edit_wall:7.1f} / {cpu - edit_cpu:7.1f}"
        f"   (the edit alone, {edit_wall:.1f} / {edit_cpu:.1f}, subtracted; {load()})\n"
    )
    if not hand:
        return
    with sql() as session:
        segment = session.scalar(
            text("SELECT id FROM segment_headers WHERE no = :no"), {"no": nos[0]}
        )
        ms, _ = timed(lambda: session.execute(text(HAND_COUNT), {"segment": segment}).scalar())
    out.write(f"  hand-written SQL count of the benchmark add's selection: {ms:.1f}\n")


def chart_figures(sql: Sessions, nos: list[str], accelerator: Accelerator, runs: int) -> None:
    wall, cpu, fast = median_ms(lambda: charts(sql, nos, accelerator), runs)
    ms, slow = timed(lambda: charts(sql, nos, None))
    assert slow is None or fast == slow
    said = f"{ms:9.1f}" if slow is not None else f"cancelled at {ms / 1000:.0f} s"
    sys.stdout.write(
        f"charts (by country, by mailing group, overlap of 2), median of {runs}, ms:\n"
        f"  accelerated {wall:7.1f} / {cpu:7.1f}   SQL services {said}   ({load()})\n"
    )


def profile(sessions: Sessions, nos: list[str], accelerator: Accelerator) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for criteria in KEYSTROKES.values():
        keystroke(sessions, nos[0], criteria, accelerator)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


def arguments() -> argparse.Namespace:
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
        "--url", help="work in the database at this URL itself (left as it was): a shared one"
    )
    parser.add_argument("--second", default="mailing_group = NEWSLETTER", help="second segment")
    parser.add_argument(
        "--sql-timeout", type=float, default=0, help="PostgreSQL: cancel an SQL preview after S s"
    )
    parser.add_argument(
        "--sql-add-only", action="store_true", help="compare with the SQL services' add only"
    )
    parser.add_argument("--untraced", action="store_true", help="build without tracemalloc")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="SQLite: only build the accelerator on a fresh copy (memory from a cold start)",
    )
    return parser.parse_args()


def main() -> int:
    args = arguments()
    global ADD_ONLY  # a switch of this script
    ADD_ONLY = args.sql_add_only
    if args.url:
        in_place(args.url, args)
        return 0
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


def run(url: str, args: argparse.Namespace, made: list[str] | None = None) -> None:
    lines = args.lines or args.contacts // 2
    sessions = open_database(url)
    about = context()
    started = time.perf_counter()
    nos = setup(sessions, lines, args.second, made if made is not None else [])
    out = sys.stdout
    out.write(
        f"{about['date']}, commit {about['commit']}: {about['command']}\n"
        f"segments set up in {time.perf_counter() - started:.1f} s; building ({load()})\n"
    )
    out.flush()
    accelerator, memory = build(sessions, traced=not args.untraced)
    out.write(
        f"preview accelerator at {args.contacts:,} contacts ({args.engine}),"
        f" segment of {lines:,}, built ({load()}):\n"
    )
    for name, value in [*memory.items(), *parts(accelerator).items()]:
        out.write(f"  {name:<28} {value:8.1f}\n")
    out.flush()
    sql = limited(url, args.sql_timeout)
    if args.profile:
        profile(sql, nos, accelerator)
    keystrokes(sql, nos, accelerator, args.runs, hand=not args.url)
    chart_figures(sql, nos, accelerator, args.runs)
    accelerator.close()
    out.write(f"resident set {rss_mb():.0f} MB, at its peak {peak_rss_mb():.0f} MB\n")


def cold_build(url: str, args: argparse.Namespace) -> None:
    sessions = open_database(url)
    about = context()
    accelerator, figures = build(sessions, traced=False)
    accelerator.close()
    sys.stdout.write(
        f"accelerator build at {args.contacts:,} contacts (sqlite), {about['date']}, commit"
        f" {about['commit']}, load {about['load']:.1f} before and"
        f" {context()['load']:.1f} after:\n"
    )
    for name, value in [*figures.items(), *parts(accelerator).items()]:
        sys.stdout.write(f"  {name:<28} {value:8.1f}\n")


def in_place(url: str, args: argparse.Namespace) -> None:
    """`run` on the built database itself (at 10M a clone is another 19 GB of disk; others
    may be using it), which is left as it was: the segments it made, and only those, are
    deleted, also on error (`edit` changes no value)."""
    made: list[str] = []
    try:
        run(url, args, made)
    finally:
        sessions = open_database(url)
        headers = t.SegmentHeader.__table__
        lines = t.SegmentLine.__table__
        made_ids = select(headers.c.id).where(headers.c.no.in_(made))
        with sessions.begin() as session:
            session.execute(delete(lines).where(lines.c.segment_id.in_(made_ids)))
            session.execute(delete(headers).where(headers.c.no.in_(made)))
        sessions.kw["bind"].dispose()
        sys.stdout.write(f"deleted the run's segments {made}\n")


if __name__ == "__main__":
    raise SystemExit(main())
