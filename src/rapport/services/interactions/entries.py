"""Interaction log entries (L6): list and filter, cancel single entries, evaluate, attempt
failed, and cost/duration totals per template, group, campaign or contact.

The filter is the criteria language on the entries' own registry (`criteria.ENTRIES`):
relative dates, and/or/not, parentheses, with the SPEC §5 names (`template`) or the SPEC §6
names the list prints (`interaction_template_code`).

Postponed entries are not shown, as on Business Central's Interaction Log Entries page.
Un-cancelling an entry needs its logged segment and its campaign entry not canceled
(reference §2.14, with BC's TestField messages). Totals count, like BC's FlowFields on
templates, groups and campaigns, the entries that are neither canceled nor postponed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true, update
from sqlalchemy.orm import Session

from rapport.criteria import ENTRIES
from rapport.domain.enums import Evaluation, parse_enum
from rapport.errors import ENTRY_NO_FIELD, N_, Conflict, Invalid, does_not_exist, text_of
from rapport.services._criteria import CriteriaSource, optional_criteria
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    Campaign,
    CampaignEntry,
    Contact,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    folded,
    table_of,
)

entries = table_of(InteractionLogEntry)
contacts = table_of(Contact)
# The columns of `interactions list` by their SPEC §6 names, in order (SPEC §6 first).
COLUMNS = (
    "entry_no",
    "contact_no",
    "contact_name",
    "date",
    "interaction_template_code",
    "interaction_group_code",
    "logged_segment",
    "segment_no",
    "campaign_no",
    "correspondence_type",
    "cost",
    "duration",
    "canceled",
    "delivery_status",
    "contact_company_no",
    "description",
    "campaign_entry_no",
    "evaluation",
    "attempt_failed",
    "salesperson_code",
    "user_id",
    "information_flow",
    "initiated_by",
    "subject",
    "interaction_language_code",
    "attachment_no",
    "campaign_target",
    "campaign_response",
    "contact_alt_address_code",
    "word_template_code",
)
OUTPUT: dict[str, Any] = {
    "contact_no": contacts.c.no,
    "contact_name": contacts.c.name,
    "logged_segment": entries.c.logged_segment_entry_no,
}
# Totals by: the entry column, and the table whose description names it (by its key).
BY: dict[str, tuple[Any, Any, str]] = {
    "template": (entries.c.interaction_template_code, table_of(InteractionTemplate), "code"),
    "group": (entries.c.interaction_group_code, table_of(InteractionGroup), "code"),
    "campaign": (entries.c.campaign_no, table_of(Campaign), "no"),
    "contact": (contacts.c.no, None, ""),
}


@dataclass(frozen=True)
class EntryRead:
    """L6: one interaction log entry as `interactions list` prints it (SPEC §6 names)."""

    entry_no: int
    contact_no: str
    contact_name: str
    date: dt.date | None
    interaction_template_code: str
    interaction_group_code: str
    logged_segment: int
    segment_no: str
    campaign_no: str
    correspondence_type: str
    cost: Decimal
    duration: Decimal
    canceled: bool
    delivery_status: str
    contact_company_no: str
    description: str
    campaign_entry_no: int
    evaluation: str
    attempt_failed: bool
    salesperson_code: str
    user_id: str
    information_flow: str
    initiated_by: str
    subject: str
    interaction_language_code: str
    attachment_no: int
    campaign_target: bool
    campaign_response: bool
    contact_alt_address_code: str
    word_template_code: str


@dataclass(frozen=True)
class Total:
    """Interactions, cost and duration of one template, group, campaign or contact."""

    code: str
    description: str
    no_of_interactions: int
    cost: Decimal
    duration: Decimal


def matching(sessions: Sessions, where: CriteriaSource | None) -> ColumnElement[bool]:
    """The condition of `where`, criteria on the entries (ENTRIES registry): text, the JSON
    tree or parsed criteria; blank text is every entry. Invalid before anything runs."""
    criteria = optional_criteria(where, database=sessions, subject=ENTRIES)
    return true() if criteria is None else criteria.condition()


def _output(name: str) -> Any:
    return OUTPUT[name] if name in OUTPUT else entries.c[name]


def listing(where: ColumnElement[bool]) -> Any:
    return (
        select(*(_output(name).label(name) for name in COLUMNS))
        .select_from(entries.join(contacts, contacts.c.id == entries.c.contact_id))
        .where(entries.c.postponed == false(), where)
    )


def get_all(
    sessions: Sessions,
    *,
    where: CriteriaSource | None = "",
    limit: int | None = None,
    after: int | None = None,
) -> Iterator[EntryRead]:
    """L6: the entries matching `where` (the criteria language on the entries' fields, SPEC
    §6 names accepted) in entry order, streamed; `after` starts after that entry no. (a page
    of a keyset-paged list). The criteria are checked when this is called, before the first
    row is asked for, so a bad filter fails before any output."""
    query = listing(matching(sessions, where)).order_by(entries.c.entry_no).limit(limit)
    if after is not None:
        query = query.where(entries.c.entry_no > after)
    return _stream(sessions, query)


def _stream(sessions: Sessions, query: Any) -> Iterator[EntryRead]:
    with reading(sessions) as session:
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield EntryRead(**row._mapping)


def read(session: Session, entry_no: int) -> EntryRead:
    row = session.execute(listing(true()).where(entries.c.entry_no == entry_no)).first()
    if row is None:
        raise does_not_exist(N_("Interaction Log Entry"), (ENTRY_NO_FIELD, entry_no))
    return EntryRead(**row._mapping)


def get(sessions: Sessions, entry_no: int) -> EntryRead:
    with reading(sessions) as session:
        return read(session, entry_no)


def check_exist(session: Session, entry_nos: Sequence[int], *, field: str | None = None) -> None:
    """NotFound for the first of `entry_nos` that is not there; `field` names the input
    that listed them when they are not what the caller's address names."""
    found = set(
        session.scalars(select(entries.c.entry_no).where(entries.c.entry_no.in_(entry_nos)))
    )
    for entry_no in entry_nos:
        if entry_no not in found:
            raise does_not_exist(
                N_("Interaction Log Entry"), (ENTRY_NO_FIELD, entry_no), field=field
            )


