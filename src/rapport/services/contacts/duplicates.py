"""Duplicate contact search (K5): BC's duplicate search, with the comparisons of
`domain.duplicates` and the weights and minimum score of the marketing setup.

The contacts stream once through a server-side cursor; each distinct name, address, phone
and VAT no. is normalised once (`_Normalised`: the contact base repeats them) and each
distinct normalised name and address gets a number. Each contact's values as compared, and
those numbers, go into a temporary table in chunks (plain tuples on the driver's
executemany), and one INSERT … SELECT per kind of key builds every contact's blocking keys
from them in SQL. One query then pairs the holders of every key that two to `MAX_BLOCK`
contacts share, each pair once, answers whether their e-mail, phone and VAT no. are the
same, and streams back numbers only; a chunk of pairs is scored at once, the similarity of
each distinct pair of names (and of addresses) computed once with rapidfuzz's `cpdist`;
only the pairs found are looked up by number and name. Memory holds a chunk, the distinct
names and addresses and the duplicates found, never the contact base, and the pairs
compared grow with the blocks, not with the square of the contacts."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    Result,
    String,
    Table,
    and_,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from rapport.domain import duplicates as rules
from rapport.errors import Invalid
from rapport.storage.db import Sessions, analyze, reading
from rapport.storage.tables import Contact, MarketingSetup, table_of

CHUNK = 5_000
PAIRS_CHUNK = 20_000
NAMES_CACHED = 50_000
COMPARED = ("type", "name", "email", "phone", "vat_no", "address", "post_code")
VALUES = (*(f.name for f in fields(rules.Compared)), "words", "start")
NUMBERS = ("name_no", "address_no")


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


def _tables() -> tuple[Table, Table]:
    """The blocking keys of every contact, and its values as compared (both temporary)."""
    metadata = MetaData()
    keys = Table(
        "duplicate_keys",
        metadata,
        Column("key", String(250), nullable=False),
        Column("contact_id", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )
    values = Table(
        "duplicate_values",
        metadata,
        Column("contact_id", Integer, primary_key=True),
        *(Column(name, String(250), nullable=False) for name in VALUES),
        *(Column(name, Integer, nullable=False) for name in NUMBERS),
        prefixes=["TEMPORARY"],
    )
    return keys, values


def _writer(session: Session, table: Table) -> Callable[[list[tuple[Any, ...]]], None]:
    """An executemany of plain tuples on the driver's cursor: a million rows without a
    statement compiled per row."""
    marker = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(column.name for column in table.columns)
    places = ", ".join(marker for _ in table.columns)
    statement = f"INSERT INTO {table.name} ({columns}) VALUES ({places})"  # noqa: S608 (names from code)
    connection = session.connection()

    def write(rows: list[tuple[Any, ...]]) -> None:
        if rows:
            connection.exec_driver_sql(statement, rows)

    return write


class _Normalised:
    """Each distinct value normalised once (the contact base repeats its names, addresses
    and phone numbers), and each distinct normalised name and address numbered, so that a
    pair's similarity is computed once per pair of values and only numbers travel back from
    the pairs query. Held for one search."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.addresses: list[str] = []
        self._numbers: tuple[dict[str, int], dict[str, int]] = ({}, {})
        # Names repeat less than addresses: a bounded cache keeps the memory flat (≤ 300 MB
        # at a million contacts, SPEC §9).
        self.name = functools.lru_cache(maxsize=NAMES_CACHED)(self._name)
        self.address = functools.cache(self._address)
        self.phone = functools.cache(rules.normal_phone)
        self.vat_no = functools.cache(rules.normal_vat_no)

    def forget(self) -> None:
        """Drop what only the normalising needs; the numbered values stay, to be scored."""
        for cached in (self.name, self.address, self.phone, self.vat_no):
            cached.cache_clear()
        for numbers in self._numbers:
            numbers.clear()

    def _number(self, kind: int, value: str) -> int:
        numbers, values = self._numbers[kind], (self.names, self.addresses)[kind]
        if value not in numbers:
            numbers[value] = len(values)
            values.append(value)
        return numbers[value]

    def _name(self, raw: str) -> tuple[str, str, int]:
        name = rules.normal_name(raw)
        return name, rules.name_words(name), self._number(0, name)

    def _address(self, raw: str, post_code: str) -> tuple[str, int]:
        address = rules.normal_address(raw, post_code)
        return address, self._number(1, address)

    def row(self, row: Any) -> tuple[Any, ...]:
        """A contact's row as it goes into the values table: its id, its values as compared,
        the parts of its keys (as `rules.compared` and `rules.key_parts` give them) and the
        numbers of its name and address."""
        kind, name, email, phone, vat_no, address, post_code = (value or "" for value in row[1:])
        name, words, name_no = self.name(name)
        address, address_no = self.address(address, post_code)
        values = (kind, name, rules.normal_email(email), self.phone(phone), self.vat_no(vat_no))
        start = rules.name_start(name, address)
        return (row[0], *values, address, words, start, name_no, address_no)


