"""SPEC §9's yardstick for the segment operations: the same operation written by hand as
SQL on a minimal, indexed schema with Business Central's natural text keys, on the same
engine and the same data (issue 15: "hand-written SQL for the same selection on a minimal
natural-key schema").

The schema (`nk_` tables, built from the product's tables, untimed) is Business Central's,
cut to the columns the operations read or write:

- contacts keyed by their no., with the fields the criteria, the line defaults and the
  line order read (ten columns instead of the product's 35), and Business Central's
  "Company Name, Company No., Type, Name" key for the line order;
- each code relation keyed by (contact no., code), with a second index led by the code,
  as a relation-driven plan wants;
- segment lines keyed by (segment no., line no.), indexed by (segment no., contact no.),
  every field of the product's line;
- the Segment History of Business Central (reference §4): a row per line an action
  inserted or deleted, keyed by (segment no., action no., line no.). A reduce or refine
  deletes its lines and writes their history; the undo of an add deletes the lines the
  history says it inserted; the undo of a removal inserts the deleted lines again, derived
  from the header and the contact (the "re-inserting from history rows" of SPEC §9).

- the segment header keyed by its no., with the fields a line takes from it.

`mirror` gives a segment of the yardstick the state the product's segment is in (its
header, its active lines with their line numbers and field values, and the history of the
actions that added and removed them), so both variants start from the same state; `build`
mirrors every segment, so that the yardstick's line and history tables hold what the
product's line table holds.
`members` reads what each left: the contact nos. of the lines on the segment and their
line numbers, which must be equal. The log's tables and statements are in
`_bench_yardstick_log.py`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

RELATIONS = {
    "nk_contact_mailing_groups": ("contact_mailing_groups", "mailing_group_code"),
    "nk_contact_industry_groups": ("contact_industry_groups", "industry_group_code"),
    "nk_contact_business_relations": ("contact_business_relations", "business_relation_code"),
    "nk_contact_job_responsibilities": (
        "contact_job_responsibilities",
        "job_responsibility_code",
    ),
    "nk_contact_opt_outs": ("contact_opt_outs", "correspondence_type"),
}

# every field of a segment line, in the product's names
LINE_FIELDS = (
    "contact_company_no, description, campaign_no, salesperson_code, correspondence_type,"
    " interaction_template_code, interaction_group_code, cost, duration, date,"
    " campaign_target, campaign_response, information_flow, initiated_by,"
    " send_word_doc_as_attmt, language_code, attachment_no, subject, word_template_code,"
    " contact_alt_address_code"
)
# the fields of a line an add leaves at their defaults
MORE_LINE_FIELDS = "evaluation, attempt_failed, task_no, contact_via, opportunity_no"
HEADER_FIELDS = (
    "no, description, campaign_no, salesperson_code, interaction_template_code,"
    " interaction_group_code, unit_cost, unit_duration, date, campaign_target,"
    " campaign_response, information_flow, initiated_by, send_word_docs_as_attmt,"
    " language_code_default, word_template_code"
)

SCHEMA = [
    """CREATE TABLE nk_contacts (no VARCHAR(20) PRIMARY KEY, type VARCHAR(10) NOT NULL,
        name VARCHAR(100) NOT NULL, company_no VARCHAR(20) NOT NULL,
        company_name VARCHAR(100) NOT NULL, post_code VARCHAR(20) NOT NULL,
        correspondence_type VARCHAR(20) NOT NULL, language VARCHAR(10) NOT NULL,
        email VARCHAR(80) NOT NULL, excluded BOOLEAN NOT NULL,
        privacy_blocked BOOLEAN NOT NULL){without_rowid}""",
    "CREATE INDEX nk_contacts_line_order ON nk_contacts (company_name, company_no, type, name)",
    "CREATE INDEX nk_contacts_excluded ON nk_contacts (excluded)",
    "CREATE INDEX nk_contacts_privacy_blocked ON nk_contacts (privacy_blocked)",
    """CREATE TABLE nk_contact_alt_address_date_ranges (contact_no VARCHAR(20) NOT NULL,
        starting_date DATE NOT NULL, ending_date DATE,
        contact_alt_address_code VARCHAR(10) NOT NULL,
        PRIMARY KEY (contact_no, starting_date)){without_rowid}""",
    """CREATE TABLE nk_segment_headers (no VARCHAR(20) PRIMARY KEY,
        description VARCHAR(100) NOT NULL, campaign_no VARCHAR(20) NOT NULL,
        salesperson_code VARCHAR(20) NOT NULL, interaction_template_code VARCHAR(10) NOT NULL,
        interaction_group_code VARCHAR(10) NOT NULL, unit_cost NUMERIC(18, 2) NOT NULL,
        unit_duration NUMERIC(18, 2) NOT NULL, date DATE, campaign_target BOOLEAN NOT NULL,
        campaign_response BOOLEAN NOT NULL, information_flow VARCHAR(20) NOT NULL,
        initiated_by VARCHAR(20) NOT NULL, send_word_docs_as_attmt BOOLEAN NOT NULL,
        language_code_default VARCHAR(10) NOT NULL,
        word_template_code VARCHAR(30) NOT NULL){without_rowid}""",
    """CREATE TABLE nk_segment_lines (segment_no VARCHAR(20) NOT NULL, line_no BIGINT NOT NULL,
        contact_no VARCHAR(20), contact_company_no VARCHAR(20) NOT NULL,
        description VARCHAR(100) NOT NULL, campaign_no VARCHAR(20) NOT NULL,
        salesperson_code VARCHAR(20) NOT NULL, correspondence_type VARCHAR(20) NOT NULL,
        interaction_template_code VARCHAR(10) NOT NULL,
        interaction_group_code VARCHAR(10) NOT NULL, cost NUMERIC(18, 2) NOT NULL,
        duration NUMERIC(18, 2) NOT NULL, date DATE, campaign_target BOOLEAN NOT NULL,
        campaign_response BOOLEAN NOT NULL, information_flow VARCHAR(20) NOT NULL,
        initiated_by VARCHAR(20) NOT NULL, send_word_doc_as_attmt BOOLEAN NOT NULL,
        language_code VARCHAR(10) NOT NULL, attachment_no INTEGER NOT NULL,
        subject VARCHAR(100) NOT NULL, word_template_code VARCHAR(30) NOT NULL,
        contact_alt_address_code VARCHAR(10) NOT NULL,
        evaluation VARCHAR(20) NOT NULL DEFAULT '', attempt_failed BOOLEAN NOT NULL DEFAULT {false},
        task_no VARCHAR(20) NOT NULL DEFAULT '', contact_via VARCHAR(80) NOT NULL DEFAULT '',
        opportunity_no VARCHAR(20) NOT NULL DEFAULT '',
        PRIMARY KEY (segment_no, line_no)){without_rowid}""",
    "CREATE INDEX nk_segment_lines_contact ON nk_segment_lines (segment_no, contact_no)",
    """CREATE TABLE nk_segment_history (segment_no VARCHAR(20) NOT NULL,
        action_no INTEGER NOT NULL, line_no BIGINT NOT NULL, contact_no VARCHAR(20),
        action_taken VARCHAR(10) NOT NULL,
        PRIMARY KEY (segment_no, action_no, line_no)){without_rowid}""",
]

TABLES = [
    "nk_contacts",
    "nk_contact_alt_address_date_ranges",
    "nk_segment_headers",
    "nk_segment_lines",
    "nk_segment_history",
    *RELATIONS,
]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _sql(session: Session, statement: str) -> str:
    """`statement` in the engine's SQL: PostgreSQL's flags are booleans, SQLite's 0 and 1,
    and SQLite keys a table by its primary key alone (WITHOUT ROWID, as Business Central's
    clustered keys)."""
    postgres = _dialect(session) == "postgresql"
    return statement.format(
        true="true" if postgres else "1",
        false="false" if postgres else "0",
        without_rowid="" if postgres else " WITHOUT ROWID",
    )


def run(session: Session, statement: str, **params: Any) -> Any:
    return session.execute(
        text(_sql(session, statement)), params, execution_options={"preserve_rowcount": True}
    )


def drop(session: Session) -> None:
    for table in TABLES:
        session.execute(text(f"DROP TABLE IF EXISTS {table}"))


def build(session: Session) -> None:
    """The natural-key tables, filled from the product's (untimed)."""
    drop(session)
    for statement in SCHEMA:
        run(session, statement)
    run(
        session,
        """INSERT INTO nk_contacts SELECT no, type, name, company_no, company_name, post_code,
            correspondence_type, language, email, excluded, privacy_blocked FROM contacts""",
    )
    run(
        session,
        """INSERT INTO nk_contact_alt_address_date_ranges
            SELECT c.no, r.starting_date, r.ending_date, r.contact_alt_address_code
            FROM contact_alt_address_date_ranges r JOIN contacts c ON c.id = r.contact_id""",
    )
    for table, (source, code) in RELATIONS.items():
        run(
            session,
            f"""CREATE TABLE {table} (contact_no VARCHAR(20) NOT NULL,
                {code} VARCHAR(20) NOT NULL, PRIMARY KEY (contact_no, {code})){{without_rowid}}""",
        )
        run(session, f"CREATE INDEX {table}_code ON {table} ({code}, contact_no)")
        run(
            session,
            f"""INSERT INTO {table} SELECT DISTINCT c.no, r.{code} FROM {source} r
                JOIN contacts c ON c.id = r.contact_id""",
        )
    # Every segment the product holds, so that the yardstick's lines and history tables
    # hold the same data as the product's `segment_lines` (not only the segments operated
    # on so far, which made its scans of the lines 1/3 the size of the product's).
    for (segment,) in session.execute(text("SELECT no FROM segment_headers")).all():
        mirror(session, segment)