def check_parents_not_canceled(session: Session, entry_nos: Sequence[int]) -> None:
    """Un-cancel: BC's TestField(Canceled, false) on the logged segment, then on the
    campaign entry, of the first entry that has a canceled one."""
    parents = (
        (table_of(LoggedSegment), entries.c.logged_segment_entry_no, N_("Logged Segment")),
        (table_of(CampaignEntry), entries.c.campaign_entry_no, N_("Campaign Entry")),
    )
    for parent, link, caption in parents:
        canceled = session.scalar(
            select(parent.c.entry_no)
            .join(entries, link == parent.c.entry_no)
            .where(entries.c.entry_no.in_(entry_nos), parent.c.canceled.is_(True))
            .order_by(entries.c.entry_no)
            .limit(1)
        )
        if canceled is not None:
            raise Conflict(
                N_(
                    "Canceled must be equal to 'No'  in {caption}: Entry No.={canceled}. Current "
                    "value is 'Yes'.",
                    caption=caption,
                    canceled=canceled,
                )
            )


def cancel(
    sessions: Sessions,
    entry_nos: Sequence[int],
    *,
    canceled: bool = True,
    listed: bool = False,
) -> int:
    """L6: cancel (or with `canceled=False` un-cancel) single entries; attachments stay
    (BC asks whether to remove unique attachments, default No). An entry that is not there
    is NotFound; `listed`: the input listed the entries (not the caller's address, which
    names one), so it names `entry_nos`."""
    with sessions.begin() as session:
        check_exist(session, entry_nos, field="entry_nos" if listed else None)
        if not canceled:
            check_parents_not_canceled(session, entry_nos)
        update_entries(session, entry_nos, canceled=canceled)
        return len(set(entry_nos))


def update_entries(session: Session, entry_nos: Sequence[int], **values: Any) -> None:
    """Set `values` on the entries, a changed text with its casefolded copy."""
    values |= folded(values, entries.name)
    session.execute(update(entries).where(entries.c.entry_no.in_(entry_nos)).values(**values))


def evaluate(sessions: Sessions, entry_no: int, *, evaluation: str) -> EntryRead:
    """L6: BC's Evaluate Interaction — very_positive … very_negative, or blank."""
    try:
        value = parse_enum(Evaluation, evaluation, field="evaluation").value
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc
    with sessions.begin() as session:
        check_exist(session, [entry_no])
        update_entries(session, [entry_no], evaluation=value)
        return read(session, entry_no)


def set_attempt_failed(
    sessions: Sessions, entry_no: int, *, attempt_failed: bool = True
) -> EntryRead:
    """L6: record that the attempt to reach the contact failed (or clear it)."""
    with sessions.begin() as session:
        check_exist(session, [entry_no])
        update_entries(session, [entry_no], attempt_failed=attempt_failed)
        return read(session, entry_no)


def totals(sessions: Sessions, *, by: str, where: CriteriaSource | None = "") -> list[Total]:
    """L6: number, cost and duration of the non-canceled, non-postponed entries (matching
    `where`) per template, group, campaign or contact; entries without one are left out."""
    if by not in BY:
        raise Invalid(
            N_("{by!r} is not one of {choices}", by=by, choices=", ".join(BY)), field="by"
        )
    key, lookup, lookup_key = BY[by]
    joins: Any = entries.join(contacts, contacts.c.id == entries.c.contact_id)
    description = contacts.c.name
    if lookup is not None:
        joins = joins.outerjoin(lookup, lookup.c[lookup_key] == key)
        description = lookup.c.description
    counted: list[ColumnElement[bool]] = [
        entries.c.canceled == false(),
        entries.c.postponed == false(),
        key != "",
        matching(sessions, where),
    ]
    query = (
        select(
            key.label("code"),
            func.coalesce(func.max(description), "").label("description"),
            func.count().label("no_of_interactions"),
            func.coalesce(func.sum(entries.c.cost), 0).label("cost"),
            func.coalesce(func.sum(entries.c.duration), 0).label("duration"),
        )
        .select_from(joins)
        .where(*counted)
        .group_by(key)
        .order_by(key)
    )
    with reading(sessions) as session:
        return [
            Total(
                code=row.code,
                description=row.description,
                no_of_interactions=row.no_of_interactions,
                cost=Decimal(str(row.cost)),
                duration=Decimal(str(row.duration)),
            )
            for row in session.execute(query)
        ]
