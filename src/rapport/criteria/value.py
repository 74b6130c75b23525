"""Criteria as one value (X1, S7): the tree and its canonical text, made once at the edge's
or the service's entry and passed around instead of the text, so nothing below re-parses
it; it compiles to the SQL condition or the select of contact ids.

The edges send criteria as text or as the JSON tree (the API takes either); both give the
same value. Manual actions (add or remove one contact, reuse a logged segment) build their
criteria as trees here, so no service formats criteria text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select

from rapport.criteria import fields as registry
from rapport.criteria.compile_sql import condition, select_contact_ids
from rapport.criteria.parse import parse
from rapport.criteria.render import render
from rapport.criteria.tree import Compare, Expr, IsEmpty, LoggedSegmentMember, from_json
from rapport.criteria.values import coerce
from rapport.errors import Invalid


@dataclass(frozen=True)
class Criteria:
    """Parsed, checked criteria on contacts; `text` is the canonical text."""

    tree: Expr
    text: str

    @classmethod
    def parse(cls, source: str | Mapping[str, Any]) -> Criteria:
        """The criteria of `source`, written as text or as the JSON tree; Invalid with the
        position (text) or the JSON path (tree) at fault."""
        if isinstance(source, str):
            return cls.of(parse(source))
        if isinstance(source, Mapping):
            return cls.of(from_json(dict(source)))
        raise Invalid("criteria are a text or a JSON object", field="criteria")

    @classmethod
    def of(cls, tree: Expr) -> Criteria:
        """The criteria of a tree built in code."""
        return cls(tree, render(tree))

    def condition(self, *, today: dt.date | None = None) -> ColumnElement[bool]:
        """The SQL condition on contacts."""
        return condition(self.tree, today=today)

    def select_ids(self, *, today: dt.date | None = None) -> Select[tuple[int]]:
        """SELECT the ids of the contacts these criteria select."""
        return select_contact_ids(self.tree, today=today)

    def __str__(self) -> str:
        return self.text


def contact_nos(no: str) -> Criteria:
    """The contact numbered `no`: `no = C1` (S5 add or remove a contact)."""
    field = registry.contact_field("no")
    return Criteria.of(Compare("no", "=", coerce(field, no)))


def no_contact() -> Criteria:
    """`no is empty`: the criteria of a removal whose contact no longer exists."""
    return Criteria.of(IsEmpty("no"))


def logged_segment_contacts(entry_no: int) -> Criteria:
    """`logged_segment(N)`: the contacts of a logged segment (S10 reuse logged segment)."""
    return Criteria.of(LoggedSegmentMember(entry_no))