def settle(session: Session, *tables: str) -> None:
    """Fresh statistics for the yardstick's tables on PostgreSQL, as the product's get
    (`tidy`): a VACUUM ANALYZE outside the transaction. On SQLite nothing: the product's
    database has no statistics either (no ANALYZE), so both are planned alike."""
    names = tables or tuple(TABLES)
    if _dialect(session) != "postgresql":
        return
    engine = session.get_bind()
    session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in names:
            connection.execute(text(f"VACUUM ANALYZE {table}"))


def mirror(session: Session, segment: str) -> None:
    """The yardstick's segment `segment` in the state of the product's (untimed): its lines
    on the segment, and a history row for each line an action added or removed."""
    for table, key in SEGMENT_TABLES:
        run(session, f"DELETE FROM {table} WHERE {key} = :s", s=segment)
    run(
        session,
        f"INSERT INTO nk_segment_headers SELECT {HEADER_FIELDS} FROM segment_headers WHERE no = :s",
        s=segment,
    )
    of_segment = """FROM segment_lines l JOIN segment_headers h ON h.id = l.segment_id
        LEFT JOIN contacts c ON c.id = l.contact_id WHERE h.no = :s"""
    run(
        session,
        f"""INSERT INTO nk_segment_lines
            (segment_no, line_no, contact_no, {LINE_FIELDS}, {MORE_LINE_FIELDS})
            SELECT h.no, l.line_no, c.no, {_prefixed("l.", LINE_FIELDS)},
            {_prefixed("l.", MORE_LINE_FIELDS)} {of_segment} AND l.removed_action IS NULL""",
        s=segment,
    )
    for action, taken, where in (
        ("l.added_action", "insertion", "l.added_action > 0"),
        ("l.removed_action", "deletion", "l.removed_action IS NOT NULL"),
    ):
        run(
            session,
            f"""INSERT INTO nk_segment_history
                SELECT h.no, {action}, l.line_no, c.no, '{taken}' {of_segment} AND {where}""",
            s=segment,
        )


