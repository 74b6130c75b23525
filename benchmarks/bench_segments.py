"""Benchmark of the segment engine on SQLite or PostgreSQL (SPEC §9, issue "Segment engine").

    .venv/bin/python benchmarks/bench_segments.py [--engine sqlite|postgresql]
        [--contacts 1000000] [--runs 5] [--sample 10000]
        [--ops add,preview,reduce,refine,undo_add,undo_remove] [--pg-dir DIR]

SQLite: builds `benchmarks/data/contacts-<N>.db` once with `rapport demo --contacts N`
(gitignored) and copies it to a working file per run.

PostgreSQL: starts a server of its own (initdb and pg_ctl as the `postgres` OS user when run
as root, trust authentication, loopback only, a free port, the default durability
settings) in a temporary directory, or in `--pg-dir` to keep the cluster between runs;
builds the database `contacts_<N>` once with `rapport demo`, clones it for the run
(`CREATE DATABASE … TEMPLATE`), and stops the server (and removes a temporary cluster) at
the end, also on error. Between runs the work table is vacuumed and analyzed (untimed).

Either way it prepares four segments with the services (untimed), then times six
operations, each in a fresh subprocess so that the peak memory is that of one operation
(and the SQLite page cache starts cold, as for one CLI command; on PostgreSQL the server's
shared buffers stay warm between runs, and its memory is not in the figure):

  add          add contacts with 4 criteria (two relations, a BC filter, the default
               exclusion) to an empty segment
  preview      the preview (count and sample) of the same add
  reduce       reduce a 500,000-line segment
  refine       refine the same 500,000-line segment
  undo_add     go back over an add of 500,000 lines
  undo_remove  go back over a reduce that removed 500,000 of 1,000,000 lines

Beside each, in the same run on the same file and engine: the same operation as one
hand-written SQL statement (text(), EXISTS semi-joins written by hand, the same target
table and line defaults), and Business Central's algorithm (reference §4: one contact or
line at a time through the SQLAlchemy ORM, per-contact EXISTS queries, per-line insert with
its lookups and a history row), sampled on `--sample` contacts or lines and extrapolated.
Times are medians of `--runs`; the state is reset between runs (untimed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, exists, func, select, text
from sqlalchemy.orm import Session

from rapport.services.segments.actions import AddOptions, add_contacts, reduce, refine
from rapport.services.segments.header import create_segment
from rapport.services.segments.history import go_back
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
USER = "jim"
HALF = 500_000

# The add: two relations (one on the company), a BC filter, and the default exclusion.
ADD_CRITERIA = (
    "industry_group in (RETAIL, WHOLESALE, MANUFACT) and mailing_group = NEWSLETTER"
    " and post_code matches '1000..4999'"
)
REDUCE_CRITERIA = "mailing_group = NO_MAIL or business_relation = PRESS"
REFINE_CRITERIA = "industry_group in (RETAIL, WHOLESALE) or job_responsibility = PURCHASE"
FIRST_HALF = "no matches 'SC0000001..SC0500000'"
EVERY_SYNTHETIC = "no matches 'SC*'"
TARGETS = {
    "add": 1.0,
    "preview": 0.3,
    "reduce": 1.0,
    "refine": 1.0,
    "undo_add": 1.0,
    "undo_remove": 1.0,
}
SEGMENTS = {
    "add": "Benchmark add",
    "preview": "Benchmark add",
    "reduce": "Benchmark 500k",
    "refine": "Benchmark 500k",
    "undo_add": "Benchmark undo add",
    "undo_remove": "Benchmark undo removal",
}


def peak_mb() -> float:
    """This process's peak resident set size. VmHWM belongs to the process image, so it
    starts afresh at exec; ru_maxrss would carry over the parent's peak when the child is
    spawned with vfork (as subprocess does), hence the /proc figure where there is one."""
    status = Path("/proc/self/status")
    if status.exists():
        for row in status.read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def segment_id(session: Session, no: str) -> int:
    return int(session.scalar(select(t.SegmentHeader.id).where(t.SegmentHeader.no == no)) or 0)


# --- The hand-written statements ----------------------------------------------------------

SELECTED = """
    c.post_code >= '1000' AND c.post_code <= '4999'
    AND EXISTS (SELECT 1 FROM contact_mailing_groups m
                WHERE m.contact_id = c.id AND m.mailing_group_code = 'NEWSLETTER')
    AND EXISTS (SELECT 1 FROM contact_industry_groups g WHERE g.contact_id = c.company_id
                AND g.industry_group_code IN ('RETAIL', 'WHOLESALE', 'MANUFACT'))
    AND c.excluded = 0 AND c.privacy_blocked = 0
