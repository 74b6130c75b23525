"""The ORM classes, each mapped onto its table of `storage.schema` (SQLAlchemy 2's
declarative mapping with an imperative table), for the write paths that load, edit and add
one row at a time. The tables, their columns, indexes and constraints are defined once, in
`storage.schema`; the annotations here give the attributes their Python types. Reads and
set-based writes use the Core tables; importing this module maps every class, which a
command that only reads does not need (SPEC §9).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, event
from sqlalchemy.orm import DeclarativeBase, Mapped

from rapport.storage import schema

# The names other modules import from here, defined with the tables.
from rapport.storage.schema import CODE as CODE
from rapport.storage.schema import FOLDED as FOLDED
from rapport.storage.schema import FOLDS as FOLDS
from rapport.storage.schema import NAMING as NAMING
from rapport.storage.schema import SHORT_CODE as SHORT_CODE
from rapport.storage.schema import TEXT as TEXT
from rapport.storage.schema import fold as fold
from rapport.storage.schema import folded as folded


class Base(DeclarativeBase):
    metadata = schema.metadata


# --- Setup -------------------------------------------------------------------------------


class NumberSeries(Base):
    __table__ = schema.number_series
    code: Mapped[str]
    description: Mapped[str]
    starting_no: Mapped[str]
    last_no_used: Mapped[str]
    manual_nos: Mapped[bool]


class MarketingSetup(Base):
    __table__ = schema.marketing_setup
    id: Mapped[int]
    contact_nos: Mapped[str]
    segment_nos: Mapped[str]
    campaign_nos: Mapped[str]
    opportunity_nos: Mapped[str]
    task_nos: Mapped[str]
    default_language_code: Mapped[str]
    default_correspondence_type: Mapped[str]
    default_salutation_code: Mapped[str]
    default_sales_cycle_code: Mapped[str]
    default_salesperson_code: Mapped[str]
    inherit_salesperson_code: Mapped[bool]
    inherit_territory_code: Mapped[bool]
    inherit_country_region_code: Mapped[bool]
    inherit_language_code: Mapped[bool]
    inherit_address_details: Mapped[bool]
    inherit_communication_details: Mapped[bool]
    duplicate_name_weight: Mapped[int]
    duplicate_email_weight: Mapped[int]
    duplicate_phone_weight: Mapped[int]
    duplicate_vat_no_weight: Mapped[int]
    duplicate_address_weight: Mapped[int]
    duplicate_min_score: Mapped[int]


class Language(Base):
    __table__ = schema.languages
    code: Mapped[str]
    name: Mapped[str]


class Country(Base):
    __table__ = schema.countries
    code: Mapped[str]
    name: Mapped[str]


class Territory(Base):
    __table__ = schema.territories
    code: Mapped[str]
    name: Mapped[str]


class Salesperson(Base):
    __table__ = schema.salespeople
    code: Mapped[str]
    name: Mapped[str]
    email: Mapped[str]
    blocked: Mapped[bool]


class User(Base):
    __table__ = schema.users
    name: Mapped[str]
    full_name: Mapped[str]
    salesperson_code: Mapped[str]
    role: Mapped[str]
    password_hash: Mapped[str]
    language_code: Mapped[str]
    disabled: Mapped[bool]
    created_at: Mapped[dt.datetime | None]


class ApiToken(Base):
    """A bearer token for scripts (SPEC §7): only its SHA-256 is stored; it is shown once."""

    __table__ = schema.api_tokens
    id: Mapped[int]
    user_name: Mapped[str]
    name: Mapped[str]
    token_hash: Mapped[str]
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who signed in, changed a role or token, or gave or withdrew consent, and when."""

    __table__ = schema.audit_log
    id: Mapped[int]
    at: Mapped[dt.datetime]
    user_name: Mapped[str]
    action: Mapped[str]
    subject: Mapped[str]
    detail: Mapped[str]
    address: Mapped[str]


class Webhook(Base):
    """A URL an admin registered for events (X9); the secret signs each POST."""

    __table__ = schema.webhooks
    id: Mapped[int]
    url: Mapped[str]
    events: Mapped[str]
    secret: Mapped[str]
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str]


