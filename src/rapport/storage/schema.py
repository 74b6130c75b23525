"""The schema: every table of SPEC §2 as a SQLAlchemy Core `Table`, with its indexes and
constraints — the one definition of the data model, which the migrations match.

Field names are Business Central's in snake_case (reference §1); contact fields carry the
names of the criteria language (SPEC §5) so import, export and criteria speak alike.
Contacts, segments and their lines have integer surrogate keys (`id`) for joins; their
Business Central numbers (`no`) stay unique text keys. Every link from a satellite table
to a contact is by `contact_id`, and codes are stored upper-case and trimmed.

Segment history is kept on the lines themselves: a line records the criteria action that
added it (`added_action`) and, once removed, the one that removed it (`removed_action`),
so undo restores exactly what an action removed (SPEC §9) and the membership log (X5) is
a query over the lines and their actions.

Reads and set-based writes use these tables through SQLAlchemy Core; `storage.tables` maps
the ORM classes onto them for the write paths that edit one row. This module imports no
ORM, so a command that only reads (`rapport contacts show`) starts without it (SPEC §9).
The tables appear in the order of the classes of `storage.tables`, one for one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    and_,
    false,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

CODE = 20
SHORT_CODE = 10
TEXT = 100

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def code_column(name: str, length: int = CODE, *, primary: bool = False) -> Column[str]:
    return Column(
        name, String(length), primary_key=primary, nullable=False, default="", server_default=""
    )


def text_column(name: str, length: int = TEXT) -> Column[str]:
    return Column(name, String(length), nullable=False, default="", server_default="")


def folded_column(name: str) -> Column[str]:
    """A casefolded copy of a text field (no length: folding may lengthen a text)."""
    return Column(name, String(), nullable=False, default="", server_default="")


def flag(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, default=False, server_default=false())


def inherited(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, default=True, server_default=true())


def setting(name: str, value: int) -> Column[int]:
    return Column(name, Integer, nullable=False, default=value, server_default=str(value))


def money(name: str) -> Column[Decimal]:
    return Column(name, Numeric(18, 2), nullable=False, default=Decimal(0), server_default="0")


def contact_ref(name: str, *, primary: bool = False, nullable: bool = False) -> Column[int]:
    return Column(
        name,
        Integer,
        ForeignKey("contacts.id", ondelete="CASCADE"),
        primary_key=primary,
        nullable=nullable,
    )


PARTIAL = "where"  # `Index.info` key: the boolean column whose true rows a partial index holds


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of the rows whose boolean column `where` is true. Each engine writes the
    condition as it writes that column in a WHERE clause (`excluded = 1` on SQLite,
    `excluded` on PostgreSQL), so the queries that filter on it can use the index; the
    condition is compiled by `_create_index`, not declared with the dialects' own
    `sqlite_where`/`postgresql_where`: SQLAlchemy loads a dialect to check an option named
    after it, and every command on SQLite would import PostgreSQL's dialect (SPEC §9)."""
    return Index(name, *columns, info={PARTIAL: where})