SEGMENT_TABLES = (
    ("nk_segment_lines", "segment_no"),
    ("nk_segment_history", "segment_no"),
    ("nk_segment_headers", "no"),
)


def _prefixed(prefix: str, names: str) -> str:
    return ", ".join(prefix + name.strip() for name in names.split(","))


def members(session: Session, segment: str, *, natural: bool) -> list[tuple[Any, ...]]:
    """The contact no. and line no. of each line on the segment: the yardstick's, or the
    product's."""
    if natural:
        query = "SELECT contact_no, line_no FROM nk_segment_lines WHERE segment_no = :s"
    else:
        query = """SELECT c.no, l.line_no FROM segment_lines l
            JOIN segment_headers h ON h.id = l.segment_id JOIN contacts c ON c.id = l.contact_id
            WHERE h.no = :s AND l.removed_action IS NULL"""
    return sorted((str(no), int(line)) for no, line in run(session, query, s=segment))


# --- The operations ------------------------------------------------------------------------

SELECTED = """
    c.post_code >= '1000' AND c.post_code <= '4999'
    AND EXISTS (SELECT 1 FROM nk_contact_mailing_groups m
                WHERE m.contact_no = c.no AND m.mailing_group_code = 'NEWSLETTER')
    AND EXISTS (SELECT 1 FROM nk_contact_industry_groups g WHERE g.contact_no = c.company_no
                AND g.industry_group_code IN ('RETAIL', 'WHOLESALE', 'MANUFACT'))
"""
CORRESPONDENCE = (
    "CASE WHEN c.correspondence_type = '' THEN 'hard_copy' ELSE c.correspondence_type END"
)
OPTED_OUT = f"""EXISTS (SELECT 1 FROM nk_contact_opt_outs o WHERE o.contact_no = c.no
                AND o.correspondence_type = {CORRESPONDENCE})"""
