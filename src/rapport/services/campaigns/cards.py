"""Campaigns (C1–C3): create and read campaigns with their totals, their entries, their
statuses, and activation / deactivation of their target groups (reference §1.11, §2.15).

Totals are Business Central's FlowFields over the campaign's interaction log entries that
are neither canceled nor postponed: target contacts contacted (entries with *campaign
target*), contacts responded (*campaign response*), cost and duration. Activation builds
the target groups from the campaign's target segment lines and target interactions in one
INSERT … SELECT; with the fix of SPEC §4 a target group's key is always the company's
(its customer when the company has a business relation linked to a customer), the same
key the removal of a line looks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.domain.dates import as_date
from rapport.domain.rules import CAMPAIGN_CODES, CAMPAIGN_DATES, CodeExists
from rapport.errors import N_, NO_FIELD, Conflict, Invalid, does_not_exist, text_of
from rapport.services._versions import Versioned, version_of
from rapport.storage.db import Sessions, reading
from rapport.storage.number_series import manual_no_allowed, next_no, setup_series
from rapport.storage.search import contains
from rapport.storage.tables import (
    Campaign,
    CampaignEntry,
    CampaignStatus,
    CampaignTargetGroup,
    InteractionLogEntry,
    Salesperson,
    table_of,
)

ILE = InteractionLogEntry


@dataclass(frozen=True)
class CampaignRead:
    no: str
    description: str
    starting_date: dt.date | None
    ending_date: dt.date | None
    salesperson_code: str
    status_code: str
    target_contacts_contacted: int
    contacts_responded: int
    cost: Decimal
    duration: Decimal
    no_of_entries: int
    activated: bool


@dataclass(frozen=True)
class CampaignEntryRead:
    entry_no: int
    campaign_no: str
    description: str
    date: dt.date | None
    user_id: str
    segment_no: str
    canceled: bool
    salesperson_code: str
    register_no: int
    document_type: str
    no_of_interactions: int
    cost: Decimal
    duration: Decimal


@dataclass(frozen=True)
class CampaignStatusRead:
    code: str
    description: str


def as_code(value: str, *, length: int = 20, field: str = "code") -> str:
    """A code as BC stores it (trimmed, upper-case); Invalid when too long."""
    try:
        return normalize_code(value, length=length, field=field)
    except ValueError as exc:
        raise Invalid(text_of(exc), field=field) from exc


def check_dates(starting_date: dt.date | None, ending_date: dt.date | None) -> None:
    """BC's Campaign rule, declared in `domain.rules`: the starting date may not be after
    the ending date."""
    CAMPAIGN_DATES.check({"starting_date": starting_date, "ending_date": ending_date})


def _check(session: Session, model: Any, code: str, field: str) -> str:
    """The campaign's `CodeExists` rule on `field` (the import checks it too)."""
    rule: CodeExists = next(r for r in CAMPAIGN_CODES if r.field == field)
    rule.check(code, exists=not code or session.get(model, code) is not None)
    return code


def create_campaign(
    sessions: Sessions,
    *,
    description: str,
    starting_date: dt.date | str | None = None,
    ending_date: dt.date | str | None = None,
    salesperson_code: str = "",
    status_code: str = "",
    no: str = "",
) -> str:
    """C1: a campaign numbered from the campaign series (or a manual `no` where the series
    allows it); the dates are dates or their `YYYY-MM-DD` text, and the starting date may
    not be after the ending date. Returns its no."""
    starting_date = as_date(starting_date, field="starting_date")
    ending_date = as_date(ending_date, field="ending_date")
    check_dates(starting_date, ending_date)
    salesperson = as_code(salesperson_code, field="salesperson_code")
    status = as_code(status_code, length=10, field="status_code")
    with sessions.begin() as session:
        _check(session, Salesperson, salesperson, "salesperson_code")
        _check(session, CampaignStatus, status, "status_code")
        series = setup_series(session, "campaign_nos")
        manual = bool(no.strip())
        if manual:
            no = as_code(no, field="no")
            manual_no_allowed(session, series)
            if session.get(Campaign, no) is not None:
                raise Conflict(N_("Campaign {no} already exists.", no=no))
        else:
            no = next_no(session, series, Campaign.no)
        session.add(
            Campaign(
                no=no,
                description=description.strip(),
                starting_date=starting_date,
                ending_date=ending_date,
                salesperson_code=salesperson,
                status_code=status,
                no_series="" if manual else series,
            )
        )
    return no


def _totals() -> Any:
    counted = and_(ILE.canceled == false(), ILE.postponed == false())
    return (
        select(
            ILE.campaign_no.label("campaign_no"),
            func.sum(case((ILE.campaign_target, 1), else_=0)).label("targets"),
            func.sum(case((ILE.campaign_response, 1), else_=0)).label("responses"),
            func.sum(ILE.cost).label("cost"),
            func.sum(ILE.duration).label("duration"),
        )
        .where(counted, ILE.campaign_no != "")
        .group_by(ILE.campaign_no)
        .subquery()
    )


