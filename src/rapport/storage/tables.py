"""The data model: every entity of SPEC §2 as SQLAlchemy 2 typed tables.

Field names are Business Central's in snake_case (reference §1); contact fields carry the
names of the criteria language (SPEC §5) so import, export and criteria speak alike.
Contacts, segments and their lines have integer surrogate keys (`id`) for joins; their
Business Central numbers (`no`) stay unique text keys. Every link from a satellite table
to a contact is by `contact_id`, and codes are stored upper-case and trimmed.

Segment history is kept on the lines themselves: a line records the criteria action that
added it (`added_action`) and, once removed, the one that removed it (`removed_action`),
so undo restores exactly what an action removed (SPEC §9) and the membership log (X5) is
a query over the lines and their actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
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
    event,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def code_field(length: int = CODE, *, primary: bool = False) -> Mapped[str]:
    return mapped_column(String(length), primary_key=primary, default="", server_default="")


def text_field(length: int = TEXT) -> Mapped[str]:
    return mapped_column(String(length), default="", server_default="")


def folded_field() -> Mapped[str]:
    """A casefolded copy of a text field (no length: folding may lengthen a text)."""
    return mapped_column(String(), default="", server_default="")


def flag() -> Mapped[bool]:
    return mapped_column(Boolean, default=False, server_default=false())


def inherited() -> Mapped[bool]:
    return mapped_column(Boolean, default=True, server_default=true())


def setting(value: int) -> Mapped[int]:
    return mapped_column(Integer, default=value, server_default=str(value))


def money() -> Mapped[Decimal]:
    return mapped_column(Numeric(18, 2), default=Decimal(0), server_default="0")


def contact_ref(*, primary: bool = False, nullable: bool = False) -> Mapped[int]:
    return mapped_column(
        Integer,
        ForeignKey("contacts.id", ondelete="CASCADE"),
        primary_key=primary,
        nullable=nullable,
    )


# --- Setup -------------------------------------------------------------------------------


class NumberSeries(Base):
    __tablename__ = "number_series"
    code: Mapped[str] = code_field(primary=True)
    description: Mapped[str] = text_field()
    starting_no: Mapped[str] = code_field()
    last_no_used: Mapped[str] = code_field()
    manual_nos: Mapped[bool] = flag()


class MarketingSetup(Base):
    __tablename__ = "marketing_setup"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_nos: Mapped[str] = code_field()
    segment_nos: Mapped[str] = code_field()
    campaign_nos: Mapped[str] = code_field()
    opportunity_nos: Mapped[str] = code_field()
    task_nos: Mapped[str] = code_field()
    default_language_code: Mapped[str] = code_field(SHORT_CODE)
    default_correspondence_type: Mapped[str] = code_field()
    default_salutation_code: Mapped[str] = code_field(SHORT_CODE)
    default_sales_cycle_code: Mapped[str] = code_field(SHORT_CODE)
    default_salesperson_code: Mapped[str] = code_field()
    # Inheritance (BC): what a person takes from its company, and keeps in step with it.
    inherit_salesperson_code: Mapped[bool] = inherited()
    inherit_territory_code: Mapped[bool] = inherited()
    inherit_country_region_code: Mapped[bool] = inherited()
    inherit_language_code: Mapped[bool] = inherited()
    inherit_address_details: Mapped[bool] = inherited()
    inherit_communication_details: Mapped[bool] = inherited()
    # Duplicate search (K5): points of each compared value and the minimum score (BC's
    # Search Hit %, default 60).
    duplicate_name_weight: Mapped[int] = setting(50)
    duplicate_email_weight: Mapped[int] = setting(40)
    duplicate_phone_weight: Mapped[int] = setting(30)
    duplicate_vat_no_weight: Mapped[int] = setting(50)
    duplicate_address_weight: Mapped[int] = setting(20)
    duplicate_min_score: Mapped[int] = setting(60)


class Language(Base):
    __tablename__ = "languages"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    name: Mapped[str] = text_field(50)


class Country(Base):
    __tablename__ = "countries"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    name: Mapped[str] = text_field(50)


class Territory(Base):
    __tablename__ = "territories"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    name: Mapped[str] = text_field(50)


class Salesperson(Base):
    __tablename__ = "salespeople"
    code: Mapped[str] = code_field(primary=True)
    name: Mapped[str] = text_field(50)
    email: Mapped[str] = text_field(80)
    blocked: Mapped[bool] = flag()


class User(Base):
    __tablename__ = "users"
    name: Mapped[str] = code_field(50, primary=True)
    full_name: Mapped[str] = text_field(80)
    salesperson_code: Mapped[str] = code_field()
    role: Mapped[str] = mapped_column(String(20), default="marketer", server_default="marketer")
    password_hash: Mapped[str] = text_field(200)
    language_code: Mapped[str] = code_field(SHORT_CODE)
    disabled: Mapped[bool] = flag()
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ApiToken(Base):
    """A bearer token for scripts (SPEC §7): only its SHA-256 is stored; it is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(
        String(50), ForeignKey("users.name", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = text_field(50)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who signed in, changed a role or token, or gave or withdrew consent, and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = text_field(50)
    action: Mapped[str] = text_field(50)
    subject: Mapped[str] = text_field(100)
    detail: Mapped[str] = text_field(250)
    address: Mapped[str] = text_field(64)


class Webhook(Base):
    """A URL an admin registered for events (X9); the secret signs each POST."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = text_field(200)  # event types, comma-separated
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = text_field(50)


class OutboxEvent(Base):
    """An event written in the same transaction as the change it reports (X9)."""

    __tablename__ = "outbox_events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    data: Mapped[str] = mapped_column(Text)  # JSON


class WebhookDelivery(Base):
    """One event to one webhook: retried with exponential back-off until delivered."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True
    )
    webhook_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = text_field(250)


class WebhookAttempt(Base):
    """Each POST of a delivery, with its answer or error."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = text_field(250)


class Job(Base):
    """Long work run by the server (log with delivery, import, export): its state and
    progress, kept as a row so that a restart finds it and resumes it (SPEC §8)."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20), index=True)  # queued running done failed
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(Text)  # JSON
    messages: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON
    result: Mapped[str | None] = mapped_column(Text)  # JSON
    error: Mapped[str] = text_field(500)
    created_by: Mapped[str] = text_field(50)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IdempotentRequest(Base):
    """The first answer to a POST sent with an Idempotency-Key: a retry gets it again and
    nothing is done twice (SPEC §10)."""

    __tablename__ = "idempotent_requests"
    user_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request: Mapped[str] = mapped_column(String(300))  # method and path
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Salutation(Base):
    __tablename__ = "salutations"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    formal_greeting: Mapped[str] = text_field(50)


class OrganizationalLevel(Base):
    __tablename__ = "organizational_levels"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


# --- Contacts ----------------------------------------------------------------------------


class Contact(Base):
    """A company or a person; a company's `company_no` is its own `no` (reference §1.10)."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(CODE), unique=True)
    type: Mapped[str] = mapped_column(String(10), default="company")
    name: Mapped[str] = text_field()
    search_name: Mapped[str] = text_field()
    company_no: Mapped[str] = code_field()
    company_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("contacts.id"))
    company_name: Mapped[str] = text_field()
    address: Mapped[str] = text_field()
    post_code: Mapped[str] = code_field()
    city: Mapped[str] = text_field(30)
    county: Mapped[str] = text_field(30)
    country: Mapped[str] = code_field(SHORT_CODE)
    territory: Mapped[str] = code_field(SHORT_CODE)
    salesperson: Mapped[str] = code_field()
    language: Mapped[str] = code_field(SHORT_CODE)
    email: Mapped[str] = text_field(80)
    phone: Mapped[str] = text_field(30)
    mobile: Mapped[str] = text_field(30)
    correspondence_type: Mapped[str] = code_field()
    excluded: Mapped[bool] = flag()
    privacy_blocked: Mapped[bool] = flag()
    job_title: Mapped[str] = text_field(30)
    organizational_level: Mapped[str] = code_field(SHORT_CODE)
    vat_no: Mapped[str] = code_field()
    salutation: Mapped[str] = code_field(SHORT_CODE)
    created: Mapped[dt.date | None] = mapped_column(Date)
    # The casefolded copies `@` (case-insensitive) compares (issue 11 item 8), see FOLDED.
    name_folded: Mapped[str] = folded_field()
    company_name_folded: Mapped[str] = folded_field()
    city_folded: Mapped[str] = folded_field()
    county_folded: Mapped[str] = folded_field()
    email_folded: Mapped[str] = folded_field()
    phone_folded: Mapped[str] = folded_field()
    mobile_folded: Mapped[str] = folded_field()
    job_title_folded: Mapped[str] = folded_field()

    __table_args__ = (
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
        Index(
            "ix_contacts_privacy_blocked",
            "id",
            sqlite_where=text("privacy_blocked = 1"),
            postgresql_where=text("privacy_blocked"),
        ),
        Index(
            "ix_contacts_excluded",
            "id",
            sqlite_where=text("excluded = 1"),
            postgresql_where=text("excluded"),
        ),
    )


# The text fields that case-insensitive criteria (`name matches '@é*'`) compare, per table,
# each with the column holding its `str.casefold()`: SQLite's lower() folds ASCII only, so
# the fold is made once in Python, the same on both engines (as Business Central keeps an
# upper-cased Search Name); the contacts' copies are indexed. Every write keeps them: the
# ORM through `_fold` below, set-based writes (import, inheritance, logging, the demo)
# through `folded` or `fold`. A text field of the criteria registry without a copy here
# fails the registry's test (tests/integration/test_criteria_folding.py).
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


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fold(_mapper: Any, _connection: Any, row: Any) -> None:
    for name, copy in FOLDS.get(row.__table__.name, {}).items():
        setattr(row, copy, fold(getattr(row, name)))


class ContactOptOut(Base):
    """Consent (X7): the contact opted out of a correspondence type."""

    __tablename__ = "contact_opt_outs"
    contact_id: Mapped[int] = contact_ref(primary=True)
    correspondence_type: Mapped[str] = code_field(primary=True)


class ContactAltAddress(Base):
    __tablename__ = "contact_alt_addresses"
    contact_id: Mapped[int] = contact_ref(primary=True)
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    company_name: Mapped[str] = text_field()
    address: Mapped[str] = text_field()
    post_code: Mapped[str] = code_field()
    city: Mapped[str] = text_field(30)
    country: Mapped[str] = code_field(SHORT_CODE)
    email: Mapped[str] = text_field(80)
    phone: Mapped[str] = text_field(30)


class ContactAltAddressDateRange(Base):
    __tablename__ = "contact_alt_address_date_ranges"
    contact_id: Mapped[int] = contact_ref(primary=True)
    starting_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    ending_date: Mapped[dt.date | None] = mapped_column(Date)
    contact_alt_address_code: Mapped[str] = code_field(SHORT_CODE)


class WebSource(Base):
    __tablename__ = "web_sources"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    url: Mapped[str] = text_field(250)


class ContactWebSource(Base):
    __tablename__ = "contact_web_sources"
    contact_id: Mapped[int] = contact_ref(primary=True)
    web_source_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("web_sources.code"), primary_key=True
    )
    search_word: Mapped[str] = text_field(30)
    search_word_folded: Mapped[str] = folded_field()
    __table_args__ = (Index(None, "web_source_code", "contact_id"),)


# --- Profiling ---------------------------------------------------------------------------


class IndustryGroup(Base):
    __tablename__ = "industry_groups"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class ContactIndustryGroup(Base):
    """Kept on the company contact; persons inherit their company's (reference §2.5)."""

    __tablename__ = "contact_industry_groups"
    contact_id: Mapped[int] = contact_ref(primary=True)
    industry_group_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("industry_groups.code"), primary_key=True
    )
    __table_args__ = (Index(None, "industry_group_code", "contact_id"),)