@compiles(CreateIndex)
def _create_index(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    """CREATE INDEX in the engine's words, with a partial index's condition."""
    statement = str(compiler.visit_create_index(create, **kw))
    index = create.element
    where = index.info.get(PARTIAL)
    if where is None or index.table is None:
        return statement
    condition = and_(index.table.c[where])
    rendered = compiler.sql_compiler.process(condition, include_table=False, literal_binds=True)
    return f"{statement} WHERE {rendered}"


# --- Setup -------------------------------------------------------------------------------


number_series = Table(
    "number_series",
    metadata,
    code_column("code", primary=True),
    text_column("description"),
    code_column("starting_no"),
    code_column("last_no_used"),
    flag("manual_nos"),
)


marketing_setup = Table(
    "marketing_setup",
    metadata,
    Column("id", Integer, primary_key=True),
    code_column("contact_nos"),
    code_column("segment_nos"),
    code_column("campaign_nos"),
    code_column("opportunity_nos"),
    code_column("task_nos"),
    code_column("default_language_code", SHORT_CODE),
    code_column("default_correspondence_type"),
    code_column("default_salutation_code", SHORT_CODE),
    code_column("default_sales_cycle_code", SHORT_CODE),
    code_column("default_salesperson_code"),
    # Inheritance (BC): what a person takes from its company, and keeps in step with it.
    inherited("inherit_salesperson_code"),
    inherited("inherit_territory_code"),
    inherited("inherit_country_region_code"),
    inherited("inherit_language_code"),
    inherited("inherit_address_details"),
    inherited("inherit_communication_details"),
    # Duplicate search (K5): points of each compared value and the minimum score (BC's
    # Search Hit %, default 60).
    setting("duplicate_name_weight", 50),
    setting("duplicate_email_weight", 40),
    setting("duplicate_phone_weight", 30),
    setting("duplicate_vat_no_weight", 50),
    setting("duplicate_address_weight", 20),
    setting("duplicate_min_score", 60),
)


languages = Table(
    "languages",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("name", 50),
)


countries = Table(
    "countries",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("name", 50),
)


territories = Table(
    "territories",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("name", 50),
)


salespeople = Table(
    "salespeople",
    metadata,
    code_column("code", primary=True),
    text_column("name", 50),
    text_column("email", 80),
    flag("blocked"),
)


users = Table(
    "users",
    metadata,
    code_column("name", 50, primary=True),
    text_column("full_name", 80),
    code_column("salesperson_code"),
    Column("role", String(20), default="marketer", server_default="marketer", nullable=False),
    text_column("password_hash", 200),
    code_column("language_code", SHORT_CODE),
    flag("disabled"),
    Column("created_at", DateTime),
)


api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_name",
        String(50),
        ForeignKey("users.name", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    text_column("name", 50),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)


audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, index=True, nullable=False),
    text_column("user_name", 50),
    text_column("action", 50),
    text_column("subject", 100),
    text_column("detail", 250),
    text_column("address", 64),
)


webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(500), nullable=False),
    text_column("events", 200),  # event types, comma-separated
    Column("secret", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    text_column("created_by", 50),
)


outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(50), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("data", Text, nullable=False),  # JSON
)


webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "event_id",
        String(40),
        ForeignKey("outbox_events.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    Column(
        "webhook_id",
        Integer,
        ForeignKey("webhooks.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    Column("attempts", Integer, default=0, server_default="0", nullable=False),
    Column("next_attempt_at", DateTime, index=True, nullable=False),
    Column("delivered_at", DateTime),
    Column("last_status", Integer),
    text_column("last_error", 250),
)


webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        Integer,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    Column("at", DateTime, nullable=False),
    Column("status", Integer),
    text_column("error", 250),
)


jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("state", String(20), index=True, nullable=False),  # queued running done failed
    Column("done", Integer, default=0, server_default="0", nullable=False),
    Column("total", Integer),
    Column("params", Text, nullable=False),  # JSON
    Column("messages", Text, default="[]", server_default="[]", nullable=False),  # JSON
    Column("result", Text),  # JSON
    text_column("error", 500),
    text_column("created_by", 50),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
)


