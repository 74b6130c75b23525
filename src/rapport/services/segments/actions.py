"""Criteria actions on a segment: add contacts, reduce, refine, manual add and remove (S3–S5),
each recorded with its criteria (S7), previewable without changing anything (X2).

Each action is one transaction of a few set-based statements: the criteria compile to one
select of contact ids; lines are inserted with INSERT … SELECT, and removed lines are
marked with the action that removed them (UPDATE … WHERE contact IN (SELECT …)) so that
undo restores them exactly. A removal that empties a segment with more than one criteria
action resets its criteria and history, as Business Central's default answer does, unless
`keep_criteria` is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from rapport.criteria import condition, parse, render
from rapport.domain.enums import SegmentAction
from rapport.services.segments.lines import (
    Candidates,
    Rules,
    contacts,
    count_and_sample,
    eligible,
    insert_lines,
    lines,
    sync_campaign_targets,
)
from rapport.services.segments.propagation import get_header, no_of_criteria_actions, no_of_lines
from rapport.services.segments.skipped import Skipped, count_skipped
from rapport.storage.db import Sessions, analyze, execute_counted
from rapport.storage.tables import SegmentCriteriaLine, SegmentHeader, table_of


@dataclass(frozen=True)
class AddOptions:
    """The four options of Add Contacts (S3)."""

    allow_existing: bool = False
    expand_companies: bool = False
    related_companies: bool = False
    ignore_exclusion: bool = False


NO_OPTIONS = AddOptions()


@dataclass(frozen=True)
class ActionResult:
    """What an action did (or, with `preview`, would do): counts and a sample of contacts."""

    action_no: int
    added: int
    removed: int
    no_of_lines: int
    preview: bool = False
    sample: list[dict[str, str]] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)  # an add's candidates left out (X7)


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def contact_criteria(contact_no: str) -> str:
    return f"no = {quote(contact_no.strip().upper())}"


def next_action_no(session: Session, segment_id: int) -> int:
    top = session.scalar(
        select(func.max(SegmentCriteriaLine.action_no)).where(
            SegmentCriteriaLine.segment_id == segment_id
        )
    )
    return int(top or 0) + 1


def record_action(
    session: Session,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: str,
    user: str,
    options: AddOptions = NO_OPTIONS,
    entire_companies: bool = False,
    manual: bool = False,
) -> SegmentCriteriaLine:
    """S7: the criteria line of an action, recorded even when the action changes nothing."""
    row = SegmentCriteriaLine(
        segment_id=header.id,
        action_no=next_action_no(session, header.id),
        action=action.value,
        criteria=criteria,
        allow_existing_contacts=options.allow_existing,
        expand_contact=options.expand_companies,
        allow_company_with_persons=options.related_companies,
        ignore_exclusion=options.ignore_exclusion,
        entire_companies=entire_companies,
        manual=manual,
        user_id=user,
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    session.add(row)
    session.flush()
    return row


def selection(criteria: str, options: AddOptions) -> ColumnElement[bool]:
    """The contacts an add selects, as a condition on `contacts`: the criteria, then
    expansion to whole companies, then related companies (reference §2.5; exclusion
    applies after expansion)."""
    selected = condition(parse(criteria))
    if options.expand_companies:
        selected = or_(selected, contacts.c.company_id.in_(companies_of(selected)))
    if options.related_companies:
        selected = or_(selected, contacts.c.id.in_(companies_of(selected)))
    return selected


def companies_of(selected: ColumnElement[bool]) -> Select[Any]:
    """The company ids of the contacts `selected` picks (an uncorrelated subquery)."""
    return (
        select(contacts.c.company_id)
        .where(selected, contacts.c.company_id.is_not(None))
        .correlate(None)
    )


def add_contacts(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: str,
    options: AddOptions = NO_OPTIONS,
    user: str,
    preview: bool = False,
) -> ActionResult:
    """S3 (X2 with `preview`): put the contacts matching `criteria` on the segment, with
    expansion before exclusion and no duplicates unless allowed (reference §2.5)."""
    candidates = selection(criteria, options)
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=not preview)
        if preview:
            rules = Rules(
                allow_existing=options.allow_existing, ignore_exclusion=options.ignore_exclusion
            )
            ids, _ = eligible(session, header, candidates=candidates, rules=rules)
            added, sample = count_and_sample(session, ids)
            return ActionResult(
                action_no=no_of_criteria_actions(session, header.id) + 1,
                added=added,
                removed=0,
                no_of_lines=no_of_lines(session, header.id) + added,
                preview=True,
                sample=sample,
                skipped=count_skipped(session, header, candidates=candidates, rules=rules),
            )
        return apply_add(session, header, criteria=criteria, options=options, user=user)


def apply_add(
    session: Session, header: SegmentHeader, *, criteria: str, options: AddOptions, user: str
) -> ActionResult:
    """Record an add action and insert its lines, inside the caller's transaction."""
    return record_insertions(
        session,
        header,
        criteria=render(parse(criteria)),
        user=user,
        candidates=selection(criteria, options),
        options=options,
    )