class BusinessRelation(Base):
    __tablename__ = "business_relations"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class ContactBusinessRelation(Base):
    """Kept on the company contact; links it to a customer, vendor, bank account, employee."""

    __tablename__ = "contact_business_relations"
    contact_id: Mapped[int] = contact_ref(primary=True)
    business_relation_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("business_relations.code"), primary_key=True
    )
    link_to_table: Mapped[str] = code_field()
    link_no: Mapped[str] = code_field()
    __table_args__ = (Index(None, "business_relation_code", "contact_id"),)


class MailingGroup(Base):
    __tablename__ = "mailing_groups"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class ContactMailingGroup(Base):
    __tablename__ = "contact_mailing_groups"
    contact_id: Mapped[int] = contact_ref(primary=True)
    mailing_group_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("mailing_groups.code"), primary_key=True
    )
    __table_args__ = (Index(None, "mailing_group_code", "contact_id"),)


class JobResponsibility(Base):
    __tablename__ = "job_responsibilities"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class ContactJobResponsibility(Base):
    __tablename__ = "contact_job_responsibilities"
    contact_id: Mapped[int] = contact_ref(primary=True)
    job_responsibility_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("job_responsibilities.code"), primary_key=True
    )
    __table_args__ = (Index(None, "job_responsibility_code", "contact_id"),)


