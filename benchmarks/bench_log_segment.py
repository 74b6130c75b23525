"""Benchmark L2: log a segment of N lines on SQLite (SPEC §9: 100,000 lines ≤ 1.5 s).

    .venv/bin/python benchmarks/bench_log_segment.py [--lines 100000] [--runs 3] [--sample 1000]
        [--folded-indexes] [--distinct-subjects]

Builds a fresh database with N contacts and, before each run, a segment of N lines (two
campaigns, an e-mail template with an attachment) with set-based inserts, then times
`rapport.services.interactions.log.log_segment` (checks, logged segment, campaign entries, one
interaction log entry per line, attachments frozen, segment removed; one transaction). Beside
it, in the same run on the same data: the same work as hand-written SQL statements on the
same schema, and Business Central's algorithm (one line at a time through the ORM: the
CheckSegmentLine lookups, a numbered entry insert, a campaign entry lookup, an attachment
update, then the lines deleted one by one), sampled on `--sample` lines and extrapolated.
Peak memory is the process's maximum resident set size (ru_maxrss) after each step.
`--folded-indexes` measures what an index on each casefolded copy of the entries
(description, subject) would cost the log: the runs alternate without and with them, in
one process on one database, and report the CPU time of each (SQLite runs in-process);
`--distinct-subjects` gives every line a subject of its own, so the copies are written in
batches after the insert instead of inline (storage/folding.py).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from rapport.services.interactions.log import log_segment
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

USER = "BENCH"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(sessions: Sessions, n: int) -> None:
    """Setup codes and N contacts (20 % companies with e-mail addresses), set-based."""
    with sessions.begin() as session:
        session.add_all(
            [
                t.Salesperson(code="JO", name="Jo"),
                t.User(name=USER, salesperson_code="JO"),
                t.InteractionGroup(code="LETTER"),
                t.Campaign(no="CP1"),
                t.Campaign(no="CP2"),
                t.Attachment(no=1, file_name="body.html", file_extension="html", content=b"x"),
            ]
        )
        session.flush()
        session.add(
            t.InteractionTemplate(
                code="ABSTRACT", interaction_group_code="LETTER", description="Abstract"
            )
        )
        session.execute(
            text(
                "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < :n) "
                "INSERT INTO contacts (id, no, type, name, search_name, company_no, company_name,"
                " email, correspondence_type, created) "
                "SELECT x, printf('CT%07d', x), CASE WHEN x % 5 = 1 THEN 'company' ELSE 'person'"
                " END, printf('Contact %d', x), printf('CONTACT %d', x),"
                " printf('CT%07d', x - (x - 1) % 5), printf('Contact %d', x - (x - 1) % 5),"
                " printf('c%d@example.com', x), 'email', '2026-01-01' FROM seq"
            ),
            {"n": n},
        )


def build_segment(sessions: Sessions, n: int, no: str, *, distinct: bool = False) -> None:
    """A segment of the first N contacts, its lines inserted with one INSERT … SELECT
    (with `distinct`, each line's subject its own)."""
    with sessions.begin() as session:
        header = t.SegmentHeader(
            no=no,
            description=f"Benchmark {no}",
            salesperson_code="JO",
            interaction_template_code="ABSTRACT",
            interaction_group_code="LETTER",
            campaign_no="CP1",
        )
        session.add(header)
        session.flush()
        session.execute(
            text(
                "INSERT INTO segment_lines (segment_id, line_no, contact_id, contact_company_no,"
                " campaign_no, salesperson_code, correspondence_type, interaction_template_code,"
                " interaction_group_code, cost, duration, attachment_no, description, date,"
                " language_code, added_action, subject) "
                "SELECT :segment, 10000 * id, id, company_no,"
                " CASE WHEN id % 10 = 0 THEN 'CP2' ELSE 'CP1' END, 'JO', 'email', 'ABSTRACT',"
                " 'LETTER', 2, 5, 1, :description, '2026-03-02', 'ENU', 1,"
                " CASE WHEN :distinct THEN printf('Änderung %d', id) ELSE 'Änderung' END "
                "FROM contacts WHERE id <= :n"
            ),
            {"segment": header.id, "description": header.description, "n": n, "distinct": distinct},
        )
        header.no_of_lines = n  # the lines on it, as the product counts them


CPU: list[float] = []  # the CPU time of each run_service


def run_service(sessions: Sessions, no: str) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    result = log_segment(sessions, no, user=USER)
    elapsed = time.perf_counter() - start
    CPU.append(time.process_time() - cpu)
    assert result.interactions > 0
    return elapsed


HAND_WRITTEN = [
    "INSERT INTO logged_segments (entry_no, segment_no, description, creation_date, user_id,"
    " canceled) SELECT COALESCE((SELECT MAX(entry_no) FROM logged_segments), 0) + 1, no,"
    " description, date('now'), 'BENCH', 0 FROM segment_headers WHERE id = :segment",
    "INSERT INTO campaign_entries (entry_no, campaign_no, description, date, user_id,"
    " segment_no, salesperson_code, register_no, canceled)"
    " SELECT COALESCE((SELECT MAX(entry_no) FROM campaign_entries), 0)"
    " + ROW_NUMBER() OVER (ORDER BY campaign_no), campaign_no, '', MIN(date), 'BENCH', :no,"
    " MIN(salesperson_code), (SELECT MAX(entry_no) FROM logged_segments), 0"
    " FROM segment_lines WHERE segment_id = :segment AND campaign_no <> '' GROUP BY campaign_no",
    "INSERT INTO interaction_log_entries (entry_no, contact_id, contact_company_no, date,"
    " description, attachment_no, cost, duration, user_id, interaction_group_code,"
    " interaction_template_code, campaign_no, campaign_entry_no, segment_no, salesperson_code,"
    " correspondence_type, logged_segment_entry_no, interaction_language_code)"
    " SELECT COALESCE((SELECT MAX(entry_no) FROM interaction_log_entries), 0)"
    " + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_id, l.contact_company_no, l.date,"
    " l.description, l.attachment_no, l.cost, l.duration, 'BENCH', l.interaction_group_code,"
    " l.interaction_template_code, l.campaign_no, ce.entry_no, :no, l.salesperson_code,"
    " CASE WHEN l.correspondence_type = 'email' AND c.email = '' THEN ''"
    " ELSE l.correspondence_type END, ce.register_no, l.language_code"
    " FROM segment_lines l JOIN contacts c ON c.id = l.contact_id"
    " LEFT JOIN campaign_entries ce ON ce.segment_no = :no AND ce.campaign_no = l.campaign_no"
    " WHERE l.segment_id = :segment AND l.removed_action IS NULL",
    "UPDATE attachments SET read_only = 1 WHERE no IN"
    " (SELECT attachment_no FROM segment_lines WHERE segment_id = :segment)",
    "DELETE FROM segment_lines WHERE segment_id = :segment",
    "DELETE FROM segment_headers WHERE id = :segment",
]


def run_hand_written(sessions: Sessions, no: str) -> float:
    with sessions.begin() as session:
        segment = session.scalar(select(t.SegmentHeader.id).where(t.SegmentHeader.no == no))
        start = time.perf_counter()
        for statement in HAND_WRITTEN:
            session.execute(text(statement), {"segment": segment, "no": no})
    return time.perf_counter() - start


def bc_line(session: Session, line: t.SegmentLine, logged: int, header: t.SegmentHeader) -> None:
    """One line as Business Central logs it: lookups, a numbered insert, line updates."""
    session.get(t.InteractionTemplate, line.interaction_template_code)
    contact = session.get(t.Contact, line.contact_id)
    session.get(t.Salesperson, line.salesperson_code)
    session.get(t.Campaign, line.campaign_no)
    session.get(t.ContactAltAddress, (line.contact_id, line.contact_alt_address_code))
    entry = session.scalars(
        select(t.CampaignEntry).where(
            t.CampaignEntry.campaign_no == line.campaign_no,
            t.CampaignEntry.segment_no == header.no,
        )
    ).first()
    if entry is None:
        top = session.scalar(select(func.max(t.CampaignEntry.entry_no))) or 0
        entry = t.CampaignEntry(
            entry_no=top + 1,
            campaign_no=line.campaign_no,
            segment_no=header.no,
            register_no=logged,
            date=line.date,
        )
        session.add(entry)
        session.flush()
    line.campaign_entry_no = entry.entry_no
    top = session.scalar(select(func.max(t.InteractionLogEntry.entry_no))) or 0
    session.add(
        t.InteractionLogEntry(
            entry_no=top + 1,
            contact_id=line.contact_id,
            contact_company_no=line.contact_company_no,
            date=line.date,
            description=line.description,
            attachment_no=line.attachment_no,
            cost=line.cost,
            duration=line.duration,
            user_id=USER,
            interaction_template_code=line.interaction_template_code,
            campaign_no=line.campaign_no,
            campaign_entry_no=entry.entry_no,
            segment_no=header.no,
            salesperson_code="JO",
            correspondence_type=line.correspondence_type if contact and contact.email else "",
            logged_segment_entry_no=logged,
        )
    )
    attachment = session.get(t.Attachment, line.attachment_no)
    if attachment is not None and not attachment.read_only:
        attachment.read_only = True
    session.flush()


def run_bc(sessions: Sessions, no: str) -> float:
    with sessions.begin() as session:
        start = time.perf_counter()
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == no)).one()
        top = session.scalar(select(func.max(t.LoggedSegment.entry_no))) or 0
        session.add(t.LoggedSegment(entry_no=top + 1, segment_no=no, user_id=USER))
        session.flush()
        lines = session.scalars(
            select(t.SegmentLine)
            .where(t.SegmentLine.segment_id == header.id)
            .order_by(t.SegmentLine.line_no)
        ).all()
        for line in lines:
            bc_line(session, line, top + 1, header)
        for line in lines:
            session.delete(line)
            session.flush()
        session.delete(header)
        session.flush()
        return time.perf_counter() - start


