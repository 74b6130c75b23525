"""The subjects of the criteria language besides contacts: the lists a `--where` or a
`?where=` filters (interaction log entries, segments, logged segments, campaigns), each with
its registry of fields, read by the same parser, renderer and compiler as contacts.

A field's name is the SPEC §5 name where the language already has one (`template`,
`segment`, `campaign`, `salesperson`, as inside `interaction(…)`), else the SPEC §6 column
name; the SPEC §6 name is always accepted as an alias, so a filter reads like the rows the
list prints. Counts and totals (Business Central's FlowFields) are correlated subqueries
over the subject's row, the way the lists compute them.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, Table, case, exists, false, func, select

from rapport.criteria.fields import (
    CONTACTS,
    INTERACTION_FIELDS,
    Field,
    Subject,
    ValueType,
    code,
    enum,
    flag,
    keyed,
    text,
    typed,
)
from rapport.criteria.names import UnknownName, suggestion
from rapport.criteria.operators import Column
from rapport.domain.enums import CorrespondenceType, DeliveryStatus, InformationFlow, InitiatedBy
from rapport.errors import N_
from rapport.storage import schema

__all__ = ["CAMPAIGNS", "ENTRIES", "LOGGED_SEGMENTS", "SEGMENTS", "SUBJECTS", "subject"]

contacts = schema.contacts
entries = schema.interaction_log_entries
headers = schema.segment_headers
criteria_lines = schema.segment_criteria_lines
logged = schema.logged_segments
campaigns = schema.campaigns
campaign_entries = schema.campaign_entries
target_groups = schema.campaign_target_groups


def computed(field: Field, expression: Column, folded: Column | None = None) -> Field:
    """`field` whose SQL is `expression` (a correlated subquery) instead of a column, and
    for a text field `folded` the SQL of its casefolded copy."""
    return replace(field, expression=expression, folded_expression=folded)


def _count(table: Table, *where: ColumnElement[bool], of: Table) -> Column:
    """The number of `table` rows of the subject's row (a FlowField count)."""
    return select(func.count()).select_from(table).where(*where).correlate(of).scalar_subquery()


def _total(column: Column, *where: ColumnElement[bool], of: Table) -> Column:
    """The sum of `column` over the entries of the subject's row, 0 when there are none."""
    total = func.coalesce(func.sum(column), 0)
    return select(total).select_from(entries).where(*where).correlate(of).scalar_subquery()


_entry_contact = contacts.alias("entry_contact")


def _of_entry_contact(column: str) -> Column:
    return (
        select(_entry_contact.c[column])
        .where(_entry_contact.c.id == entries.c.contact_id)
        .correlate(entries)
        .scalar_subquery()
    )


ENTRIES = Subject(
    "interaction_log_entries",
    "interaction log entry",
    entries,
    "entry_no",
    keyed(
        typed(ValueType.INT, "entry_no", "entry no."),
        computed(code("contact_no", "contact no."), _of_entry_contact("no")),
        computed(
            text("contact_name", "contact name"),
            _of_entry_contact("name"),
            _of_entry_contact("name_folded"),
        ),
        code("contact_company_no", "contact company no."),
        *INTERACTION_FIELDS.values(),
        text("description", "description"),
        typed(ValueType.INT, "campaign_entry_no", "campaign entry no."),
        enum("delivery_status", "delivery status", DeliveryStatus),
        flag("attempt_failed", "attempt failed"),
        code("user_id", "user ID"),
        text("subject", "subject"),
        code("interaction_language_code", "language", codes=schema.languages),
        typed(ValueType.INT, "attachment_no", "attachment no."),
        code("contact_alt_address_code", "contact alternate address"),
        code("word_template_code", "Word template"),
    ),
)