def record_insertions(
    session: Session,
    header: SegmentHeader,
    *,
    criteria: str,
    user: str,
    candidates: Candidates,
    options: AddOptions,
    overrides: dict[str, str] | None = None,
) -> ActionResult:
    """An add action with its candidates: recorded, its lines inserted, the result counted
    (add contacts, reuse of a logged segment, follow-up)."""
    row = record_action(
        session, header, action=SegmentAction.ADD, criteria=criteria, user=user, options=options
    )
    rules = Rules(allow_existing=options.allow_existing, ignore_exclusion=options.ignore_exclusion)
    skipped = count_skipped(session, header, candidates=candidates, rules=rules)
    added = insert_lines(
        session,
        header,
        candidates=candidates,
        action_no=row.action_no,
        rules=rules,
        overrides=overrides,
    )
    result = finish(session, header, row, added=added, removed=0, keep_criteria=True)
    return replace(result, skipped=skipped)


def finish(
    session: Session,
    header: SegmentHeader,
    row: SegmentCriteriaLine,
    *,
    added: int,
    removed: int,
    keep_criteria: bool,
) -> ActionResult:
    """Record the counts; reset an emptied segment's criteria unless asked to keep them."""
    row.no_of_lines_added, row.no_of_lines_removed = added, removed
    session.flush()
    remaining = no_of_lines(session, header.id)
    action_no = row.action_no
    if remaining == 0 and removed and not keep_criteria and action_no > 1:
        reset_criteria(session, header)
        action_no = 0
    sync_campaign_targets(session, header)
    analyze(session, "segment_lines", rows=added + removed)
    return ActionResult(action_no=action_no, added=added, removed=removed, no_of_lines=remaining)


def reset_criteria(session: Session, header: SegmentHeader) -> None:
    """BC's "Your Segment is now empty. Reset number of criteria actions?" answered yes: the
    criteria actions and the history (the removed lines) go."""
    session.execute(delete(lines).where(lines.c.segment_id == header.id))
    session.execute(
        delete(table_of(SegmentCriteriaLine)).where(SegmentCriteriaLine.segment_id == header.id)
    )


def matched_lines(criteria: str, *, entire_companies: bool) -> ColumnElement[bool]:
    """The lines on the segment whose contact matches; with `entire_companies`, every line of
    a company any of whose contacts matches (reference §2.6). Each line's own contact is
    tested where it is (a segment is usually much smaller than the contact base)."""
    matches = condition(parse(criteria))
    own = exists().where(contacts.c.id == lines.c.contact_id, matches)
    if not entire_companies:
        return own
    companies = select(contacts.c.company_id).where(matches, contacts.c.company_id.is_not(None))
    colleagues = select(contacts.c.id).where(contacts.c.company_id.in_(companies))
    return or_(own, lines.c.contact_id.in_(colleagues.correlate(None)))


def remove(
    sessions: Sessions,
    segment_no: str,
    *,
    action: SegmentAction,
    criteria: str,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
) -> ActionResult:
    """S4: reduce removes the lines whose contact matches; refine keeps only those (lines
    without a contact always go on refine)."""
    parse(criteria)
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=not preview)
        scope = removal_scope(header, action, criteria, entire_companies=entire_companies)
        if preview:
            before = no_of_lines(session, header.id)
            count = int(session.scalar(select(func.count()).where(*scope)) or 0)
            removed = select(lines.c.contact_id.label("id")).where(*scope)
            return ActionResult(
                action_no=no_of_criteria_actions(session, header.id) + 1,
                added=0,
                removed=count,
                no_of_lines=before - count,
                preview=True,
                sample=count_and_sample(session, removed)[1],
            )
        return apply_remove(
            session,
            header,
            action=action,
            criteria=criteria,
            entire_companies=entire_companies,
            keep_criteria=keep_criteria,
            user=user,
        )


def removal_scope(
    header: SegmentHeader, action: SegmentAction, criteria: str, *, entire_companies: bool
) -> list[ColumnElement[bool]]:
    match = matched_lines(criteria, entire_companies=entire_companies)
    target = match if action is SegmentAction.REDUCE else ~match | lines.c.contact_id.is_(None)
    return [lines.c.segment_id == header.id, lines.c.removed_action.is_(None), target]


def apply_remove(
    session: Session,
    header: SegmentHeader,
    *,
    action: SegmentAction,
    criteria: str,
    entire_companies: bool,
    keep_criteria: bool,
    user: str,
    manual: bool = False,
) -> ActionResult:
    """Record a reduce/refine action and mark its lines removed, in the caller's transaction."""
    scope = removal_scope(header, action, criteria, entire_companies=entire_companies)
    row = record_action(
        session,
        header,
        action=action,
        criteria=render(parse(criteria)),
        user=user,
        entire_companies=entire_companies,
        manual=manual,
    )
    result = execute_counted(
        session, update(lines).where(*scope).values(removed_action=row.action_no)
    )
    return finish(
        session,
        header,
        row,
        added=0,
        removed=result,
        keep_criteria=keep_criteria,
    )


def reduce(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: str,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
) -> ActionResult:
    """S4 Reduce: remove the lines whose contact matches `criteria`."""
    return remove(
        sessions,
        segment_no,
        action=SegmentAction.REDUCE,
        criteria=criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        user=user,
        preview=preview,
    )


def refine(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: str,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    user: str,
    preview: bool = False,
) -> ActionResult:
    """S4 Refine: keep only the lines whose contact matches `criteria`."""
    return remove(
        sessions,
        segment_no,
        action=SegmentAction.REFINE,
        criteria=criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        user=user,
        preview=preview,
    )