def set_indexes(sessions: Sessions, *, present: bool) -> None:
    """Create (or drop) an index on each casefolded copy of the entries."""
    with sessions.begin() as session:
        for copy in t.FOLDS["interaction_log_entries"].values():
            if present:
                statement = f"CREATE INDEX ix_bench_{copy} ON interaction_log_entries ({copy})"
            else:
                statement = f"DROP INDEX ix_bench_{copy}"
            session.execute(text(statement))


def compare_indexes(sessions: Sessions, n: int, runs: int) -> None:
    """The log's CPU time without and with the indexes, alternating in one process."""
    times: dict[bool, list[float]] = {False: [], True: []}
    for run in range(runs):
        for present in (False, True):
            if present:
                set_indexes(sessions, present=True)
            no = f"SEGI{run}{int(present)}"
            build_segment(sessions, n, no)
            start = time.process_time()
            run_service(sessions, no)
            times[present].append(time.process_time() - start)
            if present:
                set_indexes(sessions, present=False)
    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    print(f"log segment, {n:,} lines, SQLite, CPU time, median of {runs} alternating runs")
    print(f"  entries without indexes on the copies  {without:8.2f} s")
    print(
        f"  entries with an index on each copy     {with_:8.2f} s   ratio {with_ / without:5.2f} ×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--folded-indexes", action="store_true")
    parser.add_argument("--distinct-subjects", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sessions = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        setup(sessions, args.lines)
        if args.folded_indexes:
            compare_indexes(sessions, args.lines, args.runs)
            return
        service, hand = [], []
        for run in range(args.runs):
            build_segment(sessions, args.lines, f"SEGS{run}", distinct=args.distinct_subjects)
            service.append(run_service(sessions, f"SEGS{run}"))
            build_segment(sessions, args.lines, f"SEGH{run}")
            hand.append(run_hand_written(sessions, f"SEGH{run}"))
        memory = peak_mb()
        build_segment(sessions, args.sample, "SEGBC")
        bc = run_bc(sessions, "SEGBC") * args.lines / args.sample
    ours, baseline = statistics.median(service), statistics.median(hand)
    extra = ", distinct subjects" if args.distinct_subjects else ""
    print(f"log segment, {args.lines:,} lines, SQLite, median of {args.runs}{extra}")
    print(f"  rapport log_segment      {ours:8.2f} s   (target ≤ 1.5 s)")
    print(f"    its CPU time           {statistics.median(CPU[: args.runs]):8.2f} s")
    print(f"  hand-written SQL         {baseline:8.2f} s   ratio {ours / baseline:5.2f} ×")
    print(
        f"  BC per line through ORM  {bc:8.2f} s   (sampled on {args.sample:,} lines, "
        f"extrapolated)   {bc / ours:5.1f} × slower"
    )
    print(f"  peak memory (max RSS)    {memory:8.0f} MB")


if __name__ == "__main__":
    main()
