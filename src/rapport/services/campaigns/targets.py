"""Campaign targets (C3, reference §2.15): activating a campaign builds its target groups
from its target segment lines and interactions, deactivating clears them, and while it is
activated the groups follow the segment lines. Groups are keyed by company (a customer's
no. when the company is linked to one) both when added and when removed (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from rapport.domain.enums import TargetGroupType
from rapport.errors import N_, NO_FIELD, Invalid, does_not_exist
from rapport.services.campaigns.cards import as_code
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import (
    Campaign,
    CampaignTargetGroup,
    Contact,
    ContactBusinessRelation,
    InteractionLogEntry,
    SegmentLine,
)

if TYPE_CHECKING:
    from rapport.storage.db import Db

ILE = InteractionLogEntry


NO_TARGETS = (
    "To activate the sales prices and/or line discounts, you must apply the relevant Segment "
    "Line(s) to the Campaign and place a check mark in the Campaign Target field on the "
    "Segment Line."
)


@dataclass(frozen=True)
class ActivationResult:
    campaign_no: str
    target_groups: int
    message: str


def _targets(no: str) -> Any:
    """The companies (company no., or the contact's own no. without a company) of the
    campaign's target segment lines and non-postponed target interactions."""
    line_contact, ile_contact = aliased(Contact), aliased(Contact)
    lines = (
        select(SegmentLine.contact_company_no.label("company_no"), line_contact.no.label("own"))
        .join(line_contact, line_contact.id == SegmentLine.contact_id)
        .where(
            SegmentLine.campaign_no == no,
            SegmentLine.campaign_target == true(),
            on_segment(),
        )
    )
    entries = (
        select(ILE.contact_company_no.label("company_no"), ile_contact.no.label("own"))
        .join(ile_contact, ile_contact.id == ILE.contact_id)
        .where(ILE.campaign_no == no, ILE.campaign_target == true(), ILE.postponed == false())
    )
    found = union_all(lines, entries).subquery()
    return select(
        case((found.c.company_no != "", found.c.company_no), else_=found.c.own).label("company_no")
    ).subquery()


def activate(sessions: Sessions, no: str) -> ActivationResult:
    """C3 (reference §2.15 with the SPEC §4 fix): a target group per company of the
    campaign's target lines and interactions — (customer, customer no.) when the company
    has a business relation linked to a customer, else (contact, company no.) — added in
    one statement, existing ones kept."""
    key = as_code(no, field="no")
    with sessions.begin() as session:
        if session.get(Campaign, key) is None:
            raise does_not_exist(N_("Campaign"), (NO_FIELD, key))
        if not session.scalar(select(func.count()).select_from(_targets(key))):
            raise Invalid(NO_TARGETS)
        count = add_target_groups(session, key)
    return ActivationResult(key, count, f"Campaign {key} is now activated.")


def _target_keys(no: str) -> Any:
    """The (type, no.) target-group keys of the campaign's current targets."""
    found = _targets(no)
    company = aliased(Contact)
    customer_no = (
        select(func.min(ContactBusinessRelation.link_no))
        .join(company, company.id == ContactBusinessRelation.contact_id)
        .where(
            company.no == found.c.company_no,
            func.lower(ContactBusinessRelation.link_to_table) == "customer",
            ContactBusinessRelation.link_no != "",
        )
        .scalar_subquery()
    )
    return (
        select(
            case(
                (customer_no.is_not(None), TargetGroupType.CUSTOMER.value),
                else_=TargetGroupType.CONTACT.value,
            ).label("type"),
            func.coalesce(customer_no, found.c.company_no).label("no"),
        )
        .distinct()
        .subquery()
    )


def add_target_groups(session: Db, no: str) -> int:
    """Insert the missing target groups of the campaign's targets; returns how many."""
    keys = _target_keys(no)
    already = exists().where(
        CampaignTargetGroup.type == keys.c.type,
        CampaignTargetGroup.no == keys.c.no,
        CampaignTargetGroup.campaign_no == no,
    )
    return execute_counted(
        session,
        insert(CampaignTargetGroup).from_select(
            ["type", "no", "campaign_no"],
            select(keys.c.type, keys.c.no, literal(no)).where(~already),
        ),
    )


def sync_target_groups(session: Db, campaign_nos: list[str]) -> None:
    """Reference §2.15 SetCampaignTargetGroup, set-based: for each *activated* campaign,
    segment lines that became targets add their company's target group, and a group whose
    company no longer has a target line or interaction goes — keyed the same way both
    ways (SPEC §4)."""
    for no in campaign_nos:
        groups = select(CampaignTargetGroup.no).where(CampaignTargetGroup.campaign_no == no)
        if not no or session.scalar(groups.limit(1)) is None:
            continue  # not activated
        add_target_groups(session, no)
        keys = _target_keys(no)
        session.execute(
            delete(CampaignTargetGroup).where(
                CampaignTargetGroup.campaign_no == no,
                ~exists().where(
                    keys.c.type == CampaignTargetGroup.type, keys.c.no == CampaignTargetGroup.no
                ),
            )
        )


def deactivate(sessions: Sessions, no: str) -> ActivationResult:
    """C3: remove every target group of the campaign."""
    key = as_code(no, field="no")
    with sessions.begin() as session:
        if session.get(Campaign, key) is None:
            raise does_not_exist(N_("Campaign"), (NO_FIELD, key))
        count = execute_counted(
            session, delete(CampaignTargetGroup).where(CampaignTargetGroup.campaign_no == key)
        )
    return ActivationResult(key, count, f"Campaign {key} is now deactivated.")


def get_target_groups(sessions: Sessions, no: str) -> list[tuple[str, str]]:
    """C3: the campaign's target groups as (type, no.)."""
    key = as_code(no, field="no")
    with reading(sessions) as session:
        rows = session.execute(
            select(CampaignTargetGroup.type, CampaignTargetGroup.no)
            .where(CampaignTargetGroup.campaign_no == key)
            .order_by(CampaignTargetGroup.type, CampaignTargetGroup.no)
        ).all()
    return [(row.type, row.no) for row in rows]
