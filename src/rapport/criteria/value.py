"""Criteria as one value (X1, S7): the subject, the tree and its canonical text, made once at
the edge's or the service's entry and passed around instead of the text, so nothing below
re-parses it; it compiles to the SQL condition or the select of the subject's keys.

The edges send criteria as text or as the JSON tree (the API takes either); both read the
same registry and give the same value. Manual actions (add or remove one contact, reuse a
logged segment) build their criteria as trees here, so no service formats criteria text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select

from rapport.criteria import fields as registry
from rapport.criteria.compile_sql import condition, parts, select_ids
from rapport.criteria.render import describe, render
from rapport.criteria.tree import (
    Compare,
    Expr,
    InList,
    IsEmpty,
    LoggedSegmentMember,
    from_json,
    to_json,
)
from rapport.criteria.values import coerce
from rapport.criteria.walk import same
from rapport.errors import N_, Invalid


@dataclass(frozen=True)
class Criteria:
    """Parsed, checked criteria on `subject`'s rows; `text` is the canonical text."""

    subject: registry.Subject
    tree: Expr
    text: str

    @classmethod
    def parse(
        cls, source: str | Mapping[str, Any], *, subject: registry.Subject = registry.CONTACTS
    ) -> Criteria:
        """The criteria of `source`, written as text or as the JSON tree; Invalid with the
        position (text) or the JSON path (tree) at fault."""
        if isinstance(source, str):
            from rapport.criteria.parser import parse  # the grammar, for criteria given as text

            tree = parse(source, subject)
        elif isinstance(source, Mapping):
            tree = from_json(dict(source), subject=subject)
        else:
            raise Invalid("criteria are a text or a JSON object", where="$")
        return cls(subject, tree, render(tree, subject))  # a parsed tree reads back as itself

    @classmethod
    def of(cls, tree: Expr, *, subject: registry.Subject = registry.CONTACTS) -> Criteria:
        """The criteria of a tree built in code, checked by reading back its text."""
        from rapport.criteria.parser import parse  # the grammar, for the read-back check

        text = render(tree, subject)
        if not same(parse(text, subject), tree):
            raise Invalid(f"the criteria tree does not read back as itself: {text}")
        return cls(subject, tree, text)

    def condition(
        self, *, today: dt.date | None = None, likely: Sequence[float] | None = None
    ) -> ColumnElement[bool]:
        """The SQL condition on the subject's table (`likely`: see compile_sql.condition)."""
        return condition(self.tree, today=today, subject=self.subject, likely=likely)

    def select_ids(self, *, today: dt.date | None = None) -> Select[tuple[Any]]:
        """SELECT the keys of the rows these criteria select (contacts: their ids)."""
        return select_ids(self.tree, today=today, subject=self.subject)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the tree (see json_schema)."""
        return to_json(self.tree)

    def describe(self, translate: Callable[[str], str] | None = None) -> str:
        """The criteria as a plain-language sentence (in `translate`'s language)."""
        return describe(self.tree, self.subject, translate=translate)

    def parts(self) -> Iterator[tuple[str, Expr]]:
        """The top-level terms with their canonical text (X3)."""
        return parts(self.tree, self.subject)

    def __str__(self) -> str:
        return self.text


# --- the criteria of manual actions -------------------------------------------------------


def contact_nos(*nos: str) -> Criteria:
    """The contacts numbered `nos`: `no = C1`, or `no in (C1, C2)` (S5 add or remove contact)."""
    if not nos:
        raise Invalid(N_("name at least one contact no."))
    field = registry.CONTACTS.field("no")
    values = tuple(dict.fromkeys(coerce(field, no) for no in nos))
    tree: Expr = Compare("no", "=", values[0]) if len(values) == 1 else InList("no", values)
    return Criteria.of(tree)


def no_contact() -> Criteria:
    """`no is empty`: the criteria of a removal whose contact no longer exists."""
    return Criteria.of(IsEmpty("no"))


def logged_segment_contacts(entry_no: int) -> Criteria:
    """`logged_segment(N)`: the contacts of a logged segment (S10 reuse logged segment)."""
    return Criteria.of(LoggedSegmentMember(entry_no))
