"""The ORM classes of segments, their lines and criteria, the change log of dynamic
segments; see the package's docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Mapped

from rapport.storage import schema
from rapport.storage.tables._base import Base

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
    # Moved by Core statements under a loaded header: read it with
    # `services.segments._reading.no_of_lines`, never write it through the object.
    no_of_lines: Mapped[int]


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