"""
NOT_EXCLUDED_PG = "NOT c.excluded AND NOT c.privacy_blocked"

HAND_ADD = f"""
INSERT INTO segment_lines (segment_id, line_no, added_action, contact_id, contact_company_no,
    description, campaign_no, salesperson_code, correspondence_type,
    interaction_template_code, interaction_group_code, cost, duration, date,
    campaign_target, campaign_response, information_flow, initiated_by,
    send_word_doc_as_attmt, language_code, attachment_no, subject, word_template_code,
    contact_alt_address_code)
SELECT :segment, 10000 * ROW_NUMBER() OVER (ORDER BY c.company_name, c.company_no, c.type,
        c.name, c.no), 1, c.id, c.company_no,
    h.description, h.campaign_no, h.salesperson_code,
    CASE WHEN c.correspondence_type = '' THEN 'hard_copy' ELSE c.correspondence_type END,
    h.interaction_template_code, h.interaction_group_code, h.unit_cost, h.unit_duration, h.date,
    h.campaign_target, h.campaign_response, h.information_flow, h.initiated_by,
    h.send_word_docs_as_attmt,
    CASE WHEN c.language IN ('ENU', 'FRB', 'NLB') THEN c.language ELSE h.language_code_default
    END, 0, '', h.word_template_code,
    COALESCE((SELECT r.contact_alt_address_code FROM contact_alt_address_date_ranges r
              WHERE r.contact_id = c.id AND r.starting_date <= h.date
              AND (r.ending_date IS NULL OR r.ending_date >= h.date)
              ORDER BY r.starting_date DESC LIMIT 1), '')
FROM contacts c JOIN segment_headers h ON h.id = :segment
WHERE {SELECTED}
    AND NOT EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = c.id
                    AND o.correspondence_type = CASE WHEN c.correspondence_type = ''
                    THEN 'hard_copy' ELSE c.correspondence_type END)
    AND NOT EXISTS (SELECT 1 FROM segment_lines l WHERE l.segment_id = :segment
                    AND l.removed_action IS NULL AND l.contact_id = c.id)
"""

HAND_PREVIEW = f"""
SELECT count(*) FROM contacts c
WHERE {SELECTED}
    AND NOT EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = c.id
                    AND o.correspondence_type = CASE WHEN c.correspondence_type = ''
                    THEN 'hard_copy' ELSE c.correspondence_type END)
    AND NOT EXISTS (SELECT 1 FROM segment_lines l WHERE l.segment_id = :segment
                    AND l.removed_action IS NULL AND l.contact_id = c.id)
"""

MATCH_REDUCE = """(
    EXISTS (SELECT 1 FROM contact_mailing_groups m WHERE m.contact_id = segment_lines.contact_id
            AND m.mailing_group_code = 'NO_MAIL')
    OR EXISTS (SELECT 1 FROM contacts c JOIN contact_business_relations b
               ON b.contact_id = c.company_id
               WHERE c.id = segment_lines.contact_id AND b.business_relation_code = 'PRESS'))"""

MATCH_REFINE = """(
    EXISTS (SELECT 1 FROM contacts c JOIN contact_industry_groups g ON g.contact_id = c.company_id
            WHERE c.id = segment_lines.contact_id
            AND g.industry_group_code IN ('RETAIL', 'WHOLESALE'))
    OR EXISTS (SELECT 1 FROM contact_job_responsibilities j
               WHERE j.contact_id = segment_lines.contact_id
               AND j.job_responsibility_code = 'PURCHASE'))"""

HAND_REDUCE = f"""
UPDATE segment_lines SET removed_action = 2
WHERE segment_id = :segment AND removed_action IS NULL AND {MATCH_REDUCE}
"""

HAND_REFINE = f"""
UPDATE segment_lines SET removed_action = 2
WHERE segment_id = :segment AND removed_action IS NULL
    AND (contact_id IS NULL OR NOT {MATCH_REFINE})