def _campaigns() -> Select[Any]:
    totals = _totals()
    entries = (
        select(func.count())
        .where(CampaignEntry.campaign_no == Campaign.no)
        .correlate(Campaign)
        .scalar_subquery()
    )
    activated = exists().where(CampaignTargetGroup.campaign_no == Campaign.no)
    return (
        select(
            Campaign.no,
            Campaign.description,
            Campaign.starting_date,
            Campaign.ending_date,
            Campaign.salesperson_code,
            Campaign.status_code,
            func.coalesce(totals.c.targets, 0).label("target_contacts_contacted"),
            func.coalesce(totals.c.responses, 0).label("contacts_responded"),
            func.coalesce(totals.c.cost, 0).label("cost"),
            func.coalesce(totals.c.duration, 0).label("duration"),
            entries.label("no_of_entries"),
            activated.label("activated"),
        )
        .outerjoin(totals, totals.c.campaign_no == Campaign.no)
        .order_by(Campaign.no)
    )


def _read(row: Any) -> CampaignRead:
    values = row._asdict()
    values["cost"] = Decimal(values["cost"])
    values["duration"] = Decimal(values["duration"])
    values["activated"] = bool(values["activated"])
    for name in ("target_contacts_contacted", "contacts_responded", "no_of_entries"):
        values[name] = int(values[name])
    return CampaignRead(**values)


def get_all(sessions: Sessions, *, search: str | None = None) -> list[CampaignRead]:
    """C2: every campaign with its totals, by no.; `search` keeps those whose no. or
    description contains it."""
    query = _campaigns().where(contains(search, Campaign.no, Campaign.description))
    with reading(sessions) as session:
        return [_read(row) for row in session.execute(query)]


def get(sessions: Sessions, no: str) -> CampaignRead:
    """C2: one campaign with its totals."""
    return get_versioned(sessions, no).value


def get_versioned(sessions: Sessions, no: str) -> Versioned[CampaignRead]:
    """C2: one campaign with its totals, and the version of its fields that a change names
    (`edits.set_campaign`)."""
    key = as_code(no, field="no")
    with reading(sessions) as session:
        row = session.execute(_campaigns().where(Campaign.no == key)).first()
        if row is None:
            raise does_not_exist(N_("Campaign"), (NO_FIELD, key))
        return Versioned(_read(row), version_of(session.get_one(Campaign, key)))


def get_entries(sessions: Sessions, no: str) -> list[CampaignEntryRead]:
    """C2: the campaign's entries (one per logged segment and campaign) with the number, cost
    and duration of their interactions of the same canceled state (BC FlowFields)."""
    key = as_code(no, field="no")
    same = and_(
        ILE.campaign_no == CampaignEntry.campaign_no,
        ILE.campaign_entry_no == CampaignEntry.entry_no,
        ILE.canceled == CampaignEntry.canceled,
    )

    def total(expr: Any) -> Any:
        return select(expr).where(same).correlate(CampaignEntry).scalar_subquery()

    query = (
        select(
            *table_of(CampaignEntry).c,
            total(func.count()).label("no_of_interactions"),
            func.coalesce(total(func.sum(ILE.cost)), 0).label("cost"),
            func.coalesce(total(func.sum(ILE.duration)), 0).label("duration"),
        )
        .where(CampaignEntry.campaign_no == key)
        .order_by(CampaignEntry.entry_no)
    )
    with reading(sessions) as session:
        if session.get(Campaign, key) is None:
            raise does_not_exist(N_("Campaign"), (NO_FIELD, key))
        rows = session.execute(query).all()
    return [
        CampaignEntryRead(
            **{**row._asdict(), "cost": Decimal(row.cost), "duration": Decimal(row.duration)}
        )
        for row in rows
    ]


def create_status(sessions: Sessions, *, code: str, description: str = "") -> CampaignStatusRead:
    """C1: a campaign status (a plain code and description)."""
    key = as_code(code, length=10, field="code")
    if not key:
        raise Invalid(N_("Code must have a value in Campaign Status."), field="code")
    with sessions.begin() as session:
        if session.get(CampaignStatus, key) is not None:
            raise Conflict(N_("Campaign Status {key} already exists.", key=key))
        session.add(CampaignStatus(code=key, description=description))
    return CampaignStatusRead(key, description)


def get_statuses(sessions: Sessions) -> list[CampaignStatusRead]:
    """C1: every campaign status, by code."""
    with reading(sessions) as session:
        rows = session.execute(
            select(CampaignStatus.code, CampaignStatus.description).order_by(CampaignStatus.code)
        ).all()
    return [CampaignStatusRead(row.code, row.description) for row in rows]