class ProfileQuestionnaire(Base):
    __tablename__ = "profile_questionnaires"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(250)
    contact_type: Mapped[str] = code_field()
    business_relation_code: Mapped[str] = code_field(SHORT_CODE)
    priority: Mapped[str] = code_field()


class ProfileQuestionnaireLine(Base):
    """A question or an answer; an automatic rating carries the answer range (K3)."""

    __tablename__ = "profile_questionnaire_lines"
    profile_questionnaire_code: Mapped[str] = mapped_column(
        String(SHORT_CODE),
        ForeignKey("profile_questionnaires.code", ondelete="CASCADE"),
        primary_key=True,
    )
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(10), default="question")
    description: Mapped[str] = text_field(250)
    description_folded: Mapped[str] = folded_field()
    multiple_answers: Mapped[bool] = flag()
    auto_contact_classification: Mapped[bool] = flag()
    from_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    to_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    priority: Mapped[str] = code_field()


class Rating(Base):
    """BC's Rating (table 5111): the points an answer line of another question gives
    towards a rating question's score (K3). The rating question's answer is the one whose
    from_value..to_value holds the contact's score."""

    __tablename__ = "ratings"
    profile_questionnaire_code: Mapped[str] = mapped_column(String(SHORT_CODE), primary_key=True)
    profile_question_line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_profile_questionnaire_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), primary_key=True
    )
    rating_profile_question_line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    points: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0), server_default="0")
    __table_args__ = (
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


class ContactProfileAnswer(Base):
    __tablename__ = "contact_profile_answers"
    contact_id: Mapped[int] = contact_ref(primary=True)
    profile_questionnaire_code: Mapped[str] = mapped_column(String(SHORT_CODE), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_date_updated: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (Index(None, "profile_questionnaire_code", "line_no", "contact_id"),)


# --- Interactions ------------------------------------------------------------------------


class Attachment(Base):
    """Stored content of an e-mail body or Word template; read-only once logged (L2)."""

    __tablename__ = "attachments"
    no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = text_field(250)
    file_extension: Mapped[str] = code_field(SHORT_CODE)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    read_only: Mapped[bool] = flag()
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class InteractionGroup(Base):
    __tablename__ = "interaction_groups"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class InteractionTemplate(Base):
    __tablename__ = "interaction_templates"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    interaction_group_code: Mapped[str] = mapped_column(
        String(SHORT_CODE), ForeignKey("interaction_groups.code")
    )
    description: Mapped[str] = text_field(50)
    unit_cost: Mapped[Decimal] = money()
    unit_duration: Mapped[Decimal] = money()
    information_flow: Mapped[str] = code_field()
    initiated_by: Mapped[str] = code_field()
    campaign_no: Mapped[str] = code_field()
    campaign_target: Mapped[bool] = flag()
    campaign_response: Mapped[bool] = flag()
    correspondence_type_default: Mapped[str] = mapped_column(
        String(CODE), default="email", server_default="email"
    )
    language_code_default: Mapped[str] = code_field(SHORT_CODE)
    ignore_contact_corres_type: Mapped[bool] = flag()
    wizard_action: Mapped[str] = code_field()
    word_template_code: Mapped[str] = code_field(30)


class InteractionTemplateLanguage(Base):
    __tablename__ = "interaction_template_languages"
    interaction_template_code: Mapped[str] = mapped_column(
        String(SHORT_CODE),
        ForeignKey("interaction_templates.code", ondelete="CASCADE"),
        primary_key=True,
    )
    language_code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    attachment_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    word_template_code: Mapped[str] = code_field(30)


class InteractionLogEntry(Base):
    """One logged interaction with one contact (reference §1.8)."""

    __tablename__ = "interaction_log_entries"
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contact_id: Mapped[int] = mapped_column(Integer, ForeignKey("contacts.id"))
    contact_company_no: Mapped[str] = code_field()
    date: Mapped[dt.date | None] = mapped_column(Date)
    time_of_interaction: Mapped[dt.time | None] = mapped_column(Time)
    description: Mapped[str] = text_field()
    information_flow: Mapped[str] = code_field()
    initiated_by: Mapped[str] = code_field()
    attachment_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cost: Mapped[Decimal] = money()
    duration: Mapped[Decimal] = money()
    user_id: Mapped[str] = code_field(50)
    interaction_group_code: Mapped[str] = code_field(SHORT_CODE)
    interaction_template_code: Mapped[str] = code_field(SHORT_CODE)
    campaign_no: Mapped[str] = code_field()
    campaign_entry_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    campaign_response: Mapped[bool] = flag()
    campaign_target: Mapped[bool] = flag()
    segment_no: Mapped[str] = code_field()
    evaluation: Mapped[str] = code_field()
    attempt_failed: Mapped[bool] = flag()
    task_no: Mapped[str] = code_field()
    salesperson_code: Mapped[str] = code_field()
    delivery_status: Mapped[str] = code_field()
    canceled: Mapped[bool] = flag()
    correspondence_type: Mapped[str] = code_field()
    contact_alt_address_code: Mapped[str] = code_field(SHORT_CODE)
    logged_segment_entry_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    send_word_docs_as_attmt: Mapped[bool] = flag()
    interaction_language_code: Mapped[str] = code_field(SHORT_CODE)
    subject: Mapped[str] = text_field()
    opportunity_no: Mapped[str] = code_field()
    postponed: Mapped[bool] = flag()
    word_template_code: Mapped[str] = code_field(30)
    contact_via: Mapped[str] = text_field(80)
    description_folded: Mapped[str] = folded_field()
    subject_folded: Mapped[str] = folded_field()

    __table_args__ = (
        Index(None, "contact_id", "date"),
        Index(None, "logged_segment_entry_no", "contact_id"),
        Index(None, "campaign_no", "campaign_entry_no"),
        Index(None, "interaction_template_code", "date"),
    )


class Delivery(Base):
    """The delivery queue (X8): one row per interaction log entry to deliver, with its state.

    A row is claimed, sent and marked `sent` in that order, so a re-run never sends twice.
    A claim holds until `claimed_until` (its lease); `handed_off_at` is set just before an
    e-mail goes to the SMTP server, so an expired claim tells "may have been sent" from
    "never reached the server".
    """

    __tablename__ = "deliveries"
    entry_no: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("interaction_log_entries.entry_no", ondelete="CASCADE"),
        primary_key=True,
    )
    channel: Mapped[str] = code_field()
    recipient: Mapped[str] = text_field(250)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    handed_off_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index(None, "status", "next_attempt_at"),)


