"""Duplicate contacts (K5): how two contacts' values are normalised, which keys put them in
the same block, and how similar they are.

Business Central compares search strings of the name and address fields with a Search Hit
%. Rapport compares more, each value normalised first: the name (case, accents,
punctuation and legal forms dropped; compared with rapidfuzz's token-set ratio, so word
order and an extra word do not matter), the e-mail address, the phone number (its last
eight digits, so `+32 2 123 45 67` and `02/123.45.67` are one number), the VAT registration
no. (letters and digits only) and the address with its post code (token-set ratio).

A pair scores the weight of each value that matches (scaled by the similarity of a name or
an address of at least `SIMILAR` %), at most 100; it is a duplicate from the minimum score
on. Only contacts of the same type are compared, and only pairs that share a blocking key
(`blocking_keys`), so a million contacts never compare all pairs. A key held by more than
`MAX_BLOCK` contacts (a shared switchboard number, a very common name) tells nothing and
forms no block.

`score` rates one pair; `scores` rates a chunk of pairs at once with rapidfuzz's vectorised
`cpdist` and numpy, with the same arithmetic in the same order, so both give the same
scores and reasons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

SIMILAR = 90
MAX_BLOCK = 20
PHONE_DIGITS = 8
NAME_PREFIX = 5
# Legal forms and filler words that say nothing about which company it is.
_NOISE_WORDS = "ag bv bvba co corp cv gmbh inc kg llc ltd nv plc sa sarl sas sl sprl spa srl vof"
NOISE = frozenset(_NOISE_WORDS.split()) | {"the", "and", "en", "et", "und"}
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


@dataclass(frozen=True)
class Weights:
    """The marketing setup's duplicate search settings: points per matching value, and the
    minimum score of a duplicate (BC's Search Hit %)."""

    name: int = 50
    email: int = 40
    phone: int = 30
    vat_no: int = 50
    address: int = 20
    min_score: int = 60


@dataclass(frozen=True)
class Compared:
    """A contact's values as they are compared."""

    type: str
    name: str
    email: str
    phone: str
    vat_no: str
    address: str


def _plain(text: str) -> str:
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", folded).strip()


def normal_name(name: str) -> str:
    """Lower case, no accents or punctuation, without legal forms (`Ács B.V.` → `acs`)."""
    # Dots go first, so that an abbreviation stays one word (`N.V.` → `nv`).
    words = [word for word in _plain(name.replace(".", "")).split() if word not in NOISE]
    return " ".join(words)


def normal_email(email: str) -> str:
    text = email.strip().casefold()
    return text if "@" in text else ""


def normal_phone(phone: str) -> str:
    digits = _NOT_DIGIT.sub("", phone)
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else ""


def normal_vat_no(vat_no: str) -> str:
    text = _NOT_ALNUM.sub("", vat_no.upper())
    return text if len(text) >= 4 else ""


def compared(
    *,
    type: str,
    name: str,
    email: str,
    phone: str,
    vat_no: str,
    address: str,
    post_code: str,
) -> Compared:
    """A contact's values, normalised for comparison."""
    return Compared(
        type=type,
        name=normal_name(name),
        email=normal_email(email),
        phone=normal_phone(phone),
        vat_no=normal_vat_no(vat_no),
        address=normal_address(address, post_code),
    )


def normal_address(address: str, post_code: str) -> str:
    """The address and its post code, compared like a name but keeping every word; blank
    without an address."""
    place = _plain(address)
    return f"{place} {_plain(post_code)}".strip() if place else ""


def key_parts(contact: Compared) -> tuple[str, str]:
    """What the blocking keys need beyond the values: the name's words in order, and the
    start of the name with the address's last word (the post code)."""
    return name_words(contact.name), name_start(contact.name, contact.address)


def name_words(name: str) -> str:
    """A normalised name's words, each once, in order (the key of a name in any order)."""
    return " ".join(sorted(set(name.split())))


def name_start(name: str, address: str) -> str:
    """The start of a normalised name with the address's last word (the post code); blank
    without both."""
    if not (name and address):
        return ""
    return f"{name.replace(' ', '')[:NAME_PREFIX]}:{address.rsplit(' ', 1)[-1]}"


def blocking_keys(contact: Compared) -> set[str]:
    """The keys whose holders are compared with each other: the same e-mail, VAT no. or
    name (its words in any order); the same phone or address with a name of the same
    initial (persons of one company share its phone and address, and are not compared for
    that alone); or a name starting alike in the same place; each within the contact's
    type. (The search builds the same keys in SQL from the values and `key_parts`.)"""
    words, start = key_parts(contact)
    initial = contact.name[:1]
    keys = {
        f"e:{contact.email}" if contact.email else "",
        f"v:{contact.vat_no}" if contact.vat_no else "",
        f"n:{words}" if words else "",
        f"p:{initial}:{contact.phone}" if contact.phone else "",
        f"a:{initial}:{contact.address}" if contact.address else "",
        f"s:{start}" if start else "",
    }
    return {f"{contact.type[:1]}|{key}" for key in keys if key}


def score(a: Compared, b: Compared, weights: Weights) -> tuple[int, tuple[str, ...]]:
    """The pair's score (0–100) and the reasons for it, in the user's words."""
    points = 0.0
    reasons: list[str] = []
    for label, left, right, weight in (
        ("name", a.name, b.name, weights.name),
        ("address", a.address, b.address, weights.address),
    ):
        if left and right:
            similarity = fuzz.token_set_ratio(left, right)
            if similarity >= SIMILAR:
                points += weight * similarity / 100
                reasons.append(
                    f"same {label}" if similarity == 100 else f"{label} {similarity:.0f} % similar"
                )
    for label, left, right, weight in (
        ("e-mail", a.email, b.email, weights.email),
        ("phone", a.phone, b.phone, weights.phone),
        ("VAT registration no.", a.vat_no, b.vat_no, weights.vat_no),
    ):
        if left and left == right:
            points += weight
            reasons.append(f"same {label}")
    return min(100, round(points)), tuple(reasons)


_EQUAL = (("e-mail", "email"), ("phone", "phone"), ("VAT registration no.", "vat_no"))
_Floats = npt.NDArray[np.float64]
_Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Chunk:
    """A chunk of pairs as they are scored: both names and both addresses of each pair, and
    whether its e-mail, phone and VAT no. are given and the same (`same`, one row a pair)."""

    names: tuple[Sequence[str], Sequence[str]]
    addresses: tuple[Sequence[str], Sequence[str]]
    same: Sequence[tuple[bool, bool, bool]]


def chunk(pairs: Sequence[tuple[Compared, Compared]]) -> Chunk:
    """The chunk of these pairs (the search reads its chunks from the database)."""
    return Chunk(
        names=([a.name for a, _ in pairs], [b.name for _, b in pairs]),
        addresses=([a.address for a, _ in pairs], [b.address for _, b in pairs]),
        same=[_same(a, b) for a, b in pairs],
    )


def _same(a: Compared, b: Compared) -> tuple[bool, bool, bool]:
    """Whether the e-mail, the phone and the VAT no. are given and the same (`_EQUAL`)."""
    return (
        bool(a.email) and a.email == b.email,
        bool(a.phone) and a.phone == b.phone,
        bool(a.vat_no) and a.vat_no == b.vat_no,
    )


def similarity(left: Sequence[str], right: Sequence[str]) -> _Floats:
    """Each pair's token-set ratio, 0 where a value is missing."""
    ratio = np.asarray(
        process.cpdist(left, right, scorer=fuzz.token_set_ratio, dtype=np.float64),
        dtype=np.float64,
    )
    # Only a pair similar enough counts, so only those are checked for a missing value.
    for row in np.flatnonzero(ratio >= SIMILAR).tolist():
        if not (left[row] and right[row]):
            ratio[row] = 0.0
    return ratio


def _reasons(fuzzy: tuple[tuple[str, _Floats], ...], same: _Flags, row: int) -> tuple[str, ...]:
    reasons: list[str] = []
    for label, similarity in ((label, float(ratios[row])) for label, ratios in fuzzy):
        if similarity >= SIMILAR:
            reasons.append(
                f"same {label}" if similarity == 100 else f"{label} {similarity:.0f} % similar"
            )
    reasons.extend(f"same {label}" for column, (label, _) in enumerate(_EQUAL) if same[row, column])
    return tuple(reasons)


def scores(pairs: Chunk, weights: Weights, floor: int) -> list[tuple[int, int, tuple[str, ...]]]:
    """`score` for a chunk of pairs at once, with the same arithmetic in the same order:
    (row, score, reasons) of the pairs scoring at least `floor`. The addresses are compared
    only for the pairs that can still reach `floor` (`reachable`)."""
    same = np.array(pairs.same, dtype=np.bool_).reshape(len(pairs.same), len(_EQUAL))
    names = similarity(*pairs.names)
    rows = np.flatnonzero(reachable(names, same, weights, floor)).tolist()
    left, right = pairs.addresses
    addresses = np.zeros(len(names), dtype=np.float64)
    addresses[rows] = similarity([left[row] for row in rows], [right[row] for row in rows])
    return rated(names, addresses, same, weights, floor)


def reachable(names: _Floats, same: _Flags, weights: Weights, floor: int) -> _Flags:
    """Whether each pair can still score `floor` whatever its addresses' similarity: its
    score (`rated`) with the address's full weight, an upper bound, since every step of the
    sum only grows with what is added; the others need no comparison of their addresses."""
    points = np.where(names >= SIMILAR, 0.0 + weights.name * names / 100, 0.0)
    points = points + max(weights.address, 0)
    for column, (_, key) in enumerate(_EQUAL):
        points = np.where(same[:, column], points + getattr(weights, key), points)
    reached: _Flags = np.minimum(100, np.round(points)) >= floor
    return reached


def rated(
    names: _Floats, addresses: _Floats, same: _Flags, weights: Weights, floor: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """`scores` from each pair's name and address similarity (`similarity`) and whether its
    e-mail, phone and VAT no. are given and the same (one row a pair)."""
    fuzzy = (("name", names), ("address", addresses))
    points = np.zeros(len(same), dtype=np.float64)
    for (_, ratios), weight in zip(fuzzy, (weights.name, weights.address), strict=True):
        points = np.where(ratios >= SIMILAR, points + weight * ratios / 100, points)
    for column, (_, key) in enumerate(_EQUAL):
        points = np.where(same[:, column], points + getattr(weights, key), points)
    rounded = np.minimum(100, np.round(points)).astype(np.int64)
    return [
        (int(row), int(rounded[row]), _reasons(fuzzy, same, int(row)))
        for row in np.flatnonzero(rounded >= floor)
    ]