"""

HAND_UNDO_ADD = "DELETE FROM segment_lines WHERE segment_id = :segment AND added_action > 0"

HAND_UNDO_REMOVE = """
UPDATE segment_lines SET removed_action = NULL WHERE segment_id = :segment AND removed_action > 1
"""

HAND = {
    "add": HAND_ADD,
    "preview": HAND_PREVIEW,
    "reduce": HAND_REDUCE,
    "refine": HAND_REFINE,
    "undo_add": HAND_UNDO_ADD,
    "undo_remove": HAND_UNDO_REMOVE,
}


def hand_statement(op: str, dialect: str) -> str:
    """The hand-written statement in the engine's SQL: PostgreSQL's flags are booleans."""
    statement = HAND[op]
    if dialect == "postgresql":
        statement = statement.replace("c.excluded = 0 AND c.privacy_blocked = 0", NOT_EXCLUDED_PG)
    return statement


def run_hand(sessions: Sessions, op: str, no: str) -> tuple[float, int]:
    with sessions.begin() as session:
        segment = segment_id(session, no)
        statement = text(hand_statement(op, session.get_bind().dialect.name))
        start = time.perf_counter()
        result = session.execute(
            statement, {"segment": segment}, execution_options={"preserve_rowcount": True}
        )
        rows = int(result.scalar() or 0) if op == "preview" else int(result.rowcount or 0)
    return time.perf_counter() - start, rows


def run_rapport(sessions: Sessions, op: str, no: str) -> tuple[float, int]:
    start = time.perf_counter()
    if op in ("add", "preview"):
        result = add_contacts(
            sessions, no, criteria=ADD_CRITERIA, user=USER, preview=op == "preview"
        )
        rows = result.added
    elif op in ("reduce", "refine"):
        action = reduce if op == "reduce" else refine
        criteria = REDUCE_CRITERIA if op == "reduce" else REFINE_CRITERIA
        rows = action(sessions, no, criteria=criteria, user=USER).removed
    else:
        before = active_lines(sessions, no)
        start = time.perf_counter()
        after = go_back(sessions, no, to=0 if op == "undo_add" else 1).no_of_lines
        return time.perf_counter() - start, abs(after - before)
    return time.perf_counter() - start, rows


def active_lines(sessions: Sessions, no: str) -> int:
    with sessions.begin() as session:
        line = t.SegmentLine
        count = session.scalar(
            select(func.count())
            .select_from(line)
            .where(line.segment_id == segment_id(session, no), line.removed_action.is_(None))
        )
        return int(count or 0)


# --- Business Central's algorithm through the ORM -----------------------------------------


def bc_matches_add(session: Session, contact: t.Contact) -> bool:
    """The per-contact EXISTS chain of the add's criteria (reference §4)."""
    mg = t.ContactMailingGroup
    if not session.scalar(
        select(exists().where(mg.contact_id == contact.id, mg.mailing_group_code == "NEWSLETTER"))
    ):
        return False
    ig = t.ContactIndustryGroup
    return bool(
        session.scalar(
            select(
                exists().where(
                    ig.contact_id == contact.company_id,
                    ig.industry_group_code.in_(["RETAIL", "WHOLESALE", "MANUFACT"]),
                )
            )
        )
    )


def bc_history(session: Session, header: t.SegmentHeader, contact_id: int, kind: str) -> None:
    """BC's history insert, preceded by a header GET and a COUNT of criteria actions."""
    session.get(t.SegmentHeader, header.id)
    action = session.scalar(
        select(func.count())
        .select_from(t.SegmentCriteriaLine)
        .where(t.SegmentCriteriaLine.segment_id == header.id)
    )
    session.execute(
        text(
            "INSERT INTO bench_bc_segment_history (segment_no, action_no, contact_id, type)"
            " VALUES (:no, :action, :contact, :kind)"
        ),
        {"no": header.no, "action": int(action or 0) + 1, "contact": contact_id, "kind": kind},
    )