# --- Segments ----------------------------------------------------------------------------


class SegmentHeader(Base):
    """A segment (reference §1.1); `dynamic` keeps its criteria live (X4)."""

    __tablename__ = "segment_headers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(CODE), unique=True)
    description: Mapped[str] = text_field()
    campaign_no: Mapped[str] = code_field()
    salesperson_code: Mapped[str] = code_field()
    correspondence_type_default: Mapped[str] = code_field()
    interaction_template_code: Mapped[str] = code_field(SHORT_CODE)
    unit_cost: Mapped[Decimal] = money()
    unit_duration: Mapped[Decimal] = money()
    date: Mapped[dt.date | None] = mapped_column(Date)
    campaign_target: Mapped[bool] = flag()
    information_flow: Mapped[str] = code_field()
    initiated_by: Mapped[str] = code_field()
    no_series: Mapped[str] = code_field()
    campaign_response: Mapped[bool] = flag()
    language_code_default: Mapped[str] = code_field(SHORT_CODE)
    interaction_group_code: Mapped[str] = code_field(SHORT_CODE)
    send_word_docs_as_attmt: Mapped[bool] = flag()
    ignore_contact_corres_type: Mapped[bool] = flag()
    subject_default: Mapped[str] = text_field()
    word_template_code: Mapped[str] = code_field(30)
    dynamic: Mapped[bool] = flag()
    dynamic_criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    # X4: how often `rapport serve` refreshes it ("" never, "1h", "1d" …); the change
    # sequence it was last refreshed up to (None: the next refresh evaluates in full); a
    # counter bumped whenever its lines change, read by the segments that reference it.
    refresh_every: Mapped[str] = mapped_column(String(10), default="", server_default="")
    refreshed_seq: Mapped[int | None] = mapped_column(BigInteger)
    refreshed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    membership_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The number of lines the last refresh left, at that membership version (a refresh
    # with nothing to do answers it without counting the lines).
    refreshed_lines: Mapped[int | None] = mapped_column(Integer)
    refreshed_version: Mapped[int | None] = mapped_column(Integer)
    description_folded: Mapped[str] = folded_field()
    subject_default_folded: Mapped[str] = folded_field()


class ContactChange(Base):
    """The change sequence (X4): one row per change to a contact or to a row the criteria
    read through it, written by database triggers (migration 0007) so no write path can
    bypass it. A dynamic segment's refresh re-evaluates only the contacts marked since."""

    __tablename__ = "contact_changes"
    __table_args__ = ({"sqlite_autoincrement": True},)
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    contact_id: Mapped[int] = mapped_column(Integer)


class SegmentException(Base):
    """X4: a contact removed by hand from a dynamic segment; refreshes leave it out until
    it is added by hand again or taken off the list."""

    __tablename__ = "segment_exceptions"
    segment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    action_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SegmentDependency(Base):
    """X4: a dynamic segment whose definition reads `segment(NO)`, with the membership
    version of that segment its last refresh saw."""

    __tablename__ = "segment_dependencies"
    segment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id", ondelete="CASCADE"), primary_key=True
    )
    referenced_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id"), primary_key=True, index=True
    )
    seen_version: Mapped[int | None] = mapped_column(Integer)


