"""The contact card (K1, K2, X7), read through SQLAlchemy Core.

`get` is the one use case: the contact with every field, its assignments (a person shows
its company's industry groups and business relations), alternate addresses, latest
interactions and consent. It reads the Core tables of `storage.schema` on one reading
connection and imports no ORM, so `rapport contacts show` starts without it (SPEC §9); the
API and the web call it with their sessionmaker, the command line with its engine.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select

from rapport.errors import N_, NO_FIELD, does_not_exist
from rapport.services.contacts._relations import assignments
from rapport.services.contacts.results import (
    READ_FIELDS,
    AltAddressRead,
    ContactCard,
    InteractionRead,
)
from rapport.storage import schema
from rapport.storage.db import reading_connection

if TYPE_CHECKING:
    from rapport.storage.db import Sessions

RECENT_INTERACTIONS = 10


def get(database: Sessions | Engine, no: str) -> ContactCard:
    """K1/K2: the contact card — the contact, its assignments (a person shows its company's
    industry groups and business relations), alternate addresses, latest interactions, and
    its consent (X7: opt-outs, privacy blocked)."""
    contacts = schema.contacts
    key = no.strip().upper()
    with reading_connection(database) as connection:
        contact = connection.execute(
            select(
                contacts.c.id, contacts.c.company_id, *(contacts.c[n] for n in READ_FIELDS)
            ).where(contacts.c.no == key)
        ).one_or_none()
        if contact is None:
            raise does_not_exist(N_("Contact"), (NO_FIELD, key))
        assigned = assignments(
            connection, contact.id, type=contact.type, company_id=contact.company_id
        )
        return ContactCard(
            **{name: contact._mapping[name] for name in READ_FIELDS},
            mailing_groups=assigned["mailing_group"],
            industry_groups=assigned["industry_group"],
            business_relations=assigned["business_relation"],
            job_responsibilities=assigned["job_responsibility"],
            web_sources=assigned["web_source"],
            profile_answers=assigned["profile"],
            alt_addresses=_alt_addresses(connection, contact.id),
            recent_interactions=_interactions(connection, contact.id),
            opted_out=opted_out_of(connection, contact.id),
        )


def opted_out_of(connection: Connection, contact_id: int) -> tuple[str, ...]:
    """The correspondence types the contact opted out of (X7), in order."""
    table = schema.contact_opt_outs
    return tuple(
        connection.scalars(
            select(table.c.correspondence_type)
            .where(table.c.contact_id == contact_id)
            .order_by(table.c.correspondence_type)
        )
    )


def _alt_addresses(connection: Connection, contact_id: int) -> tuple[AltAddressRead, ...]:
    names = [f.name for f in fields(AltAddressRead)]
    table = schema.contact_alt_addresses
    rows = connection.execute(
        select(*(table.c[n] for n in names))
        .where(table.c.contact_id == contact_id)
        .order_by(table.c.code)
    )
    return tuple(AltAddressRead(**row._mapping) for row in rows)


def _interactions(connection: Connection, contact_id: int) -> tuple[InteractionRead, ...]:
    names = [f.name for f in fields(InteractionRead)]
    table = schema.interaction_log_entries
    rows = connection.execute(
        select(*(table.c[n] for n in names))
        .where(table.c.contact_id == contact_id)
        .order_by(table.c.date.desc(), table.c.entry_no.desc())
        .limit(RECENT_INTERACTIONS)
    )
    return tuple(InteractionRead(**row._mapping) for row in rows)