def _keys(values: Table) -> list[tuple[Any, Any]]:
    """`rules.blocking_keys` in SQL: (key, contact id) of every key each contact holds."""
    v = values.c
    initial = func.substr(v.name, 1, 1, type_=String)
    kinds = (
        ("e:", v.email, v.email),
        ("v:", v.vat_no, v.vat_no),
        ("n:", v.words, v.words),
        ("p:", v.phone, initial + ":" + v.phone),
        ("a:", v.address, initial + ":" + v.address),
        ("s:", v.start, v.start),
    )
    return [
        (func.substr(func.substr(v.type, 1, 1, type_=String) + "|" + kind + key, 1, 250), given)
        for kind, given, key in kinds
    ]


def _fill(session: Session, keys: Table, values: Table) -> _Normalised:
    contacts = table_of(Contact)
    query = select(contacts.c.id, *(contacts.c[name] for name in COMPARED))
    write_values = _writer(session, values)
    normalised = _Normalised()
    rows = session.execute(query, execution_options={"yield_per": CHUNK})
    for chunk in rows.partitions():
        write_values([normalised.row(row) for row in chunk])
    normalised.forget()
    for key, given in _keys(values):
        session.execute(
            insert(keys).from_select(
                ["key", "contact_id"], select(key, values.c.contact_id).where(given != "")
            )
        )
    # Indexed once filled: one sort instead of a million index updates.
    Index("ix_duplicate_keys_key", keys.c.key, keys.c.contact_id).create(session.connection())
    analyze(session, keys.name, values.name)
    return normalised


def _pairs(session: Session, keys: Table, values: Table) -> Result[Any]:
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
    one, other = values.alias("one"), values.alias("other")
    # Whether a value is given and the same is answered here, in the query; only the numbers
    # of the names and the addresses, compared by similarity, travel to be scored.
    same = [
        and_(one.c[key] != "", one.c[key] == other.c[key]).label(f"same_{key}")
        for key in ("email", "phone", "vat_no")
    ]
    query = (
        select(pairs.c.first, pairs.c.second, one.c.name_no, other.c.name_no, one.c.address_no)
        .add_columns(other.c.address_no, *same)
        .select_from(pairs)
        .join(one, one.c.contact_id == pairs.c.first)
        .join(other, other.c.contact_id == pairs.c.second)
    )
    return session.execute(query, execution_options={"yield_per": PAIRS_CHUNK})


def _scored(
    session: Session,
    tables: tuple[Table, Table],
    normalised: _Normalised,
    settings: rules.Weights,
    floor: int,
) -> tuple[int, list[tuple[int, int, int, tuple[str, ...]]]]:
    """The pairs compared, and (score, first id, second id, reasons) of those from `floor`,
    scored a chunk of pairs at once."""
    compared, found = 0, list[tuple[int, int, int, tuple[str, ...]]]()
    for rows in _pairs(session, *tables).partitions():
        flat = itertools.chain.from_iterable(rows)
        table = np.fromiter(flat, dtype=np.int64, count=9 * len(rows)).reshape(len(rows), 9)
        names = _similar(normalised.names, table[:, 2], table[:, 3])
        addresses = _similar(normalised.addresses, table[:, 4], table[:, 5])
        compared += len(rows)
        found.extend(
            (points, int(table[row, 0]), int(table[row, 1]), reasons)
            for row, points, reasons in rules.rated(
                names, addresses, table[:, 6:].astype(np.bool_), settings, floor
            )
        )
    return compared, found


def _similar(values: list[str], left: Any, right: Any) -> Any:
    """`rules.similarity` of each pair of numbered values, computed once per distinct pair."""
    codes = left * len(values) + right
    distinct, where = np.unique(codes, return_inverse=True)
    firsts, seconds = np.divmod(distinct, len(values))
    ratios = rules.similarity(
        [values[i] for i in firsts.tolist()], [values[i] for i in seconds.tolist()]
    )
    return ratios[where.reshape(-1)]


def _named(
    session: Session, found: list[tuple[int, int, int, tuple[str, ...]]]
) -> list[DuplicatePair]:
    contacts = table_of(Contact)
    ids = sorted({contact_id for _, first, second, _ in found for contact_id in (first, second)})
    names: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(contacts.c.id, contacts.c.no, contacts.c.name, contacts.c.type).where(
            contacts.c.id.in_(ids[start : start + CHUNK])
        )
        names.update((row[0], (row[1], row[2], row[3])) for row in session.execute(query))
    return [
        DuplicatePair(points, *names[first][:2], *names[second][:2], names[first][2], reasons)
        for points, first, second, reasons in found
    ]


def find_duplicates(sessions: Sessions, *, min_score: int | None = None) -> DuplicateSearch:
    """K5: the pairs of contacts of one type that score at least `min_score` (default: the
    marketing setup's), best first, each with the values that matched."""
    if min_score is not None and not 0 <= min_score <= 100:
        raise Invalid("must be between 0 and 100", field="min_score")
    with reading(sessions) as session:
        settings = weights(session)
        floor = settings.min_score if min_score is None else min_score
        keys, values = _tables()
        keys.metadata.create_all(session.connection())
        normalised = _fill(session, keys, values)
        compared, found = _scored(session, (keys, values), normalised, settings, floor)
        pairs = _named(session, found)
        keys.metadata.drop_all(session.connection())
    pairs.sort(key=lambda pair: (-pair.score, pair.contact_no, pair.duplicate_no))
    return DuplicateSearch(floor, compared, tuple(pairs))


PAIR_FIELDS = tuple(f.name for f in fields(DuplicatePair))
