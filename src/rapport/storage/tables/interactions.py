"""The ORM classes of interactions: templates, their languages and attachments, log entries
and deliveries; see the package's docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Mapped

from rapport.storage import schema
from rapport.storage.tables._base import Base

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