class OutboxEvent(Base):
    """An event written in the same transaction as the change it reports (X9)."""

    __table__ = schema.outbox_events
    id: Mapped[str]
    type: Mapped[str]
    created_at: Mapped[dt.datetime]
    data: Mapped[str]


class WebhookDelivery(Base):
    """One event to one webhook: retried with exponential back-off until delivered."""

    __table__ = schema.webhook_deliveries
    id: Mapped[int]
    event_id: Mapped[str]
    webhook_id: Mapped[int]
    attempts: Mapped[int]
    next_attempt_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str]


class WebhookAttempt(Base):
    """Each POST of a delivery, with its answer or error."""

    __table__ = schema.webhook_attempts
    id: Mapped[int]
    delivery_id: Mapped[int]
    at: Mapped[dt.datetime]
    status: Mapped[int | None]
    error: Mapped[str]


class Job(Base):
    """Long work run by the server (log with delivery, import, export): its state and
    progress, kept as a row so that a restart finds it and resumes it (SPEC §8)."""

    __table__ = schema.jobs
    id: Mapped[int]
    kind: Mapped[str]
    state: Mapped[str]
    done: Mapped[int]
    total: Mapped[int | None]
    params: Mapped[str]
    messages: Mapped[str]
    result: Mapped[str | None]
    error: Mapped[str]
    created_by: Mapped[str]
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class IdempotentRequest(Base):
    """The first answer to a POST sent with an Idempotency-Key: a retry gets it again and
    nothing is done twice (SPEC §10)."""

    __table__ = schema.idempotent_requests
    user_name: Mapped[str]
    key: Mapped[str]
    request: Mapped[str]
    status: Mapped[int]
    body: Mapped[str]
    headers: Mapped[str]
    created_at: Mapped[dt.datetime]


class Salutation(Base):
    __table__ = schema.salutations
    code: Mapped[str]
    description: Mapped[str]
    formal_greeting: Mapped[str]


class OrganizationalLevel(Base):
    __table__ = schema.organizational_levels
    code: Mapped[str]
    description: Mapped[str]


# --- Contacts ----------------------------------------------------------------------------


class Contact(Base):
    """A company or a person; a company's `company_no` is its own `no` (reference §1.10)."""

    __table__ = schema.contacts
    id: Mapped[int]
    no: Mapped[str]
    type: Mapped[str]
    name: Mapped[str]
    search_name: Mapped[str]
    company_no: Mapped[str]
    company_id: Mapped[int | None]
    company_name: Mapped[str]
    address: Mapped[str]
    post_code: Mapped[str]
    city: Mapped[str]
    county: Mapped[str]
    country: Mapped[str]
    territory: Mapped[str]
    salesperson: Mapped[str]
    language: Mapped[str]
    email: Mapped[str]
    phone: Mapped[str]
    mobile: Mapped[str]
    correspondence_type: Mapped[str]
    excluded: Mapped[bool]
    privacy_blocked: Mapped[bool]
    job_title: Mapped[str]
    organizational_level: Mapped[str]
    vat_no: Mapped[str]
    salutation: Mapped[str]
    created: Mapped[dt.date | None]
    name_folded: Mapped[str]
    company_name_folded: Mapped[str]
    city_folded: Mapped[str]
    county_folded: Mapped[str]
    email_folded: Mapped[str]
    phone_folded: Mapped[str]
    mobile_folded: Mapped[str]
    job_title_folded: Mapped[str]


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fold(_mapper: Any, _connection: Any, row: Any) -> None:
    """A row's casefolded copies (schema.FOLDS) follow its text fields."""
    for name, copy in FOLDS.get(row.__table__.name, {}).items():
        setattr(row, copy, fold(getattr(row, name)))


class ContactOptOut(Base):
    """Consent (X7): the contact opted out of a correspondence type."""

    __table__ = schema.contact_opt_outs
    contact_id: Mapped[int]
    correspondence_type: Mapped[str]


class ContactAltAddress(Base):
    __table__ = schema.contact_alt_addresses
    contact_id: Mapped[int]
    code: Mapped[str]
    company_name: Mapped[str]
    address: Mapped[str]
    post_code: Mapped[str]
    city: Mapped[str]
    country: Mapped[str]
    email: Mapped[str]
    phone: Mapped[str]


