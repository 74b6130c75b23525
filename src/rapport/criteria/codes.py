"""Codes that do not exist (X1, issue 11 item 7): `mailing_group = NEWS` when the group is
NEWSLETTER, or `segment(SEG09999)`, would select nothing, silently. Criteria that compare a
Code field listed in a code table (`Field.codes`, declared in the registry) with `=`, `!=`,
`in` or `not in`, or that name a segment or logged segment, are checked against the
database where they are compiled against a session:

- `check_codes(session, criteria)`: new criteria (every subject, every command that takes
  criteria) are refused with one `Invalid` naming each unknown code and the nearest known
  one ("unknown mailing group 'NEWS' — did you mean 'NEWSLETTER'?");
- `unknown_codes(session, criteria)`: saved criteria replayed after a code was deleted run,
  and their caller warns with these messages.

Patterns (`matches 'NEWS*'`) are not checked: they may match nothing on purpose.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from rapport.criteria import fields as registry
from rapport.criteria.operators import Column, one_of
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    LoggedSegmentMember,
    Not,
    Or,
    SegmentMember,
)
from rapport.criteria.value import Criteria
from rapport.errors import N_, Invalid, Text
from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.storage.db import Db

__all__ = ["check_codes", "unknown_codes"]

_SEGMENT_NOS: Column = schema.segment_headers.c.no
_LOGGED_ENTRY_NOS: Column = schema.logged_segments.c.entry_no


@dataclass
class _Named:
    """The codes the criteria name from one code table, and how to speak of them."""

    label: str
    codes: Column
    values: dict[Any, None]


def check_codes(session: Db, criteria: Criteria) -> None:
    """Refuse criteria that name a code that does not exist: Invalid naming each one, with
    the nearest existing code."""
    messages = unknown_code_texts(session, criteria)
    if messages:
        raise Invalid(messages)


def unknown_codes(session: Db, criteria: Criteria) -> list[str]:
    """One message per code the criteria name that does not exist, in the order named."""
    return [str(text) for text in unknown_code_texts(session, criteria)]


def unknown_code_texts(session: Db, criteria: Criteria) -> list[Text]:
    """`unknown_codes` as texts to translate (the label and the did-you-mean)."""
    messages: list[Text] = []
    for named in _named(criteria).values():
        values = list(named.values)
        found = set(session.scalars(select(named.codes).where(one_of(named.codes, values))))
        missing = [value for value in values if value not in found]
        if missing:
            known = [str(code) for code in session.scalars(select(named.codes))]
            messages.extend(_message(named.label, value, known) for value in missing)
    return messages


def _message(label: str, value: Any, known: list[str]) -> Text:
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=0.5)
    what = Text(label)
    if close:
        return N_(
            "unknown {what} {code!r} — did you mean {guess!r}?",
            what=what,
            code=str(value),
            guess=close[0],
        )
    return N_("unknown {what} {code!r}", what=what, code=str(value))


def _named(criteria: Criteria) -> dict[str, _Named]:
    """The codes named by the criteria, per code table, walking the tree with a loop."""
    named: dict[str, _Named] = {}
    todo: list[tuple[Expr, registry.Relation | None]] = [(criteria.tree, None)]
    while todo:
        expr, rel = todo.pop()
        if isinstance(expr, Exists):
            if expr.condition is not None:
                todo.append((expr.condition, criteria.subject.relation(expr.relation)))
        elif isinstance(expr, Not):
            todo.append((expr.operand, rel))
        elif isinstance(expr, And | Or):
            todo.extend((part, rel) for part in reversed(expr.parts))
        elif isinstance(expr, SegmentMember):
            _add(named, "segment", _SEGMENT_NOS, [expr.no])
        elif isinstance(expr, LoggedSegmentMember):
            _add(named, "logged segment", _LOGGED_ENTRY_NOS, [expr.entry_no])
        elif isinstance(expr, Compare | InList):
            _compared(named, criteria.subject, rel, expr)
    return named


def _compared(
    named: dict[str, _Named],
    subject: registry.Subject,
    rel: registry.Relation | None,
    expr: Compare | InList,
) -> None:
    field = registry.lookup(subject, rel, expr.field)
    if field.codes is None or (isinstance(expr, Compare) and expr.op not in ("=", "!=")):
        return
    values = expr.values if isinstance(expr, InList) else (expr.value,)
    label = rel.label if rel is not None and rel.shorthand == field.name else field.label
    _add(named, label, field.codes, [value for value in values if value != ""])


def _add(named: dict[str, _Named], label: str, codes: Column, values: list[Any]) -> None:
    if not values:
        return
    key = f"{codes.table.name}.{codes.name}"
    entry = named.setdefault(key, _Named(label, codes, {}))
    entry.values.update(dict.fromkeys(values))