def bc_insert_line(session: Session, header: t.SegmentHeader, contact_id: int, no: int) -> None:
    """Validate(Contact No.) and INSERT of one line: header, contact, template and language
    GETs, the alternate-address range query, then the line and its history row."""
    session.get(t.SegmentHeader, header.id)
    contact = session.get(t.Contact, contact_id)
    assert contact is not None
    template = session.get(t.InteractionTemplate, header.interaction_template_code)
    variant = session.get(t.SegmentInteractionLanguage, (header.id, 0, contact.language or "ENU"))
    language = contact.language if variant is not None else header.language_code_default
    session.scalars(
        select(t.ContactAltAddressDateRange)
        .where(t.ContactAltAddressDateRange.contact_id == contact_id)
        .limit(1)
    ).first()
    kind = contact.correspondence_type or (template.correspondence_type_default if template else "")
    session.add(
        t.SegmentLine(
            segment_id=header.id,
            line_no=no,
            contact_id=contact_id,
            contact_company_no=contact.company_no,
            description=header.description,
            campaign_no=header.campaign_no,
            salesperson_code=header.salesperson_code,
            correspondence_type=kind,
            interaction_template_code=header.interaction_template_code,
            interaction_group_code=header.interaction_group_code,
            cost=header.unit_cost,
            duration=header.unit_duration,
            date=header.date,
            language_code=language,
            word_template_code=header.word_template_code,
            added_action=1,
        )
    )
    session.flush()
    bc_history(session, header, contact_id, "insert")


def bc_add(session: Session, header: t.SegmentHeader, sample: int, *, insert: bool) -> int:
    """Add Contacts: every contact passing the contact filter (post code), its EXISTS chain,
    exclusion and duplicate checks, then a line inserted per candidate."""
    candidates = session.scalars(
        select(t.Contact)
        .where(t.Contact.post_code >= "1000", t.Contact.post_code <= "4999")
        .order_by(t.Contact.no)
        .limit(sample)
    ).all()
    no, found = 0, 0
    for contact in candidates:
        if not bc_matches_add(session, contact) or contact.excluded:
            continue
        found += 1
        if not insert:
            continue
        line = t.SegmentLine
        if session.scalar(
            select(
                exists().where(
                    line.segment_id == header.id,
                    line.contact_id == contact.id,
                    line.removed_action.is_(None),
                )
            )
        ):
            continue
        no += 10000
        bc_insert_line(session, header, contact.id, no)
    return found


def bc_matches(session: Session, contact_id: int, op: str) -> bool:
    """The per-line contact query and EXISTS chain of the reduce or refine criteria."""
    contact = session.get(t.Contact, contact_id)
    assert contact is not None
    if op == "reduce":
        checks = [
            select(t.ContactMailingGroup).where(
                t.ContactMailingGroup.contact_id == contact_id,
                t.ContactMailingGroup.mailing_group_code == "NO_MAIL",
            ),
            select(t.ContactBusinessRelation).where(
                t.ContactBusinessRelation.contact_id == contact.company_id,
                t.ContactBusinessRelation.business_relation_code == "PRESS",
            ),
        ]
    else:
        checks = [
            select(t.ContactIndustryGroup).where(
                t.ContactIndustryGroup.contact_id == contact.company_id,
                t.ContactIndustryGroup.industry_group_code.in_(["RETAIL", "WHOLESALE"]),
            ),
            select(t.ContactJobResponsibility).where(
                t.ContactJobResponsibility.contact_id == contact_id,
                t.ContactJobResponsibility.job_responsibility_code == "PURCHASE",
            ),
        ]
    return any(session.scalar(select(exists(check))) for check in checks)


def bc_delete_line(session: Session, header: t.SegmentHeader, line: t.SegmentLine) -> None:
    """A line's DELETE with BC's trigger queries ("other lines of the contact?"; the
    target-group counts run only for campaign segments, which this one is not), marked
    removed as Rapport keeps it, and its history row."""
    session.scalar(
        select(
            exists().where(
                t.SegmentLine.segment_id == header.id,
                t.SegmentLine.contact_id == line.contact_id,
                t.SegmentLine.id != line.id,
            )
        )
    )
    line.removed_action = 2
    session.flush()
    bc_history(session, header, line.contact_id or 0, "delete")


