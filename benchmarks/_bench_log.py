"""The `log` operation of bench_segments.py: a segment of min(100,000, N / 2) lines logged as
interactions (L2) into a table that already holds the demo's entries (3 per contact).

The segment to log is rebuilt before every run from a source segment prepared once with the
services (untimed): the previous run's entries, campaign entries and logged segment are
deleted, and the header and lines are copied back under the same no. (`LOG_NO`), so that
every variant starts from the same state. The hand-written variant does the same writes as
`rapport.services.interactions.log.log_segment` on the same schema, as plain statements
(after bench_log_segment.py's): the logged segment, the campaign entries by one GROUP BY,
the entries by one INSERT … SELECT numbered in line order (campaign entry by a join, the
e-mail rule, the casefolded copies by lower()), the attachments frozen, the tasks unlinked,
the lines and the header deleted. Both must write the same entries (every column).

Imported by bench_segments.py; not part of the product.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.header import create_segment
from rapport.storage import schema
from rapport.storage.db import Sessions

LOG_NO = "BENCHLOG"
LOG_LINES = 100_000
SOURCE = "Benchmark log source"

headers = schema.segment_headers
lines = schema.segment_lines
entries = schema.interaction_log_entries


def log_lines(contacts: int) -> int:
    return min(LOG_LINES, contacts // 2)


def prepare_log(sessions: Sessions, contacts: int, user: str) -> str:
    """The source segment: an e-mail invitation (template INVITE, its campaign) to the first
    min(100,000, N / 2) synthetic contacts. Its no."""
    no = create_segment(
        sessions, description=SOURCE, user=user, values=[("interaction_template_code", "INVITE")]
    ).no
    criteria = f"no matches 'SC0000001..SC{log_lines(contacts):07d}'"
    options = AddOptions(ignore_exclusion=True)
    add_contacts(sessions, no, criteria=criteria, options=options, user=user)
    return LOG_NO


def reset_log(sessions: Sessions) -> None:
    """Undo the previous log of LOG_NO (its entries, campaign entries, logged segment) and
    copy the source segment back under LOG_NO."""
    logged = schema.logged_segments
    with sessions.begin() as session:
        previous = select(logged.c.entry_no).where(logged.c.segment_no == LOG_NO)
        session.execute(delete(entries).where(entries.c.logged_segment_entry_no.in_(previous)))
        campaign = schema.campaign_entries
        session.execute(delete(campaign).where(campaign.c.register_no.in_(previous)))
        session.execute(delete(logged).where(logged.c.segment_no == LOG_NO))
        old = select(headers.c.id).where(headers.c.no == LOG_NO).scalar_subquery()
        session.execute(delete(lines).where(lines.c.segment_id == old))
        session.execute(delete(headers).where(headers.c.no == LOG_NO))
        copy_source(session)


def copy_source(session: Session) -> None:
    """The source header under LOG_NO, and its lines."""
    source = session.execute(select(headers.c.id).where(headers.c.description == SOURCE)).scalar()
    kept = [c.name for c in headers.columns if c.name not in ("id", "no")]
    session.execute(
        insert(headers).from_select(
            ["no", *kept],
            select(literal(LOG_NO), *(headers.c[name] for name in kept)).where(
                headers.c.id == source
            ),
        )
    )
    target = session.execute(select(headers.c.id).where(headers.c.no == LOG_NO)).scalar()
    columns = [c.name for c in lines.columns if c.name not in ("id", "segment_id")]
    session.execute(
        insert(lines).from_select(
            ["segment_id", *columns],
            select(literal(target), *(lines.c[name] for name in columns))
            .where(lines.c.segment_id == source)
            .order_by(lines.c.id),
        )
    )


def log_fingerprint(session: Session) -> list[tuple[Any, ...]]:
    """Every column of the entries the log of LOG_NO wrote, in entry order (the user in
    capitals: the CLI writes the name it was given in capitals)."""
    logged = schema.logged_segments
    written = select(logged.c.entry_no).where(logged.c.segment_no == LOG_NO)
    columns = [func.upper(c) if c.name == "user_id" else c for c in entries.columns]
    rows = session.execute(
        select(*columns)
        .where(entries.c.logged_segment_entry_no.in_(written))
        .order_by(entries.c.entry_no)
    )
    return [tuple(row) for row in rows]


ACTIVE = "segment_id = :segment AND removed_action IS NULL AND contact_id IS NOT NULL"

HAND_LOG = [
    "INSERT INTO logged_segments (entry_no, segment_no, description, description_folded,"
    " creation_date, user_id, canceled)"
    " SELECT COALESCE((SELECT MAX(entry_no) FROM logged_segments), 0) + 1, no, description,"
    " lower(description), :today, :user, :off FROM segment_headers WHERE id = :segment",
    "INSERT INTO campaign_entries (entry_no, campaign_no, description, date, user_id,"
    " segment_no, salesperson_code, register_no)"
    " SELECT COALESCE((SELECT MAX(entry_no) FROM campaign_entries), 0)"
    " + ROW_NUMBER() OVER (ORDER BY f.campaign_no), f.campaign_no, h.description, f.date,"
    " :user, h.no, (SELECT l.salesperson_code FROM segment_lines l"
    f"   WHERE l.{ACTIVE.replace(' AND ', ' AND l.')}"
    "   AND l.campaign_no = f.campaign_no AND l.date = f.date ORDER BY l.line_no LIMIT 1),"
    " (SELECT MAX(entry_no) FROM logged_segments)"
    " FROM (SELECT campaign_no, MIN(date) AS date FROM segment_lines"
    f"   WHERE {ACTIVE} AND campaign_no <> '' GROUP BY campaign_no) f"
    " JOIN segment_headers h ON h.id = :segment",
    "INSERT INTO interaction_log_entries (entry_no, contact_id, contact_company_no, date,"
    " description, information_flow, initiated_by, attachment_no, cost, duration,"
    " interaction_group_code, interaction_template_code, subject, campaign_no,"
    " campaign_response, campaign_target, evaluation, attempt_failed, task_no,"
    " salesperson_code, contact_alt_address_code, contact_via, opportunity_no,"
    " word_template_code, user_id, interaction_language_code, send_word_docs_as_attmt,"
    " campaign_entry_no, segment_no, correspondence_type, logged_segment_entry_no,"
    " delivery_status, description_folded, subject_folded)"
    " SELECT COALESCE((SELECT MAX(entry_no) FROM interaction_log_entries), 0)"
    " + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_id, l.contact_company_no, l.date,"
    " l.description, l.information_flow, l.initiated_by, l.attachment_no, l.cost,"
    " l.duration, l.interaction_group_code, l.interaction_template_code, l.subject,"
    " l.campaign_no, l.campaign_response, l.campaign_target, l.evaluation,"
    " l.attempt_failed, l.task_no, l.salesperson_code, l.contact_alt_address_code,"
    " l.contact_via, l.opportunity_no, l.word_template_code, :user, l.language_code,"
    " l.send_word_doc_as_attmt, COALESCE(ce.entry_no, 0), :segment_no,"
    " CASE WHEN l.correspondence_type = 'email' AND c.email = ''"
    "   AND (a.code IS NULL OR a.email = '') THEN '' ELSE l.correspondence_type END,"
    " (SELECT MAX(entry_no) FROM logged_segments), '', lower(l.description), lower(l.subject)"
    " FROM segment_lines l JOIN contacts c ON c.id = l.contact_id"
    " LEFT JOIN contact_alt_addresses a ON l.contact_alt_address_code <> ''"
    "   AND a.contact_id = l.contact_id AND a.code = l.contact_alt_address_code"
    " LEFT JOIN campaign_entries ce ON ce.register_no = (SELECT MAX(entry_no)"
    "   FROM logged_segments) AND ce.campaign_no = l.campaign_no"
    f" WHERE l.{ACTIVE.replace(' AND ', ' AND l.')}",
    "UPDATE attachments SET read_only = :on WHERE read_only = :off AND no IN"
    f" (SELECT attachment_no FROM segment_lines WHERE {ACTIVE} AND attachment_no <> 0)",
    "UPDATE tasks SET segment_no = '' WHERE segment_no = :segment_no",
    "DELETE FROM segment_lines WHERE segment_id = :segment",
    "DELETE FROM segment_headers WHERE id = :segment",
]


def run_hand_log(session: Session, segment: int, user: str) -> int:
    """The hand-written log of LOG_NO; the number of entries written."""
    values = {
        "segment": segment,
        "segment_no": LOG_NO,
        "user": user,
        "today": dt.date.today(),
        "on": True,
        "off": False,
    }
    written = 0
    for statement in HAND_LOG:
        result = session.execute(
            text(statement), values, execution_options={"preserve_rowcount": True}
        )
        if statement.startswith("INSERT INTO interaction_log_entries"):
            written = int(result.rowcount or 0)
    return written