# A new line's number (S11: company name, company no., type, name, no.), on either schema.
LINE_NUMBER = (
    "10000 * ROW_NUMBER() OVER (ORDER BY c.company_name, c.company_no, c.type, c.name, c.no)"
)
NOT_ON_SEGMENT = """NOT EXISTS (SELECT 1 FROM nk_segment_lines l
                WHERE l.segment_no = :segment AND l.contact_no = c.no)"""
ELIGIBLE = f"""{SELECTED} AND c.excluded = {{false}} AND c.privacy_blocked = {{false}}
    AND NOT {OPTED_OUT} AND {NOT_ON_SEGMENT}"""

# A line's values derived from its header and its contact, as an add writes them (and as
# the undo of a removal writes them again); the alternate address looked up for the few
# contacts with a dated range only, as the product does up to `_lines.FEW_RANGES` ranges.
DERIVED = f"""h.description, h.campaign_no, h.salesperson_code, {CORRESPONDENCE},
    h.interaction_template_code, h.interaction_group_code, h.unit_cost, h.unit_duration,
    h.date, h.campaign_target, h.campaign_response, h.information_flow, h.initiated_by,
    h.send_word_docs_as_attmt,
    CASE WHEN c.language IN ('ENU', 'FRB', 'NLB') THEN c.language ELSE h.language_code_default
    END, 0, '', h.word_template_code,
    CASE WHEN c.no IN (SELECT contact_no FROM nk_contact_alt_address_date_ranges) THEN
    COALESCE((SELECT r.contact_alt_address_code FROM nk_contact_alt_address_date_ranges r
              WHERE r.contact_no = c.no AND r.starting_date <= h.date
              AND (r.ending_date IS NULL OR r.ending_date >= h.date)
              ORDER BY r.starting_date DESC LIMIT 1), '') ELSE '' END"""

# Numbered with the chosen contacts' columns only, the header's defaults joined after: the
# sort then carries no more than those (as the product's add does).
ADD = [
    f"""WITH chosen AS MATERIALIZED (SELECT c.no FROM nk_contacts c WHERE {ELIGIBLE})
    INSERT INTO nk_segment_lines (segment_no, line_no, contact_no, {LINE_FIELDS})
    SELECT :segment, c.line_no, c.no, c.company_no, {DERIVED}
    FROM (SELECT c.no, c.company_no, c.correspondence_type, c.language,
            {LINE_NUMBER} AS line_no
          FROM chosen JOIN nk_contacts c ON c.no = chosen.no) c
    JOIN nk_segment_headers h ON h.no = :segment""",
    """INSERT INTO nk_segment_history
    SELECT segment_no, 1, line_no, contact_no, 'insertion' FROM nk_segment_lines
    WHERE segment_no = :segment""",
]

# The preview's first ten: the contacts walked in line order (an index), each probed for
# the criteria, which stops at ten; the chosen ones counted apart, with no more than keys.
PREVIEW = f"""
SELECT w.no FROM (
    SELECT no, name, type, company_no, company_name FROM nk_contacts
    ORDER BY company_name, company_no, type, name, no LIMIT 5000) w
WHERE EXISTS (SELECT 1 FROM nk_contacts c WHERE c.no = w.no AND {ELIGIBLE})
ORDER BY w.company_name, w.company_no, w.type, w.name, w.no LIMIT 10
"""
CHOSEN = f"SELECT count(*) FROM nk_contacts c WHERE {ELIGIBLE}"

