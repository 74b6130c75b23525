"""SPEC §9's yardstick for the log (`_bench_yardstick.py`): the segment logged as
interactions by hand on the natural-key schema, as Business Central's tables hold them.

Its tables, built from the product's (untimed): the interaction log entries keyed by entry
no. with the contact's no. in place of its id, already holding the demo's entries (3 per
contact), indexed by contact and date (a contact's history) and by logged segment (its
cancel), the two keys the log's own use needs; the logged segments and campaign entries;
the contacts' alternative addresses (the e-mail rule). The statements do what the
same-schema hand-written log (`_bench_log.HAND_LOG`) does: the logged segment, the
campaign entries by one GROUP BY, the entries by one INSERT … SELECT numbered in line
order, then the segment's lines and header deleted. `reset` takes the previous run's
writes back, so that every run starts from the same state; `members` reads the entries the
last log wrote (entry no., contact no., correspondence type, campaign no.), which must be
the product's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from _bench_yardstick import run
from sqlalchemy.orm import Session

ENTRY_COLUMNS = {
    "contact_no": "VARCHAR(20)",
    "contact_company_no": "VARCHAR(20)",
    "date": "DATE",
    "description": "VARCHAR(100)",
    "information_flow": "VARCHAR(20)",
    "initiated_by": "VARCHAR(20)",
    "attachment_no": "INTEGER",
    "cost": "NUMERIC(18, 2)",
    "duration": "NUMERIC(18, 2)",
    "interaction_group_code": "VARCHAR(10)",
    "interaction_template_code": "VARCHAR(10)",
    "subject": "VARCHAR(100)",
    "campaign_no": "VARCHAR(20)",
    "campaign_response": "BOOLEAN",
    "campaign_target": "BOOLEAN",
    "evaluation": "VARCHAR(20)",
    "attempt_failed": "BOOLEAN",
    "task_no": "VARCHAR(20)",
    "salesperson_code": "VARCHAR(20)",
    "contact_alt_address_code": "VARCHAR(10)",
    "contact_via": "VARCHAR(80)",
    "opportunity_no": "VARCHAR(20)",
    "word_template_code": "VARCHAR(30)",
    "user_id": "VARCHAR(50)",
    "interaction_language_code": "VARCHAR(10)",
    "send_word_docs_as_attmt": "BOOLEAN",
    "campaign_entry_no": "INTEGER",
    "segment_no": "VARCHAR(20)",
    "correspondence_type": "VARCHAR(20)",
    "logged_segment_entry_no": "INTEGER",
    "delivery_status": "VARCHAR(20)",
    "canceled": "BOOLEAN",
}
ENTRY_NAMES = ", ".join(ENTRY_COLUMNS)

SCHEMA = [
    f"""CREATE TABLE nk_interaction_log_entries (entry_no INTEGER PRIMARY KEY,
        {", ".join(f"{name} {kind}" for name, kind in ENTRY_COLUMNS.items())})""",
    "CREATE INDEX nk_entries_contact ON nk_interaction_log_entries (contact_no, date)",
    """CREATE INDEX nk_entries_logged ON nk_interaction_log_entries
        (logged_segment_entry_no, contact_no)""",
    """CREATE TABLE nk_logged_segments (entry_no INTEGER PRIMARY KEY, segment_no VARCHAR(20),
        description VARCHAR(100), creation_date DATE, user_id VARCHAR(50), canceled BOOLEAN)""",
    "CREATE INDEX nk_logged_segments_segment ON nk_logged_segments (segment_no)",
    """CREATE TABLE nk_campaign_entries (entry_no INTEGER PRIMARY KEY, campaign_no VARCHAR(20),
        description VARCHAR(100), date DATE, user_id VARCHAR(50), segment_no VARCHAR(20),
        salesperson_code VARCHAR(20), register_no INTEGER)""",
    "CREATE INDEX nk_campaign_entries_register ON nk_campaign_entries (register_no)",
    """CREATE TABLE nk_contact_alt_addresses (contact_no VARCHAR(20) NOT NULL,
        code VARCHAR(10) NOT NULL, email VARCHAR(80) NOT NULL,
        PRIMARY KEY (contact_no, code)){without_rowid}""",
]
TABLES = [
    "nk_interaction_log_entries",
    "nk_logged_segments",
    "nk_campaign_entries",
    "nk_contact_alt_addresses",
]
CAMPAIGN_COLUMNS = "campaign_no, description, date, user_id, segment_no, salesperson_code"
LOGGED_COLUMNS = "segment_no, description, creation_date, user_id, canceled"


def build(session: Session) -> None:
    """The log's natural-key tables, filled from the product's (untimed)."""
    for statement in SCHEMA:
        run(session, statement)
    product = ", ".join("c.no" if name == "contact_no" else f"e.{name}" for name in ENTRY_COLUMNS)
    run(
        session,
        f"""INSERT INTO nk_interaction_log_entries (entry_no, {ENTRY_NAMES})
            SELECT e.entry_no, {product}
            FROM interaction_log_entries e LEFT JOIN contacts c ON c.id = e.contact_id""",
    )
    run(
        session,
        f"""INSERT INTO nk_logged_segments (entry_no, {LOGGED_COLUMNS})
            SELECT entry_no, {LOGGED_COLUMNS} FROM logged_segments""",
    )
    run(
        session,
        f"""INSERT INTO nk_campaign_entries (entry_no, {CAMPAIGN_COLUMNS}, register_no)
            SELECT entry_no, {CAMPAIGN_COLUMNS}, register_no FROM campaign_entries""",
    )
    run(
        session,
        """INSERT INTO nk_contact_alt_addresses SELECT c.no, a.code, a.email
            FROM contact_alt_addresses a JOIN contacts c ON c.id = a.contact_id""",
    )


def drop(session: Session) -> None:
    for table in TABLES:
        run(session, f"DROP TABLE IF EXISTS {table}")


LOGGED_OF = "SELECT entry_no FROM nk_logged_segments WHERE segment_no = :s"


def reset(session: Session, segment: str) -> None:
    """The writes of the yardstick's earlier logs of `segment` taken back (untimed)."""
    run(
        session,
        f"DELETE FROM nk_interaction_log_entries WHERE logged_segment_entry_no IN ({LOGGED_OF})",
        s=segment,
    )
    run(session, f"DELETE FROM nk_campaign_entries WHERE register_no IN ({LOGGED_OF})", s=segment)
    run(session, "DELETE FROM nk_logged_segments WHERE segment_no = :s", s=segment)


