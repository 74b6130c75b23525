"""What the contact use cases return (K1, K2, X7): the contact with every field of SPEC §5,
and its card with what is kept about it, its latest interactions and its consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Assigned:
    """One assignment of a contact: the code, its description and the link's own fields."""

    relation: str
    code: str
    description: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContactRead:
    """A contact with every field of SPEC §5, in the order of the contact card."""

    no: str
    name: str
    search_name: str
    type: str
    company_no: str
    company_name: str
    address: str
    post_code: str
    city: str
    county: str
    country: str
    territory: str
    salesperson: str
    language: str
    email: str
    phone: str
    mobile: str
    correspondence_type: str
    excluded: bool
    privacy_blocked: bool
    job_title: str
    organizational_level: str
    vat_no: str
    salutation: str
    created: dt.date | None


READ_FIELDS = tuple(f.name for f in fields(ContactRead))


@dataclass(frozen=True)
class AltAddressRead:
    """One alternate address of the contact (K1)."""

    code: str
    company_name: str
    address: str
    post_code: str
    city: str
    country: str
    email: str
    phone: str


@dataclass(frozen=True)
class InteractionRead:
    """One interaction log entry of the contact, as its card lists the latest (K1)."""

    entry_no: int
    date: dt.date | None
    interaction_template_code: str
    description: str
    segment_no: str
    correspondence_type: str
    canceled: bool


@dataclass(frozen=True)
class ContactCard(ContactRead):
    """The contact with what is kept about it and its latest interactions."""

    mailing_groups: tuple[Assigned, ...]
    industry_groups: tuple[Assigned, ...]
    business_relations: tuple[Assigned, ...]
    job_responsibilities: tuple[Assigned, ...]
    web_sources: tuple[Assigned, ...]
    profile_answers: tuple[Assigned, ...]
    alt_addresses: tuple[AltAddressRead, ...]
    recent_interactions: tuple[InteractionRead, ...]
    opted_out: tuple[str, ...]  # X7: the correspondence types it opted out of