SKIPPED = f"""
SELECT
    COALESCE(SUM(CASE WHEN c.privacy_blocked = {{false}} AND NOT {OPTED_OUT}
                 AND c.excluded = {{true}} THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN c.privacy_blocked = {{true}} THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN c.privacy_blocked = {{false}} AND {OPTED_OUT}
                 THEN 1 ELSE 0 END), 0)
FROM nk_contacts c
WHERE c.no IN (SELECT no FROM nk_contacts WHERE privacy_blocked = {{true}}
               UNION SELECT no FROM nk_contacts WHERE excluded = {{true}}
               UNION SELECT contact_no FROM nk_contact_opt_outs)
    AND {SELECTED} AND {NOT_ON_SEGMENT}
"""

REDUCE_MATCH = """(
    EXISTS (SELECT 1 FROM nk_contact_mailing_groups m WHERE m.contact_no = l.contact_no
            AND m.mailing_group_code = 'NO_MAIL')
    OR EXISTS (SELECT 1 FROM nk_contact_business_relations b
               WHERE b.contact_no = l.contact_company_no AND b.business_relation_code = 'PRESS'))"""

REFINE_MATCH = """(
    EXISTS (SELECT 1 FROM nk_contact_industry_groups g WHERE g.contact_no = l.contact_company_no
            AND g.industry_group_code IN ('RETAIL', 'WHOLESALE'))
    OR EXISTS (SELECT 1 FROM nk_contact_job_responsibilities j
               WHERE j.contact_no = l.contact_no AND j.job_responsibility_code = 'PURCHASE'))"""


def _removal(match: str) -> list[str]:
    """A reduce or refine (action 2): the history of the lines it deletes, then the lines
    the history names, by their key."""
    return [
        f"""INSERT INTO nk_segment_history
        SELECT l.segment_no, 2, l.line_no, l.contact_no, 'deletion' FROM nk_segment_lines l
        WHERE l.segment_no = :segment AND {match}""",
        """DELETE FROM nk_segment_lines WHERE segment_no = :segment AND line_no IN (
            SELECT line_no FROM nk_segment_history
            WHERE segment_no = :segment AND action_no = 2)""",
    ]


# The undo of the add goes back to action 0, which takes every line of the segment.
UNDO_ADD = [
    "DELETE FROM nk_segment_lines WHERE segment_no = :segment",
    "DELETE FROM nk_segment_history WHERE segment_no = :segment",
]

# The undo of the removal goes back to action 1: the lines deleted after it come back, with
# the values their header and contact give them.
UNDO_REMOVE = [
    f"""INSERT INTO nk_segment_lines (segment_no, line_no, contact_no, {LINE_FIELDS})
    SELECT s.segment_no, s.line_no, c.no, c.company_no, {DERIVED}
    FROM nk_segment_history s JOIN nk_contacts c ON c.no = s.contact_no
    JOIN nk_segment_headers h ON h.no = s.segment_no
    WHERE s.segment_no = :segment AND s.action_no > 1 AND s.action_taken = 'deletion'""",
    "DELETE FROM nk_segment_history WHERE segment_no = :segment AND action_no > 1",
]

STATEMENTS = {
    "add": ADD,
    "reduce": _removal(REDUCE_MATCH),
    "refine": _removal(f"(l.contact_no IS NULL OR NOT {REFINE_MATCH})"),
    "undo_add": UNDO_ADD,
    "undo_remove": UNDO_REMOVE,
}


def operate(session: Session, op: str, segment: str) -> Any:
    """Run the yardstick's statements of `op` on segment `segment`: the lines it wrote or
    deleted (the first statement's rows), or what a preview shows."""
    if op == "preview":
        sample = run(session, PREVIEW, segment=segment).all()
        chosen = run(session, CHOSEN, segment=segment).scalar_one()
        skipped = run(session, SKIPPED, segment=segment).one()
        return {
            "added": int(chosen),
            "sample": [row.no for row in sample],
            "skipped": list(skipped),
        }
    first, *rest = STATEMENTS[op]
    rows = int(run(session, first, segment=segment).rowcount or 0)
    for statement in rest:
        run(session, statement, segment=segment)
    return rows