def bc_remove(session: Session, header: t.SegmentHeader, sample: int, op: str) -> int:
    """Reduce/Refine: per segment line, the contact query and EXISTS chain, then the
    removed lines deleted one by one with their triggers and history rows."""
    lines = session.scalars(
        select(t.SegmentLine)
        .where(t.SegmentLine.segment_id == header.id, t.SegmentLine.removed_action.is_(None))
        .order_by(t.SegmentLine.line_no)
        .limit(sample)
    ).all()
    doomed = [
        line for line in lines if bc_matches(session, line.contact_id or 0, op) == (op == "reduce")
    ]
    for line in doomed:
        bc_delete_line(session, header, line)
    return len(doomed)


def bc_undo(session: Session, header: t.SegmentHeader, sample: int, op: str) -> int:
    """Go Back: per history row, DeleteAll of the contact's lines (undo of an add) or a full
    Validate + INSERT of a new line (undo of a removal)."""
    line = t.SegmentLine
    if op == "undo_add":
        contact_ids = session.scalars(
            select(line.contact_id)
            .where(line.segment_id == header.id, line.added_action == 1)
            .order_by(line.line_no)
            .limit(sample)
        ).all()
        for contact_id in contact_ids:
            for found in session.scalars(
                select(line).where(line.segment_id == header.id, line.contact_id == contact_id)
            ):
                session.delete(found)
            session.flush()
        return len(contact_ids)
    contact_ids = session.scalars(
        select(line.contact_id)
        .where(line.segment_id == header.id, line.removed_action == 2)
        .order_by(line.line_no)
        .limit(sample)
    ).all()
    top = session.scalar(select(func.max(line.line_no)).where(line.segment_id == header.id)) or 0
    for offset, contact_id in enumerate(contact_ids, start=1):
        bc_insert_line(session, header, contact_id or 0, top + 10000 * offset)
    return len(contact_ids)


def run_bc(sessions: Sessions, op: str, no: str, sample: int) -> tuple[float, int]:
    """One sampled run of BC's algorithm, rolled back; the time for the sample."""
    with sessions() as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == no)).one()
        start = time.perf_counter()
        if op in ("add", "preview"):
            done = bc_add(session, header, sample, insert=op == "add")
        elif op in ("reduce", "refine"):
            done = bc_remove(session, header, sample, op)
        else:
            done = bc_undo(session, header, sample, op)
        elapsed = time.perf_counter() - start
        session.rollback()
    return elapsed, done


# --- The child: one timed operation in a fresh process ------------------------------------


def child(args: argparse.Namespace) -> None:
    sessions = open_database(args.url)
    if args.variant == "rapport":
        seconds, rows = run_rapport(sessions, args.op, args.segment)
    elif args.variant == "hand":
        seconds, rows = run_hand(sessions, args.op, args.segment)
    else:
        seconds, rows = run_bc(sessions, args.op, args.segment, args.sample)
    sessions.kw["bind"].dispose()
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb()}))