class ContactAltAddressDateRange(Base):
    __table__ = schema.contact_alt_address_date_ranges
    contact_id: Mapped[int]
    starting_date: Mapped[dt.date]
    ending_date: Mapped[dt.date | None]
    contact_alt_address_code: Mapped[str]


class WebSource(Base):
    __table__ = schema.web_sources
    code: Mapped[str]
    description: Mapped[str]
    url: Mapped[str]


class ContactWebSource(Base):
    __table__ = schema.contact_web_sources
    contact_id: Mapped[int]
    web_source_code: Mapped[str]
    search_word: Mapped[str]


# --- Profiling ---------------------------------------------------------------------------


class IndustryGroup(Base):
    __table__ = schema.industry_groups
    code: Mapped[str]
    description: Mapped[str]


class ContactIndustryGroup(Base):
    """Kept on the company contact; persons inherit their company's (reference §2.5)."""

    __table__ = schema.contact_industry_groups
    contact_id: Mapped[int]
    industry_group_code: Mapped[str]


class BusinessRelation(Base):
    __table__ = schema.business_relations
    code: Mapped[str]
    description: Mapped[str]


class ContactBusinessRelation(Base):
    """Kept on the company contact; links it to a customer, vendor, bank account, employee."""

    __table__ = schema.contact_business_relations
    contact_id: Mapped[int]
    business_relation_code: Mapped[str]
    link_to_table: Mapped[str]
    link_no: Mapped[str]


class MailingGroup(Base):
    __table__ = schema.mailing_groups
    code: Mapped[str]
    description: Mapped[str]


class ContactMailingGroup(Base):
    __table__ = schema.contact_mailing_groups
    contact_id: Mapped[int]
    mailing_group_code: Mapped[str]


class JobResponsibility(Base):
    __table__ = schema.job_responsibilities
    code: Mapped[str]
    description: Mapped[str]


class ContactJobResponsibility(Base):
    __table__ = schema.contact_job_responsibilities
    contact_id: Mapped[int]
    job_responsibility_code: Mapped[str]


class ProfileQuestionnaire(Base):
    __table__ = schema.profile_questionnaires
    code: Mapped[str]
    description: Mapped[str]
    contact_type: Mapped[str]
    business_relation_code: Mapped[str]
    priority: Mapped[str]


class ProfileQuestionnaireLine(Base):
    """A question or an answer; an automatic rating carries the answer range (K3)."""

    __table__ = schema.profile_questionnaire_lines
    profile_questionnaire_code: Mapped[str]
    line_no: Mapped[int]
    type: Mapped[str]
    description: Mapped[str]
    multiple_answers: Mapped[bool]
    auto_contact_classification: Mapped[bool]
    from_value: Mapped[Decimal | None]
    to_value: Mapped[Decimal | None]
    priority: Mapped[str]


class Rating(Base):
    """BC's Rating (table 5111): the points an answer line of another question gives
    towards a rating question's score (K3). The rating question's answer is the one whose
    from_value..to_value holds the contact's score."""

    __table__ = schema.ratings
    profile_questionnaire_code: Mapped[str]
    profile_question_line_no: Mapped[int]
    rating_profile_questionnaire_code: Mapped[str]
    rating_profile_question_line_no: Mapped[int]
    points: Mapped[Decimal]


class ContactProfileAnswer(Base):
    __table__ = schema.contact_profile_answers
    contact_id: Mapped[int]
    profile_questionnaire_code: Mapped[str]
    line_no: Mapped[int]
    last_date_updated: Mapped[dt.date | None]


# --- Interactions ------------------------------------------------------------------------


class Attachment(Base):
    """Stored content of an e-mail body or Word template; read-only once logged (L2)."""

    __table__ = schema.attachments
    no: Mapped[int]
    file_name: Mapped[str]
    file_extension: Mapped[str]
    content: Mapped[bytes]
    read_only: Mapped[bool]
    created_at: Mapped[dt.datetime | None]


class InteractionGroup(Base):
    __table__ = schema.interaction_groups
    code: Mapped[str]
    description: Mapped[str]