idempotent_requests = Table(
    "idempotent_requests",
    metadata,
    Column("user_name", String(50), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("request", String(300), nullable=False),  # method and path
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    # JSON: the answer's headers a retry needs again (Location, ETag, Content-Type)
    Column("headers", Text, nullable=False, default="{}", server_default="{}"),
    Column("created_at", DateTime, nullable=False),
)


salutations = Table(
    "salutations",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
    text_column("formal_greeting", 50),
)


# BC's Salutation Formula (5069): a salutation's greeting in one language ('' = a contact
# or interaction without one); the merge greets in the interaction's language with it. Only
# the formal greeting: the merge fields have no informal one. A salutation's formulas go
# with it (BC's Salutation.OnDelete).
salutation_formulas = Table(
    "salutation_formulas",
    metadata,
    Column(
        "salutation_code",
        String(SHORT_CODE),
        ForeignKey("salutations.code", ondelete="CASCADE"),
        primary_key=True,
    ),
    code_column("language_code", SHORT_CODE, primary=True),
    text_column("formal_greeting", 50),
)


organizational_levels = Table(
    "organizational_levels",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


# --- Contacts ----------------------------------------------------------------------------


contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("no", String(CODE), unique=True, nullable=False),
    Column("type", String(10), default="company", nullable=False),
    text_column("name"),
    text_column("search_name"),
    code_column("company_no"),
    Column("company_id", Integer, ForeignKey("contacts.id")),
    text_column("company_name"),
    text_column("address"),
    code_column("post_code"),
    text_column("city", 30),
    text_column("county", 30),
    code_column("country", SHORT_CODE),
    code_column("territory", SHORT_CODE),
    code_column("salesperson"),
    code_column("language", SHORT_CODE),
    text_column("email", 80),
    text_column("phone", 30),
    text_column("mobile", 30),
    code_column("correspondence_type"),
    flag("excluded"),
    flag("privacy_blocked"),
    text_column("job_title", 30),
    code_column("organizational_level", SHORT_CODE),
    code_column("vat_no"),
    code_column("salutation", SHORT_CODE),
    Column("created", Date),
    # The casefolded copies `@` (case-insensitive) compares (issue 11 item 8), see FOLDED.
    folded_column("name_folded"),
    folded_column("company_name_folded"),
    folded_column("city_folded"),
    folded_column("county_folded"),
    folded_column("email_folded"),
    folded_column("phone_folded"),
    folded_column("mobile_folded"),
    folded_column("job_title_folded"),
    Index(None, "name_folded"),
    Index(None, "company_name_folded"),
    Index(None, "city_folded"),
    Index(None, "county_folded"),
    Index(None, "email_folded"),
    Index(None, "phone_folded"),
    Index(None, "mobile_folded"),
    Index(None, "job_title_folded"),
    Index(None, "company_id", "type", "name"),
    Index(None, "company_name", "company_no", "type", "name"),
    Index(None, "country"),
    Index(None, "search_name"),
    # X7: the few flagged contacts, found without a scan (why an add skipped contacts).
    partial_index("ix_contacts_privacy_blocked", "id", where="privacy_blocked"),
    partial_index("ix_contacts_excluded", "id", where="excluded"),
)


# The text fields that case-insensitive criteria (`name matches '@é*'`) compare, per table,
# each with the column holding its `str.casefold()`: SQLite's lower() folds ASCII only, so
# the fold is made once in Python, the same on both engines (as Business Central keeps an
# upper-cased Search Name); the contacts' copies are indexed. Every write keeps them: the
# ORM through `tables._fold`, set-based writes (import, inheritance, logging, the demo)
# through `folded` or `fold`. A text field of the criteria registry without a copy here
# fails the registry's test (tests/integration/test_criteria_folding_subjects.py).
def _copies(*names: str) -> dict[str, str]:
    return {name: f"{name}_folded" for name in names}


FOLDS: dict[str, dict[str, str]] = {
    "contacts": _copies(
        "name", "company_name", "city", "county", "email", "phone", "mobile", "job_title"
    ),
    "contact_web_sources": _copies("search_word"),
    "profile_questionnaire_lines": _copies("description"),
    "interaction_log_entries": _copies("description", "subject"),
    "segment_headers": _copies("description", "subject_default"),
    "logged_segments": _copies("description"),
    "campaigns": _copies("description"),
}
FOLDED = FOLDS["contacts"]  # the contacts' copies, each indexed for criteria


def folded(values: Mapping[str, Any], table: str = "contacts") -> dict[str, str]:
    """The folded copies of the text fields among `values` (a row of `table`; none for a
    table without copies)."""
    copies = FOLDS.get(table, {})
    return {copies[name]: fold(values[name]) for name in copies if name in values}


def fold(text: str | None) -> str:
    """The text as case-insensitive criteria compare it."""
    return (text or "").casefold()


def fold_many(texts: Sequence[str | None]) -> list[str]:
    """`fold` of each of `texts` (a column of an import's chunk), in three C passes when
    they are all text: joined by NUL, folded as one text, split again (casefolding maps no
    character to NUL or NUL to another); one call a cell when some are blank (None) or
    hold a NUL."""
    return _each_at_once(texts, str.casefold, fold)


def upper_many(texts: Sequence[str | None]) -> list[str]:
    """Each of `texts` upper-cased (None as ""), the way `fold_many` folds them."""
    return _each_at_once(texts, str.upper, lambda text: (text or "").upper())


def _each_at_once(
    texts: Sequence[str | None], change: Callable[[str], str], one: Callable[[str | None], str]
) -> list[str]:
    if not texts:
        return []
    try:
        joined = "\x00".join(texts)  # type: ignore[arg-type]  # a None raises TypeError
    except TypeError:
        return [one(text) for text in texts]
    if joined.count("\x00") != len(texts) - 1:
        return [one(text) for text in texts]
    return change(joined).split("\x00")


contact_opt_outs = Table(
    "contact_opt_outs",
    metadata,
    contact_ref("contact_id", primary=True),
    code_column("correspondence_type", primary=True),
)


contact_alt_addresses = Table(
    "contact_alt_addresses",
    metadata,
    contact_ref("contact_id", primary=True),
    code_column("code", SHORT_CODE, primary=True),
    text_column("company_name"),
    text_column("address"),
    code_column("post_code"),
    text_column("city", 30),
    code_column("country", SHORT_CODE),
    text_column("email", 80),
    text_column("phone", 30),
)


contact_alt_address_date_ranges = Table(
    "contact_alt_address_date_ranges",
    metadata,
    contact_ref("contact_id", primary=True),
    Column("starting_date", Date, primary_key=True),
    Column("ending_date", Date),
    code_column("contact_alt_address_code", SHORT_CODE),
)


web_sources = Table(
    "web_sources",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
    text_column("url", 250),
)


contact_web_sources = Table(
    "contact_web_sources",
    metadata,
    contact_ref("contact_id", primary=True),
    Column("web_source_code", String(SHORT_CODE), ForeignKey("web_sources.code"), primary_key=True),
    text_column("search_word", 30),
    folded_column("search_word_folded"),
    Index(None, "web_source_code", "contact_id"),
)


# --- Profiling ---------------------------------------------------------------------------


industry_groups = Table(
    "industry_groups",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


contact_industry_groups = Table(
    "contact_industry_groups",
    metadata,
    contact_ref("contact_id", primary=True),
    Column(
        "industry_group_code",
        String(SHORT_CODE),
        ForeignKey("industry_groups.code"),
        primary_key=True,
    ),
    Index(None, "industry_group_code", "contact_id"),
)


business_relations = Table(
    "business_relations",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


contact_business_relations = Table(
    "contact_business_relations",
    metadata,
    contact_ref("contact_id", primary=True),
    Column(
        "business_relation_code",
        String(SHORT_CODE),
        ForeignKey("business_relations.code"),
        primary_key=True,
    ),
    code_column("link_to_table"),
    code_column("link_no"),
    Index(None, "business_relation_code", "contact_id"),
)


mailing_groups = Table(
    "mailing_groups",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


contact_mailing_groups = Table(
    "contact_mailing_groups",
    metadata,
    contact_ref("contact_id", primary=True),
    Column(
        "mailing_group_code",
        String(SHORT_CODE),
        ForeignKey("mailing_groups.code"),
        primary_key=True,
    ),
    Index(None, "mailing_group_code", "contact_id"),
)


job_responsibilities = Table(
    "job_responsibilities",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


contact_job_responsibilities = Table(
    "contact_job_responsibilities",
    metadata,
    contact_ref("contact_id", primary=True),
    Column(
        "job_responsibility_code",
        String(SHORT_CODE),
        ForeignKey("job_responsibilities.code"),
        primary_key=True,
    ),
    Index(None, "job_responsibility_code", "contact_id"),
)


profile_questionnaires = Table(
    "profile_questionnaires",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 250),
    code_column("contact_type"),
    code_column("business_relation_code", SHORT_CODE),
    code_column("priority"),
)


profile_questionnaire_lines = Table(
    "profile_questionnaire_lines",
    metadata,
    Column(
        "profile_questionnaire_code",
        String(SHORT_CODE),
        ForeignKey("profile_questionnaires.code", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("line_no", Integer, primary_key=True),
    Column("type", String(10), default="question", nullable=False),
    text_column("description", 250),
    folded_column("description_folded"),
    flag("multiple_answers"),
    flag("auto_contact_classification"),
    Column("from_value", Numeric(18, 2)),
    Column("to_value", Numeric(18, 2)),
    code_column("priority"),
)


ratings = Table(
    "ratings",
    metadata,
    Column("profile_questionnaire_code", String(SHORT_CODE), primary_key=True),
    Column("profile_question_line_no", Integer, primary_key=True),
    Column("rating_profile_questionnaire_code", String(SHORT_CODE), primary_key=True),
    Column("rating_profile_question_line_no", Integer, primary_key=True),
    Column("points", Numeric(18, 2), default=Decimal(0), server_default="0", nullable=False),
    ForeignKeyConstraint(
        ["profile_questionnaire_code", "profile_question_line_no"],
        [
            "profile_questionnaire_lines.profile_questionnaire_code",
            "profile_questionnaire_lines.line_no",
        ],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["rating_profile_questionnaire_code", "rating_profile_question_line_no"],
        [
            "profile_questionnaire_lines.profile_questionnaire_code",
            "profile_questionnaire_lines.line_no",
        ],
        ondelete="CASCADE",
    ),
    Index(None, "rating_profile_questionnaire_code", "rating_profile_question_line_no"),
)


contact_profile_answers = Table(
    "contact_profile_answers",
    metadata,
    contact_ref("contact_id", primary=True),
    Column("profile_questionnaire_code", String(SHORT_CODE), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("last_date_updated", Date),
    Index(None, "profile_questionnaire_code", "line_no", "contact_id"),
)


# --- Interactions ------------------------------------------------------------------------


attachments = Table(
    "attachments",
    metadata,
    Column("no", Integer, primary_key=True, autoincrement=True),
    text_column("file_name", 250),
    code_column("file_extension", SHORT_CODE),
    Column("content", LargeBinary, nullable=False),
    flag("read_only"),
    Column("created_at", DateTime),
)


interaction_groups = Table(
    "interaction_groups",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


interaction_templates = Table(
    "interaction_templates",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    Column(
        "interaction_group_code",
        String(SHORT_CODE),
        ForeignKey("interaction_groups.code"),
        nullable=False,
    ),
    text_column("description", 50),
    money("unit_cost"),
    money("unit_duration"),
    code_column("information_flow"),
    code_column("initiated_by"),
    code_column("campaign_no"),
    flag("campaign_target"),
    flag("campaign_response"),
    Column(
        "correspondence_type_default",
        String(CODE),
        default="email",
        server_default="email",
        nullable=False,
    ),
    code_column("language_code_default", SHORT_CODE),
    flag("ignore_contact_corres_type"),
    code_column("wizard_action"),
    code_column("word_template_code", 30),
)


interaction_template_languages = Table(
    "interaction_template_languages",
    metadata,
    Column(
        "interaction_template_code",
        String(SHORT_CODE),
        ForeignKey("interaction_templates.code", ondelete="CASCADE"),
        primary_key=True,
    ),
    code_column("language_code", SHORT_CODE, primary=True),
    text_column("description", 50),
    Column("attachment_no", Integer, default=0, server_default="0", nullable=False),
    code_column("word_template_code", 30),
)


# An entry's contact is kept right by the services, not by a foreign key (migration 0016, as
# the lines' since 0015): an entry is written for a contact its statement reads from
# `contacts`, a contact with entries cannot be deleted, and a merge moves them.
interaction_log_entries = Table(
    "interaction_log_entries",
    metadata,
    Column("entry_no", Integer, primary_key=True, autoincrement=False),
    Column("contact_id", Integer, nullable=False),
    code_column("contact_company_no"),
    Column("date", Date),
    Column("time_of_interaction", Time),
    text_column("description"),
    code_column("information_flow"),
    code_column("initiated_by"),
    Column("attachment_no", Integer, default=0, server_default="0", nullable=False),
    money("cost"),
    money("duration"),
    code_column("user_id", 50),
    code_column("interaction_group_code", SHORT_CODE),
    code_column("interaction_template_code", SHORT_CODE),
    code_column("campaign_no"),
    Column("campaign_entry_no", Integer, default=0, server_default="0", nullable=False),
    flag("campaign_response"),
    flag("campaign_target"),
    code_column("segment_no"),
    code_column("evaluation"),
    flag("attempt_failed"),
    code_column("task_no"),
    code_column("salesperson_code"),
    code_column("delivery_status"),
    flag("canceled"),
    code_column("correspondence_type"),
    code_column("contact_alt_address_code", SHORT_CODE),
    Column("logged_segment_entry_no", Integer, default=0, server_default="0", nullable=False),
    flag("send_word_docs_as_attmt"),
    code_column("interaction_language_code", SHORT_CODE),
    text_column("subject"),
    code_column("opportunity_no"),
    flag("postponed"),
    code_column("word_template_code", 30),
    text_column("contact_via", 80),
    folded_column("description_folded"),
    folded_column("subject_folded"),
    Index(None, "contact_id", "date"),
    Index(None, "logged_segment_entry_no", "contact_id"),
    Index(None, "campaign_no", "campaign_entry_no"),
    Index(None, "interaction_template_code", "date"),
)


deliveries = Table(
    "deliveries",
    metadata,
    Column(
        "entry_no",
        Integer,
        ForeignKey("interaction_log_entries.entry_no", ondelete="CASCADE"),
        primary_key=True,
    ),
    code_column("channel"),
    text_column("recipient", 250),
    Column("status", String(20), default="pending", server_default="pending", nullable=False),
    Column("reason", Text, default="", server_default="", nullable=False),
    Column("attempts", Integer, default=0, server_default="0", nullable=False),
    Column("next_attempt_at", DateTime),
    Column("sent_at", DateTime),
    Column("claimed_until", DateTime),
    Column("handed_off_at", DateTime),
    Index(None, "status", "next_attempt_at"),
)


# --- Segments ----------------------------------------------------------------------------


segment_headers = Table(
    "segment_headers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("no", String(CODE), unique=True, nullable=False),
    text_column("description"),
    code_column("campaign_no"),
    code_column("salesperson_code"),
    code_column("correspondence_type_default"),
    code_column("interaction_template_code", SHORT_CODE),
    money("unit_cost"),
    money("unit_duration"),
    Column("date", Date),
    flag("campaign_target"),
    code_column("information_flow"),
    code_column("initiated_by"),
    code_column("no_series"),
    flag("campaign_response"),
    code_column("language_code_default", SHORT_CODE),
    code_column("interaction_group_code", SHORT_CODE),
    flag("send_word_docs_as_attmt"),
    flag("ignore_contact_corres_type"),
    text_column("subject_default"),
    folded_column("description_folded"),
    folded_column("subject_default_folded"),
    code_column("word_template_code", 30),
    flag("dynamic"),
    Column("dynamic_criteria", Text, default="", server_default="", nullable=False),
    # X4: how often `rapport serve` refreshes it ("" never, "1h", "1d" …); the change
    # sequence it was last refreshed up to (None: the next refresh evaluates in full); a
    # counter bumped whenever its lines change, read by the segments that reference it.
    Column("refresh_every", String(10), default="", server_default="", nullable=False),
    Column("refreshed_seq", BigInteger),
    Column("refreshed_at", DateTime),
    Column("membership_version", Integer, default=0, server_default="0", nullable=False),
    # The lines on the segment (its "No. of Lines"), kept by every statement that adds,
    # removes, restores or deletes lines (storage/segment_lines.py), so that an action, a
    # preview and the segment list read it instead of counting (migration 0018, SPEC §9).
    Column("no_of_lines", Integer, default=0, server_default="0", nullable=False),
)


contact_changes = Table(
    "contact_changes",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("contact_id", Integer, nullable=False),
    sqlite_autoincrement=True,
)


change_readers = Table(
    "change_readers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watermark", BigInteger, nullable=False, default=0, server_default="0"),
    Column("seen_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)


segment_exceptions = Table(
    "segment_exceptions",
    metadata,
    Column(
        "segment_id",
        Integer,
        ForeignKey("segment_headers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("action_no", Integer, default=0, server_default="0", nullable=False),
)


segment_lifted_exceptions = Table(
    "segment_lifted_exceptions",
    metadata,
    Column(
        "segment_id",
        Integer,
        ForeignKey("segment_headers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("lifted_action", Integer, primary_key=True),
    Column("action_no", Integer, nullable=False),
)


segment_dependencies = Table(
    "segment_dependencies",
    metadata,
    Column(
        "segment_id",
        Integer,
        ForeignKey("segment_headers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "referenced_id", Integer, ForeignKey("segment_headers.id"), primary_key=True, index=True
    ),
    Column("seen_version", Integer),
)


# A line's segment and contact are kept right by the services, not by foreign keys, whose
# per-row checks were most of a large add on PostgreSQL (migration 0015): a line is written
# for a contact its statement reads from `contacts`, under its header's lock, and every path
# that deletes a header, or deletes or merges a contact, deletes or moves its lines first.
segment_lines = Table(
    "segment_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("segment_id", Integer, nullable=False),
    Column("line_no", BigInteger, nullable=False),
    Column("contact_id", Integer),
    code_column("contact_company_no"),
    code_column("campaign_no"),
    code_column("salesperson_code"),
    code_column("correspondence_type"),
    code_column("interaction_template_code", SHORT_CODE),
    money("cost"),
    money("duration"),
    Column("attachment_no", Integer, default=0, server_default="0", nullable=False),
    flag("campaign_response"),
    code_column("information_flow"),
    code_column("initiated_by"),
    code_column("contact_alt_address_code", SHORT_CODE),
    code_column("evaluation"),
    flag("campaign_target"),
    code_column("language_code", SHORT_CODE),
    text_column("description"),
    Column("date", Date),
    flag("attempt_failed"),
    code_column("task_no"),
    Column("campaign_entry_no", Integer, default=0, server_default="0", nullable=False),
    code_column("interaction_group_code", SHORT_CODE),
    flag("send_word_doc_as_attmt"),
    text_column("contact_via", 80),
    text_column("subject"),
    code_column("opportunity_no"),
    code_column("word_template_code", 30),
    Column("added_action", Integer, default=0, server_default="0", nullable=False),
    Column("removed_action", Integer),
    # Line numbers are unique among the lines on the segment by construction (numbered
    # after the highest the segment used; a removed line keeps its number so that undo can
    # restore it, while a changed contact reuses it, S5). No index enforces it: marking a
    # line removed then changes only indexes in contact order (migration 0014, X4). On
    # PostgreSQL no index holds the removal mark, so that marking a line (and an undo
    # putting it back) updates it in place, beside it on its page (HOT; migration 0017).
    Index(None, "segment_id", "removed_action", "contact_id").ddl_if(dialect="sqlite"),
    Index(None, "segment_id", "contact_id").ddl_if(dialect="postgresql"),
    Index(None, "contact_id", "segment_id"),
    Index(None, "segment_id", "line_no"),
)


segment_criteria_lines = Table(
    "segment_criteria_lines",
    metadata,
    Column(
        "segment_id",
        Integer,
        ForeignKey("segment_headers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("action_no", Integer, primary_key=True),
    Column("action", String(20), nullable=False),
    Column("criteria", Text, default="", server_default="", nullable=False),
    flag("allow_existing_contacts"),
    flag("expand_contact"),
    flag("allow_company_with_persons"),
    flag("ignore_exclusion"),
    flag("entire_companies"),
    flag("manual"),
    Column("no_of_lines_added", Integer, default=0, server_default="0", nullable=False),
    Column("no_of_lines_removed", Integer, default=0, server_default="0", nullable=False),
    code_column("user_id", 50),
    Column("created_at", DateTime),
)


saved_segment_criteria = Table(
    "saved_segment_criteria",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
    code_column("user_id", 50),
)


saved_segment_criteria_lines = Table(
    "saved_segment_criteria_lines",
    metadata,
    Column(
        "segment_criteria_code",
        String(SHORT_CODE),
        ForeignKey("saved_segment_criteria.code", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("line_no", Integer, primary_key=True),
    Column("action", String(20), nullable=False),
    Column("criteria", Text, default="", server_default="", nullable=False),
    flag("allow_existing_contacts"),
    flag("expand_contact"),
    flag("allow_company_with_persons"),
    flag("ignore_exclusion"),
    flag("entire_companies"),
)


segment_interaction_languages = Table(
    "segment_interaction_languages",
    metadata,
    Column(
        "segment_id",
        Integer,
        ForeignKey("segment_headers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("segment_line_no", BigInteger, primary_key=True),
    code_column("language_code", SHORT_CODE, primary=True),
    text_column("description", 50),
    Column("attachment_no", Integer, default=0, server_default="0", nullable=False),
    text_column("subject"),
    code_column("word_template_code", 30),
)


logged_segments = Table(
    "logged_segments",
    metadata,
    Column("entry_no", Integer, primary_key=True, autoincrement=False),
    Column("segment_no", String(CODE), index=True, nullable=False),
    text_column("description"),
    folded_column("description_folded"),
    Column("creation_date", Date),
    code_column("user_id", 50),
    flag("canceled"),
)


# --- Campaigns ---------------------------------------------------------------------------


campaign_statuses = Table(
    "campaign_statuses",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
)


campaigns = Table(
    "campaigns",
    metadata,
    code_column("no", primary=True),
    text_column("description"),
    folded_column("description_folded"),
    Column("starting_date", Date),
    Column("ending_date", Date),
    code_column("salesperson_code"),
    code_column("status_code", SHORT_CODE),
    code_column("no_series"),
)


campaign_entries = Table(
    "campaign_entries",
    metadata,
    Column("entry_no", Integer, primary_key=True, autoincrement=False),
    code_column("campaign_no"),
    text_column("description"),
    Column("date", Date),
    code_column("user_id", 50),
    code_column("segment_no"),
    flag("canceled"),
    code_column("salesperson_code"),
    Column("register_no", Integer, default=0, server_default="0", nullable=False),
    code_column("document_type"),
    Index(None, "campaign_no", "date"),
    Index(None, "register_no"),
)


campaign_target_groups = Table(
    "campaign_target_groups",
    metadata,
    code_column("type", primary=True),
    code_column("no", primary=True),
    code_column("campaign_no", primary=True),
)


# --- Follow-up ---------------------------------------------------------------------------


sales_cycles = Table(
    "sales_cycles",
    metadata,
    code_column("code", SHORT_CODE, primary=True),
    text_column("description", 50),
    flag("blocked"),
)


opportunities = Table(
    "opportunities",
    metadata,
    code_column("no", primary=True),
    text_column("description"),
    Column("contact_id", Integer, ForeignKey("contacts.id")),
    code_column("contact_company_no"),
    code_column("salesperson_code"),
    code_column("campaign_no"),
    code_column("segment_no"),
    text_column("segment_description"),
    code_column("sales_cycle_code", SHORT_CODE),
    Column("creation_date", Date),
    Column("status", String(20), default="not_started", nullable=False),
    Index(None, "segment_no"),
)


tasks = Table(
    "tasks",
    metadata,
    code_column("no", primary=True),
    code_column("type"),
    text_column("description"),
    Column("date", Date),
    Column("contact_id", Integer, ForeignKey("contacts.id")),
    code_column("contact_company_no"),
    code_column("salesperson_code"),
    code_column("campaign_no"),
    code_column("segment_no"),
    code_column("organizer_task_no"),
    code_column("system_task_type"),
    Column("status", String(20), default="not_started", nullable=False),
    flag("closed"),
    Index(None, "segment_no", "contact_id"),
)


task_attendees = Table(
    "task_attendees",
    metadata,
    Column("task_no", String(CODE), ForeignKey("tasks.no", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    code_column("attendance_type"),
    code_column("attendee_type"),
    code_column("attendee_no"),
    flag("send_invitation"),
)


def column_length(table: Table, name: str) -> int | None:
    """The most characters the text or code column `name` of `table` holds (None: any)."""
    column_type = table.c[name].type
    return column_type.length if isinstance(column_type, String) else None