class SegmentLine(Base):
    """A contact on a segment (reference §1.2).

    Lines whose `removed_action` is set are no longer on the segment; they are kept so that
    undoing the action that removed them restores them exactly.
    """

    __tablename__ = "segment_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    segment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id", ondelete="CASCADE")
    )
    line_no: Mapped[int] = mapped_column(BigInteger)
    contact_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("contacts.id"))
    contact_company_no: Mapped[str] = code_field()
    campaign_no: Mapped[str] = code_field()
    salesperson_code: Mapped[str] = code_field()
    correspondence_type: Mapped[str] = code_field()
    interaction_template_code: Mapped[str] = code_field(SHORT_CODE)
    cost: Mapped[Decimal] = money()
    duration: Mapped[Decimal] = money()
    attachment_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    campaign_response: Mapped[bool] = flag()
    information_flow: Mapped[str] = code_field()
    initiated_by: Mapped[str] = code_field()
    contact_alt_address_code: Mapped[str] = code_field(SHORT_CODE)
    evaluation: Mapped[str] = code_field()
    campaign_target: Mapped[bool] = flag()
    language_code: Mapped[str] = code_field(SHORT_CODE)
    description: Mapped[str] = text_field()
    date: Mapped[dt.date | None] = mapped_column(Date)
    attempt_failed: Mapped[bool] = flag()
    task_no: Mapped[str] = code_field()
    campaign_entry_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    interaction_group_code: Mapped[str] = code_field(SHORT_CODE)
    send_word_doc_as_attmt: Mapped[bool] = flag()
    contact_via: Mapped[str] = text_field(80)
    subject: Mapped[str] = text_field()
    opportunity_no: Mapped[str] = code_field()
    word_template_code: Mapped[str] = code_field(30)
    added_action: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    removed_action: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # Line numbers are unique among the lines on the segment; a removed line keeps its
        # number so that undo can restore it, while a changed contact reuses it (S5).
        Index(
            "ux_segment_lines_active_line_no",
            "segment_id",
            "line_no",
            unique=True,
            sqlite_where=text("removed_action IS NULL"),
            postgresql_where=text("removed_action IS NULL"),
        ),
        Index(None, "segment_id", "removed_action", "contact_id"),
        Index(None, "contact_id", "segment_id"),
        Index(None, "segment_id", "line_no"),
    )