def measure(url: str, op: str, variant: str, segment: str, sample: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, "child", "--url", url, "--op", op]
    command += ["--variant", variant, "--segment", segment, "--sample", str(sample)]
    done = subprocess.run(command, check=False, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        sys.exit(f"{op} ({variant}) failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- The parent: data, segments, resets, the table ----------------------------------------


def build_base(contacts: int) -> Path:
    """The database with N synthetic contacts, built once (`rapport demo`)."""
    base = DATA / f"contacts-{contacts}.db"
    if base.exists():
        return base
    DATA.mkdir(exist_ok=True)
    partial = base.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    rapport = Path(sys.executable).with_name("rapport")
    print(f"building {base} (rapport demo --contacts {contacts:,}) …", flush=True)
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [str(rapport), "--db", f"sqlite:///{partial}", "demo", "--contacts", str(contacts)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    partial.rename(base)
    return base


def prepare(sessions: Sessions) -> dict[str, str]:
    """The four segments (created and filled with the services; untimed)."""
    nos = {}
    with sessions.begin() as session:
        key = "BIGSERIAL" if session.get_bind().dialect.name == "postgresql" else "INTEGER"
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS bench_bc_segment_history (id {key} PRIMARY KEY,"
                " segment_no TEXT, action_no INTEGER, contact_id INTEGER, type TEXT)"
            )
        )
    for description in dict.fromkeys(SEGMENTS.values()):
        result = create_segment(
            sessions,
            description=description,
            user=USER,
            values=[("interaction_template_code", "ABSTRACT")],
        )
        nos[description] = result.no
    every = AddOptions(ignore_exclusion=True)
    add_contacts(sessions, nos["Benchmark 500k"], criteria=FIRST_HALF, options=every, user=USER)
    add_contacts(
        sessions, nos["Benchmark undo removal"], criteria=EVERY_SYNTHETIC, options=every, user=USER
    )
    return {op: nos[description] for op, description in SEGMENTS.items()}


def clear(sessions: Sessions, no: str, *, after: int) -> None:
    """Lines added and criteria actions after action `after` go; removed lines come back."""
    with sessions.begin() as session:
        segment = segment_id(session, no)
        for statement in (
            "DELETE FROM segment_lines WHERE segment_id = :s AND added_action > :after",
            "UPDATE segment_lines SET removed_action = NULL WHERE segment_id = :s"
            " AND removed_action > :after",
            "DELETE FROM segment_criteria_lines WHERE segment_id = :s AND action_no > :after",
        ):
            session.execute(text(statement), {"s": segment, "after": after})


def before_run(sessions: Sessions, op: str, no: str) -> None:
    """Put the segment in the state the operation starts from."""
    every = AddOptions(ignore_exclusion=True)
    if op == "add":
        clear(sessions, no, after=0)
    elif op in ("reduce", "refine"):
        clear(sessions, no, after=1)
    elif op == "undo_add":
        clear(sessions, no, after=0)
        add_contacts(sessions, no, criteria=FIRST_HALF, options=every, user=USER)
    elif op == "undo_remove":
        clear(sessions, no, after=1)
        reduce(sessions, no, criteria=FIRST_HALF, user=USER)
    tidy(sessions)


def tidy(sessions: Sessions) -> None:
    """On PostgreSQL, the dead line versions of the reset are vacuumed and the statistics
    refreshed (SPEC §9), so that every run starts from the same state."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE segment_lines"))


def line(label: str, figures: list[str]) -> str:
    return f"  {label:<14}" + "".join(f"{figure:>16}" for figure in figures)


def report(op: str, ours: list[dict[str, Any]], hand: list[dict[str, Any]], bc: dict[str, Any]):
    mine = statistics.median(run["seconds"] for run in ours)
    baseline = statistics.median(run["seconds"] for run in hand)
    memory = max(run["peak_mb"] for run in ours)
    met = mine <= TARGETS[op] and memory <= 300 and (op != "add" or mine <= 1.5 * baseline)
    print(
        f"{op:<12} rows {ours[0]['rows']:>9,}  rapport {mine:7.3f} s  hand {baseline:7.3f} s"
        f" ({mine / baseline:4.2f} ×)  BC {bc['seconds']:8.1f} s ({bc['seconds'] / mine:6.0f} ×"
        f" slower)  peak {memory:4.0f} MB (hand {max(r['peak_mb'] for r in hand):4.0f},"
        f" BC {bc['peak_mb']:4.0f})  target ≤ {TARGETS[op]} s: {'met' if met else 'MISSED'}",
        flush=True,
    )
    print(
        "             runs: rapport "
        + " ".join(f"{run['seconds']:.3f}" for run in ours)
        + " | hand "
        + " ".join(f"{run['seconds']:.3f}" for run in hand),
        flush=True,
    )


def bc_extrapolated(sessions: Sessions, url: str, op: str, no: str, sample: int) -> dict:
    """BC's sampled run scaled to the whole operation."""
    if op in ("add", "preview"):
        clear(sessions, no, after=0)
        with sessions.begin() as session:
            total = session.scalar(
                select(func.count())
                .select_from(t.Contact)
                .where(t.Contact.post_code >= "1000", t.Contact.post_code <= "4999")
            )
    else:
        total = HALF
    run = measure(url, op, "bc", no, sample)
    run["seconds"] = run["seconds"] * int(total or 0) / sample
    return run


# --- PostgreSQL: a throwaway server and the database built once --------------------------


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_bindir() -> Path:
    out = subprocess.check_output(["pg_config", "--bindir"], text=True).strip()  # noqa: S607
    return Path(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_server(keep: Path | None) -> Iterator[str]:
    """A PostgreSQL server on loopback for this run (default durability settings); yields
    its base URL and is stopped at the end, also on error. Without `keep`, its cluster is a
    temporary directory removed at the end."""
    bindir = pg_bindir()
    base = keep or Path(tempfile.mkdtemp(prefix="rapport-bench-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data, port = base / "data", free_port()
    try:
        if not (data / "PG_VERSION").exists():
            subprocess.run(  # noqa: S603
                as_postgres(
                    [
                        *(str(bindir / "initdb"), "-D", str(data), "-U", "postgres"),
                        *("-A", "trust", "-E", "UTF8", "--no-locale"),
                    ]
                ),
                check=True,
                capture_output=True,
            )
        subprocess.run(  # noqa: S603
            as_postgres(
                [
                    *(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w"),
                    *("-o", f"-h 127.0.0.1 -p {port} -k {base}", "start"),
                ]
            ),
            check=True,
            capture_output=True,
        )
        print(f"PostgreSQL server in {base} on port {port}", flush=True)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        finally:
            subprocess.run(  # noqa: S603
                as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False,
                capture_output=True,
            )
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def admin(server: str, statement: str) -> list[Any]:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement))
            return list(result.scalars()) if result.returns_rows else []
    finally:
        engine.dispose()


def build_pg(server: str, contacts: int) -> str:
    """The database `contacts_<N>` built once (`rapport demo`, which analyzes what it
    loads), cloned into a work database for this run; the work database's URL."""
    base, work = f"contacts_{contacts}", f"work_{os.getpid()}"
    existing = admin(server, "SELECT datname FROM pg_database")
    if base not in existing:
        partial = f"{base}_partial"
        if partial in existing:
            admin(server, f"DROP DATABASE {partial}")
        admin(server, f"CREATE DATABASE {partial}")
        rapport = Path(sys.executable).with_name("rapport")
        print(f"building {base} (rapport demo --contacts {contacts:,}) …", flush=True)
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [str(rapport), "--db", f"{server}/{partial}", "demo", "--contacts", str(contacts)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        admin(server, f"ALTER DATABASE {partial} RENAME TO {base}")
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    admin(server, f"CREATE DATABASE {work} TEMPLATE {base} STRATEGY FILE_COPY")
    size = admin(server, f"SELECT pg_size_pretty(pg_database_size('{work}'))")[0]
    print(f"cloned {base} ({size}) in {time.perf_counter() - started:.1f} s", flush=True)
    return f"{server}/{work}"


def bench(url: str, args: argparse.Namespace) -> None:
    """Prepare the segments, then time each operation beside the hand-written statement
    and BC's algorithm."""
    sessions = open_database(url)
    try:
        started = time.perf_counter()
        segments = prepare(sessions)
        tidy(sessions)
        print(f"prepared segments in {time.perf_counter() - started:.1f} s", flush=True)
        for op in args.ops.split(","):
            ours, hand = [], []
            for _ in range(args.runs):
                for variant, runs in (("hand", hand), ("rapport", ours)):
                    before_run(sessions, op, segments[op])
                    runs.append(measure(url, op, variant, segments[op]))
            before_run(sessions, op, segments[op])
            bc = bc_extrapolated(sessions, url, op, segments[op], args.sample)
            report(op, ours, hand, bc)
    finally:
        sessions.kw["bind"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    inner = commands.add_parser("child")
    inner.add_argument("--url", required=True)
    inner.add_argument("--op", required=True)
    inner.add_argument("--variant", required=True)
    inner.add_argument("--segment", required=True)
    inner.add_argument("--sample", type=int, default=0)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--ops", default=",".join(TARGETS))
    parser.add_argument("--pg-dir", type=Path, help="keep the PostgreSQL cluster here")
    args = parser.parse_args()
    if args.command == "child":
        child(args)
        return
    if args.engine == "postgresql":
        with postgres_server(args.pg_dir) as server:
            url = build_pg(server, args.contacts)
            try:
                bench(url, args)
            finally:
                admin(server, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
        return
    base = build_base(args.contacts)
    work = DATA / f"work-{os.getpid()}.db"
    shutil.copyfile(base, work)
    try:
        bench(f"sqlite:///{work}", args)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
