"""The criteria language (SPEC §5, feature X1): text or JSON → tree → SQL, over contacts or
another subject (interaction log entries, segments, logged segments, campaigns).

Criteria.parse(text or JSON, subject=…) → the value services pass around (tree, canonical
text, compiled condition); json_schema(subject) → the JSON form as a JSON Schema.
parse(text) → Expr            render(expr) → canonical text    describe(expr) → sentence
from_json(data) → Expr        to_json(expr) → JSON form
condition(expr) → SQL condition on the subject; select_ids(expr) → SELECT of its keys
parts(expr) → its top-level terms with their text, to explain a match (X3)
check_codes(session, criteria) → Invalid when they name a code that does not exist;
unknown_codes(session, criteria) → those codes as warnings, for saved criteria replayed
form_to_expr(form) → the tree of Business Central's per-table filter form (reference §2.5)
Every function takes `subject=` and defaults to contacts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapport.criteria.bcform import form_to_expr
from rapport.criteria.codes import check_codes, unknown_codes
from rapport.criteria.compile_sql import condition, parts, select_contact_ids, select_ids
from rapport.criteria.fields import CONTACTS, Subject
from rapport.criteria.render import describe, render
from rapport.criteria.schema import json_schema
from rapport.criteria.subjects import CAMPAIGNS, ENTRIES, LOGGED_SEGMENTS, SEGMENTS, subject
from rapport.criteria.tree import Expr, from_json, to_json
from rapport.criteria.value import Criteria, contact_nos, logged_segment_contacts, no_contact

if TYPE_CHECKING:
    from rapport.criteria.parser import parse


def __getattr__(name: str) -> Any:
    """`parse`, with the grammar (lark) it builds, imported on first use (SPEC §9: start-up):
    a command that reads stored criteria, or undoes an action, does without them."""
    if name == "parse":
        from rapport.criteria.parser import parse

        return parse
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CAMPAIGNS",
    "CONTACTS",
    "ENTRIES",
    "LOGGED_SEGMENTS",
    "SEGMENTS",
    "Criteria",
    "Expr",
    "Subject",
    "check_codes",
    "condition",
    "contact_nos",
    "describe",
    "form_to_expr",
    "from_json",
    "json_schema",
    "logged_segment_contacts",
    "no_contact",
    "parse",
    "parts",
    "render",
    "select_contact_ids",
    "select_ids",
    "subject",
    "to_json",
    "unknown_codes",
]