class SegmentCriteriaLine(Base):
    """One criteria action on a segment, with its criteria and options (reference §1.4).

    Business Central stores an action row followed by per-table filter rows; Rapport keeps
    the action's criteria as one canonical criteria-language expression instead.
    """

    __tablename__ = "segment_criteria_lines"
    segment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id", ondelete="CASCADE"), primary_key=True
    )
    action_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    allow_existing_contacts: Mapped[bool] = flag()
    expand_contact: Mapped[bool] = flag()
    allow_company_with_persons: Mapped[bool] = flag()
    ignore_exclusion: Mapped[bool] = flag()
    entire_companies: Mapped[bool] = flag()
    manual: Mapped[bool] = flag()
    no_of_lines_added: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    no_of_lines_removed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    user_id: Mapped[str] = code_field(50)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SavedSegmentCriteria(Base):
    __tablename__ = "saved_segment_criteria"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    user_id: Mapped[str] = code_field(50)


class SavedSegmentCriteriaLine(Base):
    __tablename__ = "saved_segment_criteria_lines"
    segment_criteria_code: Mapped[str] = mapped_column(
        String(SHORT_CODE),
        ForeignKey("saved_segment_criteria.code", ondelete="CASCADE"),
        primary_key=True,
    )
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    allow_existing_contacts: Mapped[bool] = flag()
    expand_contact: Mapped[bool] = flag()
    allow_company_with_persons: Mapped[bool] = flag()
    ignore_exclusion: Mapped[bool] = flag()
    entire_companies: Mapped[bool] = flag()