class InteractionTemplate(Base):
    __table__ = schema.interaction_templates
    code: Mapped[str]
    interaction_group_code: Mapped[str]
    description: Mapped[str]
    unit_cost: Mapped[Decimal]
    unit_duration: Mapped[Decimal]
    information_flow: Mapped[str]
    initiated_by: Mapped[str]
    campaign_no: Mapped[str]
    campaign_target: Mapped[bool]
    campaign_response: Mapped[bool]
    correspondence_type_default: Mapped[str]
    language_code_default: Mapped[str]
    ignore_contact_corres_type: Mapped[bool]
    wizard_action: Mapped[str]
    word_template_code: Mapped[str]


class InteractionTemplateLanguage(Base):
    __table__ = schema.interaction_template_languages
    interaction_template_code: Mapped[str]
    language_code: Mapped[str]
    description: Mapped[str]
    attachment_no: Mapped[int]
    word_template_code: Mapped[str]


class InteractionLogEntry(Base):
    """One logged interaction with one contact (reference §1.8)."""

    __table__ = schema.interaction_log_entries
    entry_no: Mapped[int]
    contact_id: Mapped[int]
    contact_company_no: Mapped[str]
    date: Mapped[dt.date | None]
    time_of_interaction: Mapped[dt.time | None]
    description: Mapped[str]
    information_flow: Mapped[str]
    initiated_by: Mapped[str]
    attachment_no: Mapped[int]
    cost: Mapped[Decimal]
    duration: Mapped[Decimal]
    user_id: Mapped[str]
    interaction_group_code: Mapped[str]
    interaction_template_code: Mapped[str]
    campaign_no: Mapped[str]
    campaign_entry_no: Mapped[int]
    campaign_response: Mapped[bool]
    campaign_target: Mapped[bool]
    segment_no: Mapped[str]
    evaluation: Mapped[str]
    attempt_failed: Mapped[bool]
    task_no: Mapped[str]
    salesperson_code: Mapped[str]
    delivery_status: Mapped[str]
    canceled: Mapped[bool]
    correspondence_type: Mapped[str]
    contact_alt_address_code: Mapped[str]
    logged_segment_entry_no: Mapped[int]
    send_word_docs_as_attmt: Mapped[bool]
    interaction_language_code: Mapped[str]
    subject: Mapped[str]
    opportunity_no: Mapped[str]
    postponed: Mapped[bool]
    word_template_code: Mapped[str]
    contact_via: Mapped[str]


class Delivery(Base):
    """The delivery queue (X8): one row per interaction log entry to deliver, with its state.

    A row is claimed, sent and marked `sent` in that order, so a re-run never sends twice.
    A claim holds until `claimed_until` (its lease); `handed_off_at` is set just before an
    e-mail goes to the SMTP server, so an expired claim tells "may have been sent" from
    "never reached the server".
    """

    __table__ = schema.deliveries
    entry_no: Mapped[int]
    channel: Mapped[str]
    recipient: Mapped[str]
    status: Mapped[str]
    reason: Mapped[str]
    attempts: Mapped[int]
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    claimed_until: Mapped[dt.datetime | None]
    handed_off_at: Mapped[dt.datetime | None]


# --- Segments ----------------------------------------------------------------------------


class SegmentHeader(Base):
    """A segment (reference §1.1); `dynamic` keeps its criteria live (X4)."""

    __table__ = schema.segment_headers
    id: Mapped[int]
    no: Mapped[str]
    description: Mapped[str]
    campaign_no: Mapped[str]
    salesperson_code: Mapped[str]
    correspondence_type_default: Mapped[str]
    interaction_template_code: Mapped[str]
    unit_cost: Mapped[Decimal]
    unit_duration: Mapped[Decimal]
    date: Mapped[dt.date | None]
    campaign_target: Mapped[bool]
    information_flow: Mapped[str]
    initiated_by: Mapped[str]
    no_series: Mapped[str]
    campaign_response: Mapped[bool]
    language_code_default: Mapped[str]
    interaction_group_code: Mapped[str]
    send_word_docs_as_attmt: Mapped[bool]
    ignore_contact_corres_type: Mapped[bool]
    subject_default: Mapped[str]
    word_template_code: Mapped[str]
    dynamic: Mapped[bool]
    dynamic_criteria: Mapped[str]
    refresh_every: Mapped[str]
    refreshed_seq: Mapped[int | None]
    refreshed_at: Mapped[dt.datetime | None]
    membership_version: Mapped[int]
    refreshed_lines: Mapped[int | None]
    refreshed_version: Mapped[int | None]


