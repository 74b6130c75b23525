"""Codes and numbers as Business Central keeps them: upper-case, trimmed, of bounded length."""

from __future__ import annotations

import re

from rapport.domain.rules import TEXT_LENGTH
from rapport.errors import N_

CODE_LENGTH = 20
# Entry nos. and ids are 32-bit integers (Business Central's Integer); line nos. are 64-bit,
# in steps of 10,000 (SPEC §9). A larger number names no row: the edges refuse it, and a
# service asked for one answers that it does not exist (the database would fail).
LARGEST_ENTRY_NO = 2**31 - 1
LARGEST_LINE_NO = 2**62


def may_name_a_row(number: int) -> bool:
    """Whether `number` is within the ids and entry nos. the database keeps; a service
    answers "not found" for one that is not, without asking the database."""
    return 0 < number <= LARGEST_ENTRY_NO


_DIGITS_AT_END = re.compile(r"(\d+)(\D*)$")


def normalize_code(
    value: str | None, *, length: int | None = CODE_LENGTH, field: str = "code"
) -> str:
    """A BC `Code` value: trimmed and upper-cased; ValueError when longer than `length`
    (the domain rule `TEXT_LENGTH`; None: the caller checks the length)."""
    text = (value or "").strip().upper()
    if length is not None and TEXT_LENGTH.broken(text, length):
        raise ValueError(
            N_("{field}: {reason}", field=field, reason=TEXT_LENGTH.message(text, length))
        )
    return text


def increment_no(no: str) -> str:
    """The number after `no` in a number series: its last run of digits plus one, zero-padded.

    `SEG00009` → `SEG00010`; ValueError when `no` holds no digit (BC's IncStr fails the same way).
    """
    match = _DIGITS_AT_END.search(no)
    if match is None:
        raise ValueError(f"number {no!r} contains no digits to increment")
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return no[: match.start(1)] + bumped + match.group(2)