class SegmentInteractionLanguage(Base):
    """A per-language subject and attachment for a segment (line 0) or one line (S15)."""

    __tablename__ = "segment_interaction_languages"
    segment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segment_headers.id", ondelete="CASCADE"), primary_key=True
    )
    segment_line_no: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    language_code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    attachment_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subject: Mapped[str] = text_field()
    word_template_code: Mapped[str] = code_field(30)


class LoggedSegment(Base):
    __tablename__ = "logged_segments"
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    segment_no: Mapped[str] = mapped_column(String(CODE), index=True)
    description: Mapped[str] = text_field()
    creation_date: Mapped[dt.date | None] = mapped_column(Date)
    user_id: Mapped[str] = code_field(50)
    canceled: Mapped[bool] = flag()
    description_folded: Mapped[str] = folded_field()


# --- Campaigns ---------------------------------------------------------------------------


class CampaignStatus(Base):
    __tablename__ = "campaign_statuses"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)


class Campaign(Base):
    __tablename__ = "campaigns"
    no: Mapped[str] = code_field(primary=True)
    description: Mapped[str] = text_field()
    starting_date: Mapped[dt.date | None] = mapped_column(Date)
    ending_date: Mapped[dt.date | None] = mapped_column(Date)
    salesperson_code: Mapped[str] = code_field()
    status_code: Mapped[str] = code_field(SHORT_CODE)
    no_series: Mapped[str] = code_field()
    description_folded: Mapped[str] = folded_field()


