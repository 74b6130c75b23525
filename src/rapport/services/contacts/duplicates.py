"""Duplicate contact search (K5): BC's duplicate search, with the comparisons of
`domain.duplicates` and the weights and minimum score of the marketing setup.

The contacts stream once; each contact's values are normalised and numbered
(`_duplicate_values`: each distinct value once, a few integers a contact); the pairs that
share a blocking key held by two to `MAX_BLOCK` contacts are formed in numpy, each once
(`_duplicate_pairs`), so 1M contacts never compare all pairs; a chunk of pairs is scored at
once, whether e-mail, phone and VAT no. are the same by their numbers, the similarity of
each distinct pair of names (and of addresses) computed once with rapidfuzz's `cpdist`;
only the pairs found are looked up by number and name. Memory holds a few integers a
contact, the distinct names and addresses, a chunk of pairs and the duplicates found."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.domain import duplicates as rules
from rapport.domain.number_rules import DUPLICATE_MIN_SCORE
from rapport.services.contacts._duplicate_pairs import pairs as pairs_of
from rapport.services.contacts._duplicate_values import Numbered, keys, numbered
from rapport.storage.db import Sessions, reading, small_page_cache
from rapport.storage.tables import Contact, MarketingSetup, table_of

CHUNK = 5_000


@dataclass(frozen=True, slots=True)
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


def _scored(
    values: Numbered, settings: rules.Weights, floor: int
) -> tuple[int, list[tuple[int, int, int, tuple[str, ...]]]]:
    """The pairs compared, and (score, first id, second id, reasons) of those from `floor`,
    scored a chunk of pairs at once; the first of a pair is the one with the lower id."""
    c = values.columns
    ids = c["ids"]
    compared, found = 0, list[tuple[int, int, int, tuple[str, ...]]]()
    known: dict[tuple[str, ...], tuple[str, ...]] = {}  # each set of reasons held once
    for ones, others in pairs_of(keys(values)):
        swap = ids[ones] > ids[others]
        one, other = np.where(swap, others, ones), np.where(swap, ones, others)
        names = _similar(values.names, c["name"][one], c["name"][other])
        same = np.column_stack(
            [
                (column[one] > 0) & (column[one] == column[other])
                for column in (values.email_same, c["phone"], c["vat_no"])
            ]
        )
        # Addresses only where they can still make the minimum score (`rules.reachable`).
        rows = np.flatnonzero(rules.reachable(names, same, settings, floor))
        addresses = np.zeros(len(one), dtype=np.float64)
        places = c["address"]
        addresses[rows] = _similar(values.addresses, places[one[rows]], places[other[rows]])
        compared += len(one)
        found.extend(
            (points, int(ids[one[row]]), int(ids[other[row]]), known.setdefault(reasons, reasons))
            for row, points, reasons in rules.rated(names, addresses, same, settings, floor)
        )
    return compared, found


def _similar(values: list[str], left: Any, right: Any) -> Any:
    """`rules.similarity` of each pair of numbered values, computed once per distinct pair."""
    codes = left.astype(np.int64) * len(values) + right
    distinct, where = np.unique(codes, return_inverse=True)
    firsts, seconds = np.divmod(distinct, len(values))
    ratios = rules.similarity(
        [values[i] for i in firsts.tolist()], [values[i] for i in seconds.tolist()]
    )
    return ratios[where.reshape(-1)]


def _named(
    session: Session, found: list[tuple[int, int, int, tuple[str, ...]]]
) -> list[DuplicatePair]:
    """The pairs found with the numbers and names of their contacts, each contact read
    once; held in lists by position (no record a contact) until the pairs are made."""
    contacts = table_of(Contact)
    firsts = np.fromiter((pair[1] for pair in found), dtype=np.int64, count=len(found))
    seconds = np.fromiter((pair[2] for pair in found), dtype=np.int64, count=len(found))
    ids = np.unique(np.concatenate([firsts, seconds]))
    nos, names, types = [""] * len(ids), [""] * len(ids), [""] * len(ids)
    kinds: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(contacts.c.id, contacts.c.no, contacts.c.name, contacts.c.type).where(
            contacts.c.id.in_(ids[start : start + CHUNK].tolist())
        )
        for contact_id, no, name, kind in session.execute(query):
            at = int(np.searchsorted(ids, contact_id))
            nos[at], names[at], types[at] = no, name, kinds.setdefault(kind, kind)
    ones = np.searchsorted(ids, firsts).tolist()
    others = np.searchsorted(ids, seconds).tolist()
    return [
        DuplicatePair(points, nos[one], names[one], nos[other], names[other], types[one], reasons)
        for (points, _, _, reasons), one, other in zip(found, ones, others, strict=True)
    ]


def find_duplicates(sessions: Sessions, *, min_score: int | None = None) -> DuplicateSearch:
    """K5: the pairs of contacts of one type that score at least `min_score` (default: the
    marketing setup's), best first, each with the values that matched."""
    if min_score is not None:
        # The setup's Search Hit % rule (BC: 1 to 100), said of the search's own parameter.
        replace(DUPLICATE_MIN_SCORE, field="min_score").check(min_score)
    with reading(sessions) as session, small_page_cache(session):
        settings = weights(session)
        floor = settings.min_score if min_score is None else min_score
        compared, found = _scored(numbered(session), settings, floor)
        pairs = _named(session, found)
    pairs.sort(key=lambda pair: (-pair.score, pair.contact_no, pair.duplicate_no))
    return DuplicateSearch(floor, compared, tuple(pairs))


PAIR_FIELDS = tuple(f.name for f in fields(DuplicatePair))