class ContactChange(Base):
    """The change sequence (X4): one row per change to a contact or to a row the criteria
    read through it, written by database triggers (migration 0007) so no write path can
    bypass it. A dynamic segment's refresh re-evaluates only the contacts marked since."""

    __table__ = schema.contact_changes
    seq: Mapped[int]
    contact_id: Mapped[int]


class ChangeReader(Base):
    """A process that keeps a result in step with the contacts through the change sequence
    (the server's preview accelerator), with the last change it read; while one is
    registered the triggers record (migration 0010) and pruning keeps what it has not read.
    A reader not seen for a while is dropped and rebuilds when it finds itself gone."""

    __table__ = schema.change_readers
    id: Mapped[int]
    watermark: Mapped[int]
    seen_at: Mapped[dt.datetime]


class SegmentException(Base):
    """X4: a contact removed by hand from a dynamic segment; refreshes leave it out until
    it is added by hand again or taken off the list."""

    __table__ = schema.segment_exceptions
    segment_id: Mapped[int]
    contact_id: Mapped[int]
    action_no: Mapped[int]


class SegmentLiftedException(Base):
    """X4: an exception that a later action lifted (the contact added by hand, or removed by
    hand again), kept so that undoing that action (S8) puts it back as it was."""

    __table__ = schema.segment_lifted_exceptions
    segment_id: Mapped[int]
    contact_id: Mapped[int]
    lifted_action: Mapped[int]
    action_no: Mapped[int]


class SegmentDependency(Base):
    """X4: a dynamic segment whose definition reads `segment(NO)`, with the membership
    version of that segment its last refresh saw."""

    __table__ = schema.segment_dependencies
    segment_id: Mapped[int]
    referenced_id: Mapped[int]
    seen_version: Mapped[int | None]


class SegmentLine(Base):
    """A contact on a segment (reference §1.2).

    Lines whose `removed_action` is set are no longer on the segment; they are kept so that
    undoing the action that removed them restores them exactly.
    """

    __table__ = schema.segment_lines
    id: Mapped[int]
    segment_id: Mapped[int]
    line_no: Mapped[int]
    contact_id: Mapped[int | None]
    contact_company_no: Mapped[str]
    campaign_no: Mapped[str]
    salesperson_code: Mapped[str]
    correspondence_type: Mapped[str]
    interaction_template_code: Mapped[str]
    cost: Mapped[Decimal]
    duration: Mapped[Decimal]
    attachment_no: Mapped[int]
    campaign_response: Mapped[bool]
    information_flow: Mapped[str]
    initiated_by: Mapped[str]
    contact_alt_address_code: Mapped[str]
    evaluation: Mapped[str]
    campaign_target: Mapped[bool]
    language_code: Mapped[str]
    description: Mapped[str]
    date: Mapped[dt.date | None]
    attempt_failed: Mapped[bool]
    task_no: Mapped[str]
    campaign_entry_no: Mapped[int]
    interaction_group_code: Mapped[str]
    send_word_doc_as_attmt: Mapped[bool]
    contact_via: Mapped[str]
    subject: Mapped[str]
    opportunity_no: Mapped[str]
    word_template_code: Mapped[str]
    added_action: Mapped[int]
    removed_action: Mapped[int | None]


class SegmentCriteriaLine(Base):
    """One criteria action on a segment, with its criteria and options (reference §1.4).

    Business Central stores an action row followed by per-table filter rows; Rapport keeps
    the action's criteria as one canonical criteria-language expression instead.
    """

    __table__ = schema.segment_criteria_lines
    segment_id: Mapped[int]
    action_no: Mapped[int]
    action: Mapped[str]
    criteria: Mapped[str]
    allow_existing_contacts: Mapped[bool]
    expand_contact: Mapped[bool]
    allow_company_with_persons: Mapped[bool]
    ignore_exclusion: Mapped[bool]
    entire_companies: Mapped[bool]
    manual: Mapped[bool]
    no_of_lines_added: Mapped[int]
    no_of_lines_removed: Mapped[int]
    user_id: Mapped[str]
    created_at: Mapped[dt.datetime | None]


