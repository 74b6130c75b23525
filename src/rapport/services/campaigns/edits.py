"""Changing a campaign's fields by name (C1): `rapport campaign set CP FIELD=VALUE…`.

Fields are checked as the import checks a campaign file's cells (`transfer.tables`), the
codes they name must exist, and the dates keep BC's rule (starting ≤ ending) once every
given field is applied.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select

from rapport.errors import N_, NO_FIELD, does_not_exist
from rapport.services._versions import check_version
from rapport.services.campaigns.cards import CampaignRead, _campaigns, _read, as_code, check_dates
from rapport.services.setup.records import check_references, convert
from rapport.services.transfer.tables import TABLES
from rapport.storage.db import Sessions
from rapport.storage.tables import Campaign

EDITABLE = ("description", "starting_date", "ending_date", "salesperson_code", "status_code")


def set_campaign(
    sessions: Sessions,
    no: str,
    *,
    values: Sequence[tuple[str, str]],
    expected_version: Collection[str] | None = None,
) -> CampaignRead:
    """C1: change the campaign's fields in the order given; returns it with its totals.
    With `expected_version`, the campaign must still be at one of those versions (else
    Stale, nothing changed)."""
    key = as_code(no, field="no")
    spec = TABLES["campaigns"]
    given = convert(spec, values, editable=EDITABLE)
    with sessions.begin() as session:
        campaign = session.scalars(
            select(Campaign).where(Campaign.no == key).with_for_update()
        ).one_or_none()
        if campaign is None:
            raise does_not_exist(N_("Campaign"), (NO_FIELD, key))
        check_version(campaign, expected_version, what=N_("campaign"))
        check_references(session, spec, given)
        for name, value in given.items():
            setattr(campaign, name, value)
        check_dates(campaign.starting_date, campaign.ending_date)
        session.flush()
        return _read(session.execute(_campaigns().where(Campaign.no == key)).one())
