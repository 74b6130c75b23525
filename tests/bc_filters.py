"""Business Central filters and relative dates for the reference evaluator (X1), written
from their description (SPEC §5 "BC filter" and "values"; reference bc-behaviour.md), not
from the product's `bcfilter.py` or `values.py`, so the differential test compares two
independent readings of the same rules.

A filter is evaluated directly against one value, text in, yes or no out:

    A|B  either, A&B  both (& binds tighter), (…) groups; spaces around a term are ignored
    A..B from A to B, ..B up to B, A.. from A on; <>A <A <=A >A >=A =A
    * any run of characters, ? one character (only in an unquoted value, with = or <>)
    @ before a term: case-insensitive; '' is the empty value; 'A|B' is taken literally
    Code fields hold upper-case values, so a filter on a code is read upper-cased.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_OPERATORS = ("<>", "<=", ">=", "=", "<", ">")


def bc_matches(filter_text: str, value: str, *, code: bool) -> bool:
    """Whether `value` passes the Business Central filter `filter_text`."""
    return any(
        all(_atom(piece, value, code) for piece in _top_level(alternative, "&"))
        for alternative in _top_level(filter_text, "|")
    )


def _top_level(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` outside quotes and parentheses."""
    pieces, start, depth, quoted = [], 0, 0, False
    for index, char in enumerate(text):
        if char == "'":
            quoted = not quoted  # a doubled quote toggles twice: still inside
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == separator:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _atom(text: str, value: str, code: bool) -> bool:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        return bc_matches(text[1:-1], value, code=code)
    return _term(text, value, code)


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def _term(text: str, value: str, code: bool) -> bool:
    fold = text.startswith("@")
    body = text[1:].strip() if fold else text

    def norm(part: str) -> str:
        part = part.upper() if code else part
        return part.casefold() if fold else part

    subject = norm(value)
    operator = next((op for op in _OPERATORS if body.startswith(op)), "")
    rest = body[len(operator) :].strip()
    if not operator and not body.startswith("'") and ".." in body:
        low, high = (norm(_unquoted(part.strip())) for part in body.split("..", 1))
        return (not low or subject >= low) and (not high or subject <= high)
    if not rest.startswith("'") and ("*" in rest or "?" in rest):
        found = _wildcard(norm(rest), subject)
        return found if operator in ("", "=") else not found
    wanted = norm(_unquoted(rest))
    return {
        "": subject == wanted,
        "=": subject == wanted,
        "<>": subject != wanted,
        "<": subject < wanted,
        "<=": subject <= wanted,
        ">": subject > wanted,
        ">=": subject >= wanted,
    }[operator]


def _wildcard(pattern: str, value: str) -> bool:
    regex = "".join({"*": ".*", "?": "."}.get(char, re.escape(char)) for char in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def resolve_date(offset: int, unit: str, today: dt.date) -> dt.date:
    """`today + offset unit` as Business Central's date formulas count: days and weeks
    exactly; months and years to the same day of the month, or the month's last day when it
    has fewer days (31 March - 1 month is 28 or 29 February)."""
    if unit in ("d", "w"):
        return today + dt.timedelta(days=offset * (7 if unit == "w" else 1))
    months = offset * 12 if unit == "y" else offset
    year, month = today.year, today.month
    step = 1 if months > 0 else -1
    for _ in range(abs(months)):
        month += step
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