SEGMENTS = Subject(
    "segments",
    "segment",
    headers,
    "id",
    keyed(
        code("no", "segment no."),
        text("description", "description"),
        INTERACTION_FIELDS["campaign"],
        INTERACTION_FIELDS["template"],
        INTERACTION_FIELDS["group"],
        INTERACTION_FIELDS["salesperson"],
        enum("correspondence_type_default", "correspondence type (default)", CorrespondenceType),
        code("language_code_default", "language (default)", codes=schema.languages),
        text("subject_default", "subject (default)"),
        typed(ValueType.DATE, "date", "date"),
        typed(ValueType.DECIMAL, "unit_cost", "cost per line"),
        typed(ValueType.DECIMAL, "unit_duration", "duration per line"),
        flag("campaign_target", "campaign target"),
        flag("campaign_response", "campaign response"),
        enum("information_flow", "information flow", InformationFlow),
        enum("initiated_by", "initiated by", InitiatedBy),
        flag("ignore_contact_corres_type", "ignores the contact's correspondence type"),
        flag("send_word_docs_as_attmt", "sends Word documents as attachments"),
        typed(ValueType.INT, "no_of_lines", "no. of lines"),  # kept on the header
        computed(
            typed(ValueType.INT, "no_of_criteria_actions", "no. of criteria actions"),
            _count(criteria_lines, criteria_lines.c.segment_id == headers.c.id, of=headers),
        ),
    ),
)

_logged_entries = (
    entries.c.logged_segment_entry_no == logged.c.entry_no,
    entries.c.canceled == logged.c.canceled,
)

LOGGED_SEGMENTS = Subject(
    "logged_segments",
    "logged segment",
    logged,
    "entry_no",
    keyed(
        typed(ValueType.INT, "entry_no", "entry no."),
        code("segment", "segment no.", "segment_no", "segment_no"),
        text("description", "description"),
        computed(
            typed(ValueType.INT, "no_of_interactions", "no. of interactions"),
            _count(entries, *_logged_entries, of=logged),
        ),
        flag("canceled", "canceled"),
        computed(
            typed(ValueType.INT, "no_of_campaign_entries", "no. of campaign entries"),
            _count(
                campaign_entries,
                campaign_entries.c.register_no == logged.c.entry_no,
                campaign_entries.c.canceled == logged.c.canceled,
                of=logged,
            ),
        ),
        typed(ValueType.DATE, "creation_date", "creation date"),
        code("user_id", "user ID"),
    ),
)

# Campaign totals count, as Business Central's FlowFields do, the entries neither canceled
# nor postponed.
_campaign_entries = (
    entries.c.campaign_no == campaigns.c.no,
    entries.c.canceled == false(),
    entries.c.postponed == false(),
)


def _flagged(column: Column) -> Column:
    return _total(case((column, 1), else_=0), *_campaign_entries, of=campaigns)


CAMPAIGNS = Subject(
    "campaigns",
    "campaign",
    campaigns,
    "no",
    keyed(
        code("no", "campaign no."),
        text("description", "description"),
        typed(ValueType.DATE, "starting_date", "starting date"),
        typed(ValueType.DATE, "ending_date", "ending date"),
        INTERACTION_FIELDS["salesperson"],
        code("status_code", "status", codes=schema.campaign_statuses),
        computed(
            typed(ValueType.INT, "target_contacts_contacted", "target contacts contacted"),
            _flagged(entries.c.campaign_target),
        ),
        computed(
            typed(ValueType.INT, "contacts_responded", "contacts responded"),
            _flagged(entries.c.campaign_response),
        ),
        computed(
            typed(ValueType.DECIMAL, "cost", "cost"),
            _total(entries.c.cost, *_campaign_entries, of=campaigns),
        ),
        computed(
            typed(ValueType.DECIMAL, "duration", "duration"),
            _total(entries.c.duration, *_campaign_entries, of=campaigns),
        ),
        computed(
            typed(ValueType.INT, "no_of_entries", "no. of entries"),
            _count(
                campaign_entries, campaign_entries.c.campaign_no == campaigns.c.no, of=campaigns
            ),
        ),
        computed(
            flag("activated", "activated"),
            exists().where(target_groups.c.campaign_no == campaigns.c.no).correlate(campaigns),
        ),
    ),
)

SUBJECTS: dict[str, Subject] = {
    item.name: item for item in (CONTACTS, ENTRIES, SEGMENTS, LOGGED_SEGMENTS, CAMPAIGNS)
}


def subject(name: str) -> Subject:
    """The subject `name` (`contacts`, `interaction_log_entries` …); UnknownName."""
    found = SUBJECTS.get(name.lower())
    if found is None:
        raise UnknownName(
            N_("unknown subject {name!r}{hint}", name=name, hint=suggestion(name, list(SUBJECTS)))
        )
    return found