class CampaignEntry(Base):
    __tablename__ = "campaign_entries"
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    campaign_no: Mapped[str] = code_field()
    description: Mapped[str] = text_field()
    date: Mapped[dt.date | None] = mapped_column(Date)
    user_id: Mapped[str] = code_field(50)
    segment_no: Mapped[str] = code_field()
    canceled: Mapped[bool] = flag()
    salesperson_code: Mapped[str] = code_field()
    register_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    document_type: Mapped[str] = code_field()
    __table_args__ = (Index(None, "campaign_no", "date"), Index(None, "register_no"))


class CampaignTargetGroup(Base):
    __tablename__ = "campaign_target_groups"
    type: Mapped[str] = code_field(primary=True)
    no: Mapped[str] = code_field(primary=True)
    campaign_no: Mapped[str] = code_field(primary=True)


# --- Follow-up ---------------------------------------------------------------------------


class SalesCycle(Base):
    __tablename__ = "sales_cycles"
    code: Mapped[str] = code_field(SHORT_CODE, primary=True)
    description: Mapped[str] = text_field(50)
    blocked: Mapped[bool] = flag()


class Opportunity(Base):
    __tablename__ = "opportunities"
    no: Mapped[str] = code_field(primary=True)
    description: Mapped[str] = text_field()
    contact_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("contacts.id"))
    contact_company_no: Mapped[str] = code_field()
    salesperson_code: Mapped[str] = code_field()
    campaign_no: Mapped[str] = code_field()
    segment_no: Mapped[str] = code_field()
    segment_description: Mapped[str] = text_field()
    sales_cycle_code: Mapped[str] = code_field(SHORT_CODE)
    creation_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    __table_args__ = (Index(None, "segment_no"),)


class Task(Base):
    __tablename__ = "tasks"
    no: Mapped[str] = code_field(primary=True)
    type: Mapped[str] = code_field()
    description: Mapped[str] = text_field()
    date: Mapped[dt.date | None] = mapped_column(Date)
    contact_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("contacts.id"))
    contact_company_no: Mapped[str] = code_field()
    salesperson_code: Mapped[str] = code_field()
    campaign_no: Mapped[str] = code_field()
    segment_no: Mapped[str] = code_field()
    organizer_task_no: Mapped[str] = code_field()
    system_task_type: Mapped[str] = code_field()
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    closed: Mapped[bool] = flag()
    __table_args__ = (Index(None, "segment_no", "contact_id"),)


class TaskAttendee(Base):
    __tablename__ = "task_attendees"
    task_no: Mapped[str] = mapped_column(
        String(CODE), ForeignKey("tasks.no", ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    attendance_type: Mapped[str] = code_field()
    attendee_type: Mapped[str] = code_field()
    attendee_no: Mapped[str] = code_field()
    send_invitation: Mapped[bool] = flag()


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed for insert/update/delete statements."""
    return cast(Table, model.__table__)
