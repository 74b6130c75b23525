"""Duplicate contact search (K5): BC's duplicate search, with the comparisons of
`domain.duplicates` and the weights and minimum score of the marketing setup.

The contacts stream once through a server-side cursor; each one's blocking keys go into a
temporary table in chunks. One query then pairs the holders of every key that two to
`MAX_BLOCK` contacts share, each pair once, and streams them back with both contacts'
values to be scored. Memory holds a chunk and the duplicates found, never the contact
base, and the pairs compared grow with the blocks, not with the square of the contacts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.orm import Session

from rapport.domain import duplicates as rules
from rapport.errors import Invalid
from rapport.storage.db import Sessions, analyze, reading
from rapport.storage.tables import Contact, MarketingSetup, table_of

CHUNK = 5_000
COMPARED = ("type", "name", "email", "phone", "vat_no", "address", "post_code")


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that are likely one: the score and the values that matched."""

    score: int
    contact_no: str
    contact_name: str
    duplicate_no: str
    duplicate_name: str
    type: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateSearch:
    """The pairs scoring at least `min_score`, best first; `compared`: the pairs scored."""

    min_score: int
    compared: int
    pairs: tuple[DuplicatePair, ...]


def weights(session: Session) -> rules.Weights:
    """The duplicate search settings of the marketing setup."""
    setup = session.scalars(select(MarketingSetup)).one()
    return rules.Weights(
        name=setup.duplicate_name_weight,
        email=setup.duplicate_email_weight,
        phone=setup.duplicate_phone_weight,
        vat_no=setup.duplicate_vat_no_weight,
        address=setup.duplicate_address_weight,
        min_score=setup.duplicate_min_score,
    )


def _keys_table() -> Table:
    return Table(
        "duplicate_keys",
        MetaData(),
        Column("key", String(250), nullable=False),
        Column("contact_id", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )


def _compared(row: Any, offset: int = 0) -> rules.Compared:
    values = dict(zip(COMPARED, row[offset : offset + len(COMPARED)], strict=True))
    return rules.compared(**{name: value or "" for name, value in values.items()})


def _fill_keys(session: Session, keys: Table) -> None:
    contacts = table_of(Contact)
    query = select(contacts.c.id, *(contacts.c[name] for name in COMPARED))
    rows = session.execute(query, execution_options={"yield_per": CHUNK})
    for chunk in rows.partitions():
        batch = [
            {"key": key[:250], "contact_id": row[0]}
            for row in chunk
            for key in rules.blocking_keys(_compared(row, 1))
        ]
        if batch:
            session.execute(insert(keys), batch)
    # Indexed once filled: one sort instead of a million index updates.
    Index("ix_duplicate_keys_key", keys.c.key, keys.c.contact_id).create(session.connection())
    analyze(session, keys.name)


def _pairs(session: Session, keys: Table) -> Iterator[Any]:
    """Each pair of contacts sharing a useful key, once, with both contacts' values."""
    blocks = (
        select(keys.c.key)
        .group_by(keys.c.key)
        .having(func.count().between(2, rules.MAX_BLOCK))
        .subquery("blocks")
    )
    a, b = keys.alias("a"), keys.alias("b")
    pairs = (
        select(a.c.contact_id.label("first"), b.c.contact_id.label("second"))
        .select_from(a)
        .join(blocks, blocks.c.key == a.c.key)
        .join(b, (b.c.key == a.c.key) & (b.c.contact_id > a.c.contact_id))
        .distinct()
        .subquery("pairs")
    )
    one, other = table_of(Contact).alias("one"), table_of(Contact).alias("other")
    query = (
        select(
            *(one.c[name] for name in COMPARED),
            *(other.c[name] for name in COMPARED),
            one.c.no,
            other.c.no,
        )
        .select_from(pairs)
        .join(one, one.c.id == pairs.c.first)
        .join(other, other.c.id == pairs.c.second)
    )
    return iter(session.execute(query, execution_options={"yield_per": CHUNK}))


def find_duplicates(sessions: Sessions, *, min_score: int | None = None) -> DuplicateSearch:
    """K5: the pairs of contacts of one type that score at least `min_score` (default: the
    marketing setup's), best first, each with the values that matched."""
    if min_score is not None and not 0 <= min_score <= 100:
        raise Invalid("must be between 0 and 100", field="min_score")
    with reading(sessions) as session:
        settings = weights(session)
        floor = settings.min_score if min_score is None else min_score
        keys = _keys_table()
        keys.create(session.connection())
        _fill_keys(session, keys)
        found: list[DuplicatePair] = []
        compared = 0
        width = len(COMPARED)
        for row in _pairs(session, keys):
            compared += 1
            points, reasons = rules.score(_compared(row), _compared(row, width), settings)
            if points >= floor:
                found.append(
                    DuplicatePair(points, row[-2], row[1], row[-1], row[width + 1], row[0], reasons)
                )
        keys.drop(session.connection())
    found.sort(key=lambda pair: (-pair.score, pair.contact_no, pair.duplicate_no))
    return DuplicateSearch(floor, compared, tuple(found))


PAIR_FIELDS = tuple(f.name for f in fields(DuplicatePair))
