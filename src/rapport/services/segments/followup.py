"""Follow-up on a segment (S14): an opportunity or a task for every contact on it, and the
lists of opportunities and tasks.

One row per line on the segment with a contact (a contact on two lines gets two, as in
Business Central, reference §2.16). Numbers come from the opportunity and task number
series as one reserved block: the series is read and locked once, the numbers are counted
on in Python, the rows are inserted a chunk at a time, and the series' last number is
written once at the end — all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from rapport.domain.codes import increment_no
from rapport.domain.dates import as_date
from rapport.domain.rules import TEXT_LENGTH
from rapport.errors import CODE_FIELD, N_, Invalid, Text, does_not_exist
from rapport.services.segments._propagation import get_header
from rapport.storage.db import Sessions, is_postgresql, reading
from rapport.storage.number_series import setup_series
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import (
    Contact,
    MarketingSetup,
    NumberSeries,
    Opportunity,
    SalesCycle,
    Salesperson,
    SegmentHeader,
    SegmentLine,
    Task,
    TaskAttendee,
    length_of,
    table_of,
)

CHUNK = 5_000
TASK_TYPES = ("", "meeting", "phone_call")


@dataclass(frozen=True)
class FollowUpResult:
    segment_no: str
    created: int
    first_no: str
    last_no: str


@dataclass(frozen=True)
class OpportunityRead:
    no: str
    description: str
    contact_no: str
    contact_company_no: str
    salesperson_code: str
    campaign_no: str
    segment_no: str
    segment_description: str
    sales_cycle_code: str
    creation_date: dt.date | None
    status: str


@dataclass(frozen=True)
class TaskRead:
    no: str
    type: str
    description: str
    date: dt.date | None
    contact_no: str
    contact_company_no: str
    salesperson_code: str
    campaign_no: str
    segment_no: str
    organizer_task_no: str
    system_task_type: str
    status: str
    closed: bool


class NumberBlock:
    """Consecutive numbers of one series, taken under its lock and written back once."""

    def __init__(self, session: Session, series_code: str) -> None:
        query = select(NumberSeries).where(NumberSeries.code == series_code)
        if is_postgresql(session):
            query = query.with_for_update()
        series = session.scalars(query).one_or_none()
        if series is None:
            raise does_not_exist(N_("No. Series"), (CODE_FIELD, series_code))
        self._session, self._code = session, series_code
        self._last, self._starting = series.last_no_used, series.starting_no

    @property
    def last(self) -> str:
        return self._last

    def take(self) -> str:
        self._last = increment_no(self._last) if self._last else self._starting
        return self._last

    def close(self) -> None:
        self._session.execute(
            update(NumberSeries)
            .where(NumberSeries.code == self._code)
            .values(last_no_used=self._last)
        )


def _lines(session: Session, header: SegmentHeader) -> Iterator[list[Any]]:
    """The segment's lines with a contact, by line no., in chunks (keyset, no open cursor)."""
    last = -1
    while True:
        chunk = session.execute(
            select(
                SegmentLine.line_no,
                SegmentLine.contact_id,
                SegmentLine.contact_company_no,
                SegmentLine.description,
                SegmentLine.campaign_no,
                SegmentLine.salesperson_code,
                Contact.no.label("contact_no"),
                Contact.email,
            )
            .join(Contact, Contact.id == SegmentLine.contact_id)
            .where(
                on_segment(header.id),
                SegmentLine.line_no > last,
            )
            .order_by(SegmentLine.line_no)
            .limit(CHUNK)
        ).all()
        if not chunk:
            return
        yield list(chunk)
        last = chunk[-1].line_no


def _sales_cycle(session: Session, code: str | None) -> str:
    setup = session.get(MarketingSetup, 1)
    key = (code or (setup.default_sales_cycle_code if setup else "") or "").strip().upper()
    if not key:
        raise Invalid(N_("Sales Cycle Code must have a value."), field="sales_cycle_code")
    cycle = session.get(SalesCycle, key)
    if cycle is None:
        raise does_not_exist(N_("Sales Cycle"), (CODE_FIELD, key), field="sales_cycle_code")
    if cycle.blocked:
        raise Invalid(N_("Sales Cycle {key} is blocked.", key=key), field="sales_cycle_code")
    return key


def create_opportunities(
    sessions: Sessions,
    segment_no: str,
    *,
    sales_cycle_code: str | None = None,
    description: str | None = None,
) -> FollowUpResult:
    """S14 (reference §2.16 "Create opportunities"): an opportunity per line with a contact,
    created today, with the line's description, campaign and salesperson and the sales
    cycle given (default: the marketing setup's), which must exist and not be blocked (else
    an error naming `sales_cycle_code`, the segment being there)."""
    if description:
        TEXT_LENGTH.check("description", description, length_of(Opportunity, "description"))
    today = dt.date.today()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        cycle = _sales_cycle(session, sales_cycle_code)

        def build(no: str, line: Any) -> list[tuple[Any, dict[str, Any]]]:
            return [(Opportunity, _opportunity(no, line, header, cycle, today, description))]

        return _create(session, header, "opportunity_nos", build, what=N_("opportunities"))


def _create(
    session: Session,
    header: SegmentHeader,
    series_field: str,
    build: Callable[[str, Any], list[tuple[Any, dict[str, Any]]]],
    *,
    what: Text,
) -> FollowUpResult:
    """Number and insert the rows `build` makes for each line with a contact, a chunk of
    lines per INSERT; Invalid when the segment has no line with a contact."""
    block = NumberBlock(session, setup_series(session, series_field))
    first, count = "", 0
    for chunk in _lines(session, header):
        rows: dict[Any, list[dict[str, Any]]] = {}
        for line in chunk:
            no = block.take()
            first = first or no
            for model, row in build(no, line):
                rows.setdefault(model, []).append(row)
        for model, values in rows.items():  # in the order built: parents first
            session.execute(insert(model), values)
        count += len(chunk)
    if not count:
        raise Invalid(
            N_("You cannot create {what} on an empty segment ({no}).", what=what, no=header.no)
        )
    block.close()
    return FollowUpResult(header.no, count, first, block.last)