class SavedSegmentCriteria(Base):
    __table__ = schema.saved_segment_criteria
    code: Mapped[str]
    description: Mapped[str]
    user_id: Mapped[str]


class SavedSegmentCriteriaLine(Base):
    __table__ = schema.saved_segment_criteria_lines
    segment_criteria_code: Mapped[str]
    line_no: Mapped[int]
    action: Mapped[str]
    criteria: Mapped[str]
    allow_existing_contacts: Mapped[bool]
    expand_contact: Mapped[bool]
    allow_company_with_persons: Mapped[bool]
    ignore_exclusion: Mapped[bool]
    entire_companies: Mapped[bool]


class SegmentInteractionLanguage(Base):
    """A per-language subject and attachment for a segment (line 0) or one line (S15)."""

    __table__ = schema.segment_interaction_languages
    segment_id: Mapped[int]
    segment_line_no: Mapped[int]
    language_code: Mapped[str]
    description: Mapped[str]
    attachment_no: Mapped[int]
    subject: Mapped[str]
    word_template_code: Mapped[str]


class LoggedSegment(Base):
    __table__ = schema.logged_segments
    entry_no: Mapped[int]
    segment_no: Mapped[str]
    description: Mapped[str]
    creation_date: Mapped[dt.date | None]
    user_id: Mapped[str]
    canceled: Mapped[bool]


# --- Campaigns ---------------------------------------------------------------------------


class CampaignStatus(Base):
    __table__ = schema.campaign_statuses
    code: Mapped[str]
    description: Mapped[str]


class Campaign(Base):
    __table__ = schema.campaigns
    no: Mapped[str]
    description: Mapped[str]
    starting_date: Mapped[dt.date | None]
    ending_date: Mapped[dt.date | None]
    salesperson_code: Mapped[str]
    status_code: Mapped[str]
    no_series: Mapped[str]


class CampaignEntry(Base):
    __table__ = schema.campaign_entries
    entry_no: Mapped[int]
    campaign_no: Mapped[str]
    description: Mapped[str]
    date: Mapped[dt.date | None]
    user_id: Mapped[str]
    segment_no: Mapped[str]
    canceled: Mapped[bool]
    salesperson_code: Mapped[str]
    register_no: Mapped[int]
    document_type: Mapped[str]


class CampaignTargetGroup(Base):
    __table__ = schema.campaign_target_groups
    type: Mapped[str]
    no: Mapped[str]
    campaign_no: Mapped[str]


# --- Follow-up ---------------------------------------------------------------------------


class SalesCycle(Base):
    __table__ = schema.sales_cycles
    code: Mapped[str]
    description: Mapped[str]
    blocked: Mapped[bool]


class Opportunity(Base):
    __table__ = schema.opportunities
    no: Mapped[str]
    description: Mapped[str]
    contact_id: Mapped[int | None]
    contact_company_no: Mapped[str]
    salesperson_code: Mapped[str]
    campaign_no: Mapped[str]
    segment_no: Mapped[str]
    segment_description: Mapped[str]
    sales_cycle_code: Mapped[str]
    creation_date: Mapped[dt.date | None]
    status: Mapped[str]


class Task(Base):
    __table__ = schema.tasks
    no: Mapped[str]
    type: Mapped[str]
    description: Mapped[str]
    date: Mapped[dt.date | None]
    contact_id: Mapped[int | None]
    contact_company_no: Mapped[str]
    salesperson_code: Mapped[str]
    campaign_no: Mapped[str]
    segment_no: Mapped[str]
    organizer_task_no: Mapped[str]
    system_task_type: Mapped[str]
    status: Mapped[str]
    closed: Mapped[bool]


class TaskAttendee(Base):
    __table__ = schema.task_attendees
    task_no: Mapped[str]
    line_no: Mapped[int]
    attendance_type: Mapped[str]
    attendee_type: Mapped[str]
    attendee_no: Mapped[str]
    send_invitation: Mapped[bool]


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed for insert/update/delete statements."""
    return cast(Table, model.__table__)


def length_of(model: type[Base], name: str) -> int | None:
    """The most characters the text or code column `name` of `model` holds (None: any),
    the one declaration of a field's length that the domain rule `TEXT_LENGTH` checks."""
    return schema.column_length(table_of(model), name)
