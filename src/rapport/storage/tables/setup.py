"""The ORM classes of the set-up, the code tables and the server's own records (users,
tokens, audit, webhooks, jobs); see the package's docstring."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped

from rapport.storage import schema
from rapport.storage.tables._base import Base

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


class SalutationFormula(Base):
    """A salutation's formal greeting in one language (BC's Salutation Formula)."""

    __table__ = schema.salutation_formulas
    salutation_code: Mapped[str]
    language_code: Mapped[str]
    formal_greeting: Mapped[str]


class OrganizationalLevel(Base):
    __table__ = schema.organizational_levels
    code: Mapped[str]
    description: Mapped[str]