def _opportunity(
    no: str, line: Any, header: SegmentHeader, cycle: str, today: dt.date, description: str | None
) -> dict[str, Any]:
    return {
        "no": no,
        "description": description or line.description or header.description,
        "contact_id": line.contact_id,
        "contact_company_no": line.contact_company_no,
        "salesperson_code": line.salesperson_code,
        "campaign_no": line.campaign_no,
        "segment_no": header.no,
        "segment_description": line.description or header.description,
        "sales_cycle_code": cycle,
        "creation_date": today,
        "status": "not_started",
    }


def create_tasks(
    sessions: Sessions,
    segment_no: str,
    *,
    type: str,
    date: dt.date | str,
    description: str,
    salesperson_code: str | None = None,
) -> FollowUpResult:
    """S14 (reference §2.16 tasks for a segment): an organizer task per line with a contact,
    with its attendees — the salesperson organizing it and the contact, invited when the
    contact has an e-mail address. The salesperson is the one given, else the line's; the
    date is a date or its `YYYY-MM-DD` text."""
    task_date = as_date(date, field="date")
    if task_date is None:
        raise Invalid(N_("You must fill in the Date field."), where="date")
    kind = (type or "").strip().lower()
    if kind not in TASK_TYPES:
        raise Invalid(
            N_("type must be one of meeting, phone_call or blank, got {type!r}", type=type)
        )
    if not description.strip():
        raise Invalid(N_("You must fill in the Description field."), field="description")
    TEXT_LENGTH.check("description", description.strip(), length_of(Task, "description"))
    given = (salesperson_code or "").strip().upper()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if given and session.get(Salesperson, given) is None:
            raise does_not_exist(
                N_("Salesperson/Purchaser"), (CODE_FIELD, given), field="salesperson_code"
            )
        if not given:
            _check_line_salespeople(session, header)

        task = {"type": kind, "description": description.strip(), "date": task_date}

        def build(no: str, line: Any) -> list[tuple[Any, dict[str, Any]]]:
            return _task_rows(no, line, header=header, task=task, salesperson=given)

        return _create(session, header, "task_nos", build, what=N_("tasks"))


def _task_rows(
    no: str, line: Any, *, header: SegmentHeader, task: dict[str, Any], salesperson: str
) -> list[tuple[Any, dict[str, Any]]]:
    """An organizer task for the line's contact and its two attendees: the organizing
    salesperson and the contact (invited when it has an e-mail address)."""
    organizer = salesperson or line.salesperson_code
    row = {
        **task,
        "no": no,
        "contact_id": line.contact_id,
        "contact_company_no": line.contact_company_no,
        "salesperson_code": organizer,
        "campaign_no": line.campaign_no,
        "segment_no": header.no,
        "organizer_task_no": no,
        "system_task_type": "organizer",
        "status": "not_started",
        "closed": False,
    }
    attendees = [
        ("to_do_organizer", "salesperson", organizer, False),
        ("required", "contact", line.contact_no, bool(line.email)),
    ]
    return [(Task, row)] + [
        (
            TaskAttendee,
            {
                "task_no": no,
                "line_no": 10000 * index,
                "attendance_type": attendance,
                "attendee_type": kind,
                "attendee_no": attendee,
                "send_invitation": invite,
            },
        )
        for index, (attendance, kind, attendee, invite) in enumerate(attendees, start=1)
    ]


def _check_line_salespeople(session: Session, header: SegmentHeader) -> None:
    line_no = session.scalar(
        select(SegmentLine.line_no)
        .where(
            on_segment(header.id),
            SegmentLine.contact_id.is_not(None),
            SegmentLine.salesperson_code == "",
        )
        .order_by(SegmentLine.line_no)
        .limit(1)
    )
    if line_no is not None:
        raise Invalid(
            N_(
                "Salesperson Code must have a value in Segment Line: Segment No.={no}, Line "
                "No.={line_no}. Give one with the salesperson option.",
                no=header.no,
                line_no=line_no,
            ),
            field="salesperson_code",
        )


def get_opportunities(
    sessions: Sessions, *, segment_no: str | None = None
) -> list[OpportunityRead]:
    """S14: every opportunity (or those of one segment), by no."""
    columns = [c for c in table_of(Opportunity).c if c.name != "contact_id"]
    query = select(Contact.no.label("contact_no"), *columns).outerjoin(
        Contact, Contact.id == Opportunity.contact_id
    )
    if segment_no:
        query = query.where(Opportunity.segment_no == segment_no.strip().upper())
    with reading(sessions) as session:
        rows = session.execute(query.order_by(Opportunity.no)).all()
    return [
        OpportunityRead(**{**row._asdict(), "contact_no": row.contact_no or ""}) for row in rows
    ]


def get_tasks(sessions: Sessions, *, segment_no: str | None = None) -> list[TaskRead]:
    """S14: every task (or those of one segment), by no."""
    columns = [c for c in table_of(Task).c if c.name != "contact_id"]
    query = select(Contact.no.label("contact_no"), *columns).outerjoin(
        Contact, Contact.id == Task.contact_id
    )
    if segment_no:
        query = query.where(Task.segment_no == segment_no.strip().upper())
    with reading(sessions) as session:
        rows = session.execute(query.order_by(Task.no)).all()
    return [TaskRead(**{**row._asdict(), "contact_no": row.contact_no or ""}) for row in rows]
