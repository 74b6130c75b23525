"""The marketing setup (SPEC §2 Setup, §6.1): number series, defaults and inheritance.

One row, filled in when the database is created. Its fields are set by name, each checked
as an import cell is and every code it names required to exist; the duplicate search's
weights are zero or more and its minimum score is from 1 to 100, as BC's Search Hit % (the
`NumberRange` rules of domain/rules.py). The six `inherit_…` flags
are Business Central's Marketing Setup → Inheritance: what a person takes from its company
(`services/contacts/inheritance.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import select

from rapport.errors import N_
from rapport.services._versions import Versioned, check_version, version_of
from rapport.services.setup.records import check_references, convert, editable_fields
from rapport.services.transfer.tables import TableSpec, spec_for
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    Language,
    MarketingSetup,
    NumberSeries,
    SalesCycle,
    Salesperson,
    Salutation,
)

SERIES = ("contact_nos", "segment_nos", "campaign_nos", "opportunity_nos", "task_nos")


@dataclass(frozen=True)
class SetupRead:
    """The marketing setup, field by field (snake_case of BC's field names)."""

    contact_nos: str
    segment_nos: str
    campaign_nos: str
    opportunity_nos: str
    task_nos: str
    default_language_code: str
    default_correspondence_type: str
    default_salutation_code: str
    default_sales_cycle_code: str
    default_salesperson_code: str
    inherit_salesperson_code: bool
    inherit_territory_code: bool
    inherit_country_region_code: bool
    inherit_language_code: bool
    inherit_address_details: bool
    inherit_communication_details: bool
    duplicate_name_weight: int
    duplicate_email_weight: int
    duplicate_phone_weight: int
    duplicate_vat_no_weight: int
    duplicate_address_weight: int
    duplicate_min_score: int


def setup_spec() -> TableSpec:
    return spec_for(
        MarketingSetup,
        *(((name,), NumberSeries, ("code",)) for name in SERIES),
        (("default_language_code",), Language, ("code",)),
        (("default_salutation_code",), Salutation, ("code",)),
        (("default_sales_cycle_code",), SalesCycle, ("code",)),
        (("default_salesperson_code",), Salesperson, ("code",)),
    )


def _read(setup: MarketingSetup) -> SetupRead:
    return SetupRead(**{f.name: getattr(setup, f.name) for f in fields(SetupRead)})


def get(sessions: Sessions) -> SetupRead:
    """The marketing setup."""
    return get_versioned(sessions).value


def get_versioned(sessions: Sessions) -> Versioned[SetupRead]:
    """The marketing setup, and the version a change of it names (`set_setup`)."""
    with reading(sessions) as session:
        setup = session.scalars(select(MarketingSetup)).one()
        return Versioned(_read(setup), version_of(setup))


def set_setup(
    sessions: Sessions,
    *,
    values: Sequence[tuple[str, str]],
    expected_version: Collection[str] | None = None,
) -> SetupRead:
    """Change marketing setup fields in the order given (e.g. `inherit_language_code=false`,
    `default_salesperson_code=JO`); a code must exist, a number be within its range (a
    duplicate search weight zero or more, K5). Returns the setup after the change.
    With `expected_version`, the setup must still be at one of those versions (else Stale,
    nothing changed)."""
    spec = setup_spec()
    given = convert(spec, values, editable=editable_fields(spec))
    with sessions.begin() as session:
        setup = session.scalars(select(MarketingSetup).with_for_update()).one()
        check_version(setup, expected_version, what=N_("marketing setup"))
        check_references(session, spec, given)
        for name, value in given.items():
            setattr(setup, name, value)
        session.flush()
        return _read(setup)
