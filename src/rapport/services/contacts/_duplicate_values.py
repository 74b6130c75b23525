"""The contacts' values as the duplicate search (K5) compares them, numbered.

The contacts stream once through a server-side cursor; each distinct name, address, phone
and VAT no. is normalised once (the contact base repeats them) and numbered, and so is
each part of a blocking key (`rules.blocking_keys`): the words of a name, the start of a
name with its post code, an address. Each contact becomes a row of integers in numpy
columns: the numbers of its values and of its keys' parts. E-mail addresses hardly repeat,
so they are hashed, not numbered; only the holders of a hash held twice are read again
and grouped by the address itself, so a hash that two addresses share changes nothing.
Memory holds a few integers per contact, the distinct names and addresses (to be scored)
and the numbers of the keys' parts, never the contacts' text."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.domain import duplicates as rules
from rapport.storage.tables import Contact, table_of

CHUNK = 5_000
NAMES_CACHED = 50_000
KEY_LENGTH = 250  # a blocking key is compared on its first 250 characters
VALUE_BITS = 40  # a key: its type's number, then the initial of the name, then its value
INITIAL_BITS = 8
COMPARED = ("type", "name", "email", "phone", "vat_no", "address", "post_code")
# The integer columns of a contact, in the order `_Normalised.row` gives them.
COLUMNS = (
    ("ids", np.int64),
    ("type", np.int16),
    ("initial", np.int8),
    ("name", np.int32),
    ("words", np.int32),
    ("start", np.int32),
    ("address", np.int32),
    ("place", np.int32),
    ("phone", np.int32),
    ("vat_no", np.int32),
    ("email", np.int64),
)

Ints = npt.NDArray[np.int64]


@dataclass
class Numbered:
    """Every contact's numbers (one row a contact, in `columns` by `COLUMNS` name; 0: no
    value), the distinct names and addresses by number, and the contacts of each e-mail
    address held more than once (`email_key`: the key's number, -1 without;
    `email_same`: the address's number, 0 without)."""

    columns: dict[str, Any]
    names: list[str]
    addresses: list[str]
    email_key: Ints
    email_same: Any


class _Numbers(dict[str, int]):
    """Each distinct value numbered from 1 in order of appearance; blank is 0."""

    def number(self, value: str) -> int:
        if not value:
            return 0
        found = self.get(value)
        if found is None:
            found = self[value] = len(self) + 1
        return found


class _Normalised:
    """Each distinct value normalised and numbered once; held for one search."""

    def __init__(self) -> None:
        self.names, self.addresses = [""], [""]
        self._named, self._placed = _Numbers(), _Numbers()
        self._parts = {part: _Numbers() for part in ("type", "words", "start", "place")}
        self._phones, self._vat_nos = _Numbers(), _Numbers()
        # Names repeat less than addresses: a bounded cache keeps the memory flat (≤ 300 MB
        # at a million contacts, SPEC §9).
        self.name = functools.lru_cache(maxsize=NAMES_CACHED)(self._name)
        self.address = functools.cache(self._address)
        self.phone = functools.cache(self._phone)
        self.vat_no = functools.cache(self._vat_no)

    def forget(self) -> None:
        """Drop what only the numbering needs; the names and addresses stay, to be scored."""
        for cached in (self.name, self.address, self.phone, self.vat_no):
            cached.cache_clear()
        for numbers in (self._named, self._placed, *self._parts.values()):
            numbers.clear()

    @staticmethod
    def _listed(numbers: _Numbers, values: list[str], value: str) -> int:
        number = numbers.number(value)
        if number == len(values):
            values.append(value)
        return number

    def _name(self, raw: str, limit: int) -> tuple[str, int, int, int]:
        name = rules.normal_name(raw)
        words = self._parts["words"].number(rules.name_words(name)[:limit])
        return name, self._listed(self._named, self.names, name), words, ord(name[:1] or "\0")

    def _address(self, raw: str, post_code: str) -> tuple[str, int]:
        address = rules.normal_address(raw, post_code)
        return address, self._listed(self._placed, self.addresses, address)

    def _phone(self, raw: str) -> int:
        return self._phones.number(rules.normal_phone(raw))

    def _vat_no(self, raw: str) -> int:
        return self._vat_nos.number(rules.normal_vat_no(raw))

    def row(self, row: Any) -> tuple[int, ...]:
        """A contact's integers, in the order of `COLUMNS`."""
        _, kind, name, email, phone, vat_no, address, post_code = row  # none is null
        initial = kind[:1]
        # What of a key's value is compared: the key less its "t|k:" prefix (`keys`).
        limit = KEY_LENGTH - len(initial) - 3
        name, name_no, words, first = self.name(name, limit)
        address, address_no = self.address(address, post_code)
        place = address[: limit - 2 if first else limit - 1]
        start = rules.name_start(name, address)[:limit]
        email = rules.normal_email(email)
        return (
            row[0],
            self._parts["type"].number(initial),
            first,
            name_no,
            words,
            self._parts["start"].number(start),
            address_no,
            self._parts["place"].number(place),
            self.phone(phone),
            self.vat_no(vat_no),
            hash(f"{initial}|{email[:limit]}") | 1 if email else 0,
        )


def _count(session: Session) -> int:
    contacts = table_of(Contact)
    return int(session.execute(select(func.count()).select_from(contacts)).scalar_one())


def _read(session: Session, normalised: _Normalised) -> dict[str, Any]:
    contacts = table_of(Contact)
    query = select(contacts.c.id, *(contacts.c[name] for name in COMPARED))
    capacity = _count(session) + CHUNK
    columns = {name: np.zeros(capacity, dtype=dtype) for name, dtype in COLUMNS}
    size = 0
    rows = session.execute(query, execution_options={"yield_per": CHUNK})
    for chunk in rows.partitions():
        block = np.array([normalised.row(row) for row in chunk], dtype=np.int64)
        if size + len(block) > capacity:  # contacts added since they were counted
            capacity = 2 * (size + len(block))
            columns = {name: np.resize(column, capacity) for name, column in columns.items()}
        for index, (name, _) in enumerate(COLUMNS):
            columns[name][size : size + len(block)] = block[:, index]
        size += len(block)
    return {name: column[:size] for name, column in columns.items()}


def _emails(session: Session, ids: Ints, hashes: Ints) -> tuple[Ints, Any]:
    """`Numbered.email_key` and `Numbered.email_same`: the holders of a hash held twice
    read again and grouped by the address itself."""
    key, same = np.full(len(ids), -1, dtype=np.int64), np.zeros(len(ids), dtype=np.int32)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    twice = np.zeros(len(order), dtype=np.bool_)
    twice[1:] = ordered[1:] == ordered[:-1]
    twice[:-1] |= twice[1:]
    candidates = order[twice & (ordered != 0)]
    del order, ordered
    seq = dict(zip(ids[candidates].tolist(), candidates.tolist(), strict=True))
    keys, addresses = _Numbers(), _Numbers()
    contacts = table_of(Contact)
    found = sorted(seq)
    for start in range(0, len(found), CHUNK):
        query = select(contacts.c.id, contacts.c.type, contacts.c.email).where(
            contacts.c.id.in_(found[start : start + CHUNK])
        )
        for contact_id, kind, raw in session.execute(query):
            email, initial = rules.normal_email(raw or ""), (kind or "")[:1]
            limit = KEY_LENGTH - len(initial) - 3
            row = seq[contact_id]
            key[row] = keys.number(f"{initial}|{email[:limit]}")
            same[row] = addresses.number(email)
    key[same == 0] = -1
    return key, same


def keys(numbered: Numbered) -> Iterator[Any]:
    """Each contact's key of every kind of `rules.blocking_keys` (-1: none), one column a
    kind; of one kind, two contacts hold the same key exactly when the strings match. Read
    once: the parts of the keys leave `numbered` as they are used."""
    c = numbered.columns
    # The e-mail keys come numbered with their type (`_emails`); then "v:", "n:", "s:", and
    # with the name's initial "p:" and "a:", as `rules.blocking_keys`. The parts of the keys
    # are dropped once used; what the scoring reads stays.
    typed = c.pop("type").astype(np.int64) << (VALUE_BITS + INITIAL_BITS)
    yield numbered.email_key
    numbered.email_key = np.empty(0, dtype=np.int64)
    yield _keyed(c["vat_no"], typed)
    yield _keyed(c.pop("words"), typed)
    yield _keyed(c.pop("start"), typed)
    typed |= c.pop("initial").astype(np.int64) << VALUE_BITS
    yield _keyed(c["phone"], typed)
    yield _keyed(c.pop("place"), typed)


def _keyed(values: Any, prefix: Any) -> Ints:
    """The keys of these numbered values with this prefix (type, initial); -1 without."""
    key: Ints = values.astype(np.int64)
    key |= prefix
    key[values == 0] = -1
    return key


def numbered(session: Session) -> Numbered:
    """Every contact's values as compared and the parts of its keys, numbered."""
    normalised = _Normalised()
    columns = _read(session, normalised)
    normalised.forget()
    email_key, email_same = _emails(session, columns["ids"], columns.pop("email"))
    return Numbered(columns, normalised.names, normalised.addresses, email_key, email_same)
