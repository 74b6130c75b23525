"""Interaction log entries (L6): list and filter, cancel single entries, evaluate, attempt
failed, and cost/duration totals per template, group, campaign or contact.

Postponed entries are not shown, as on Business Central's Interaction Log Entries page.
Un-cancelling an entry needs its logged segment and its campaign entry not canceled
(reference §2.14, with BC's TestField messages). Totals count, like BC's FlowFields on
templates, groups and campaigns, the entries that are neither canceled nor postponed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import Evaluation, parse_enum
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.interactions.filters import Field, condition
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    Campaign,
    CampaignEntry,
    Contact,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    table_of,
)

entries = table_of(InteractionLogEntry)
contacts = table_of(Contact)
KINDS = {
    "entry_no": "int",
    "contact_company_no": "code",
    "date": "date",
    "description": "text",
    "interaction_template_code": "code",
    "interaction_group_code": "code",
    "segment_no": "code",
    "campaign_no": "code",
    "campaign_entry_no": "int",
    "correspondence_type": "choice",
    "cost": "decimal",
    "duration": "decimal",
    "canceled": "bool",
    "delivery_status": "choice",
    "evaluation": "choice",
    "attempt_failed": "bool",
    "salesperson_code": "code",
    "user_id": "code",
    "information_flow": "choice",
    "initiated_by": "choice",
    "subject": "text",
    "interaction_language_code": "code",
    "attachment_no": "int",
    "campaign_target": "bool",
    "campaign_response": "bool",
    "contact_alt_address_code": "code",
    "word_template_code": "code",
}
FIELDS: dict[str, Field] = {
    "contact_no": Field(contacts.c.no, "code"),
    "contact_name": Field(contacts.c.name, "text"),
    "logged_segment": Field(entries.c.logged_segment_entry_no, "int"),
    **{name: Field(entries.c[name], kind) for name, kind in KINDS.items()},
}
# The columns of `interactions list`, in order (SPEC §6 first, then the rest).
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
    *(name for name in KINDS if name not in {"entry_no", "date", "cost", "duration"}),
)
COLUMNS = tuple(dict.fromkeys(COLUMNS))
# Totals by: the entry column, and the table whose description names it (by its key).
BY: dict[str, tuple[Any, Any, str]] = {
    "template": (entries.c.interaction_template_code, table_of(InteractionTemplate), "code"),
    "group": (entries.c.interaction_group_code, table_of(InteractionGroup), "code"),
    "campaign": (entries.c.campaign_no, table_of(Campaign), "no"),
    "contact": (contacts.c.no, None, ""),
}


@dataclass(frozen=True)
class Total:
    """Interactions, cost and duration of one template, group, campaign or contact."""

    code: str
    description: str
    no_of_interactions: int
    cost: Decimal
    duration: Decimal


def listing(where: str) -> Any:
    return (
        select(*(FIELDS[name].column.label(name) for name in COLUMNS))
        .select_from(entries.join(contacts, contacts.c.id == entries.c.contact_id))
        .where(entries.c.postponed == false(), condition(where, FIELDS))
    )


def get_all(
    sessions: Sessions, *, where: str = "", limit: int | None = None, after: int | None = None
) -> Iterator[dict[str, Any]]:
    """L6: the entries matching `where` (see interaction_filters) in entry order, streamed;
    `after` starts after that entry no. (a page of a keyset-paged list)."""
    query = listing(where).order_by(entries.c.entry_no).limit(limit)
    if after is not None:
        query = query.where(entries.c.entry_no > after)
    with reading(sessions) as session:
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield dict(row._mapping)


def read(session: Session, entry_no: int) -> dict[str, Any]:
    row = session.execute(listing("").where(entries.c.entry_no == entry_no)).first()
    if row is None:
        raise NotFound(f"Interaction Log Entry {entry_no} does not exist.")
    return dict(row._mapping)


def get(sessions: Sessions, entry_no: int) -> dict[str, Any]:
    with sessions.begin() as session:
        return read(session, entry_no)


def check_exist(session: Session, entry_nos: Sequence[int]) -> None:
    found = set(
        session.scalars(select(entries.c.entry_no).where(entries.c.entry_no.in_(entry_nos)))
    )
    for entry_no in entry_nos:
        if entry_no not in found:
            raise NotFound(f"Interaction Log Entry {entry_no} does not exist.")


def check_parents_not_canceled(session: Session, entry_nos: Sequence[int]) -> None:
    """Un-cancel: BC's TestField(Canceled, false) on the logged segment, then on the
    campaign entry, of the first entry that has a canceled one."""
    parents = (
        (table_of(LoggedSegment), entries.c.logged_segment_entry_no, "Logged Segment"),
        (table_of(CampaignEntry), entries.c.campaign_entry_no, "Campaign Entry"),
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
                f"Canceled must be equal to 'No'  in {caption}: Entry No.={canceled}. "
                "Current value is 'Yes'."
            )


def cancel(sessions: Sessions, entry_nos: Sequence[int], *, canceled: bool = True) -> int:
    """L6: cancel (or with `canceled=False` un-cancel) single entries; attachments stay
    (BC asks whether to remove unique attachments, default No)."""
    with sessions.begin() as session:
        check_exist(session, entry_nos)
        if not canceled:
            check_parents_not_canceled(session, entry_nos)
        update_entries(session, entry_nos, canceled=canceled)
        return len(set(entry_nos))


def update_entries(session: Session, entry_nos: Sequence[int], **values: Any) -> None:
    session.execute(update(entries).where(entries.c.entry_no.in_(entry_nos)).values(**values))


def evaluate(sessions: Sessions, entry_no: int, *, evaluation: str) -> dict[str, Any]:
    """L6: BC's Evaluate Interaction — very_positive … very_negative, or blank."""
    try:
        value = parse_enum(Evaluation, evaluation, field="evaluation").value
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    with sessions.begin() as session:
        check_exist(session, [entry_no])
        update_entries(session, [entry_no], evaluation=value)
        return read(session, entry_no)


def set_attempt_failed(
    sessions: Sessions, entry_no: int, *, attempt_failed: bool = True
) -> dict[str, Any]:
    """L6: record that the attempt to reach the contact failed (or clear it)."""
    with sessions.begin() as session:
        check_exist(session, [entry_no])
        update_entries(session, [entry_no], attempt_failed=attempt_failed)
        return read(session, entry_no)


def totals(sessions: Sessions, *, by: str, where: str = "") -> list[Total]:
    """L6: number, cost and duration of the non-canceled, non-postponed entries (matching
    `where`) per template, group, campaign or contact; entries without one are left out."""
    if by not in BY:
        raise Invalid(f"{by!r} is not one of {', '.join(BY)}", where="--by")
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
        condition(where, FIELDS),
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
    with sessions.begin() as session:
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