LAST_LOGGED = "(SELECT MAX(entry_no) FROM nk_logged_segments)"
ON_IT = "l.segment_no = :segment AND l.contact_no IS NOT NULL"

LOG = [
    f"""INSERT INTO nk_logged_segments (entry_no, {LOGGED_COLUMNS})
    SELECT COALESCE({LAST_LOGGED}, 0) + 1, no, description, :today, :user, {{false}}
    FROM nk_segment_headers WHERE no = :segment""",
    f"""INSERT INTO nk_campaign_entries (entry_no, {CAMPAIGN_COLUMNS}, register_no)
    SELECT COALESCE((SELECT MAX(entry_no) FROM nk_campaign_entries), 0)
        + ROW_NUMBER() OVER (ORDER BY f.campaign_no), f.campaign_no, h.description, f.date,
        :user, h.no, (SELECT l.salesperson_code FROM nk_segment_lines l WHERE {ON_IT}
            AND l.campaign_no = f.campaign_no AND l.date = f.date ORDER BY l.line_no LIMIT 1),
        {LAST_LOGGED}
    FROM (SELECT l.campaign_no, MIN(l.date) AS date FROM nk_segment_lines l
          WHERE {ON_IT} AND l.campaign_no <> '' GROUP BY l.campaign_no) f
    JOIN nk_segment_headers h ON h.no = :segment""",
    f"""INSERT INTO nk_interaction_log_entries (entry_no, {ENTRY_NAMES})
    SELECT COALESCE((SELECT MAX(entry_no) FROM nk_interaction_log_entries), 0)
        + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_no, l.contact_company_no, l.date,
        l.description, l.information_flow, l.initiated_by, l.attachment_no, l.cost,
        l.duration, l.interaction_group_code, l.interaction_template_code, l.subject,
        l.campaign_no, l.campaign_response, l.campaign_target, l.evaluation,
        l.attempt_failed, l.task_no, l.salesperson_code, l.contact_alt_address_code,
        l.contact_via, l.opportunity_no, l.word_template_code, :user, l.language_code,
        l.send_word_doc_as_attmt, COALESCE(ce.entry_no, 0), CAST(:segment AS VARCHAR(20)),
        CASE WHEN l.correspondence_type = 'email' AND c.email = ''
            AND (a.code IS NULL OR a.email = '') THEN '' ELSE l.correspondence_type END,
        {LAST_LOGGED}, '', {{false}}
    FROM nk_segment_lines l JOIN nk_contacts c ON c.no = l.contact_no
    LEFT JOIN nk_contact_alt_addresses a ON l.contact_alt_address_code <> ''
        AND a.contact_no = l.contact_no AND a.code = l.contact_alt_address_code
    LEFT JOIN nk_campaign_entries ce ON ce.register_no = {LAST_LOGGED}
        AND ce.campaign_no = l.campaign_no
    WHERE {ON_IT}""",
    "DELETE FROM nk_segment_lines WHERE segment_no = :segment",
    "DELETE FROM nk_segment_headers WHERE no = :segment",
]


def operate(session: Session, segment: str, user: str) -> int:
    """The log of `segment` by hand; the number of entries written."""
    written = 0
    for statement in LOG:
        result = run(session, statement, segment=segment, user=user, today=dt.date.today())
        if "INTO nk_interaction_log_entries" in statement:
            written = int(result.rowcount or 0)
    return written


def members(session: Session, segment: str, *, natural: bool) -> list[tuple[Any, ...]]:
    """The entries the last log of `segment` wrote: entry no., contact no., correspondence
    type and campaign no., in entry order; the yardstick's, or the product's."""
    if natural:
        query = """SELECT entry_no, contact_no, correspondence_type, campaign_no
            FROM nk_interaction_log_entries WHERE logged_segment_entry_no =
            (SELECT MAX(entry_no) FROM nk_logged_segments WHERE segment_no = :s)"""
    else:
        query = """SELECT e.entry_no, c.no, e.correspondence_type, e.campaign_no
            FROM interaction_log_entries e JOIN contacts c ON c.id = e.contact_id
            WHERE e.logged_segment_entry_no =
            (SELECT MAX(entry_no) FROM logged_segments WHERE segment_no = :s)"""
    rows = run(session, query + " ORDER BY 1", s=segment)
    return [(int(entry), str(no), str(kind), str(campaign)) for entry, no, kind, campaign in rows]
