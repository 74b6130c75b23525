"""The criteria language (SPEC §5, feature X1): text or JSON → tree → SQL over contacts.

parse(text) → Expr            render(expr) → canonical text    describe(expr) → sentence
from_json(data) → Expr        to_json(expr) → JSON form
condition(expr) → SQL condition on contacts; select_contact_ids(expr) → SELECT contacts.id
parts(expr) → its top-level terms with their text, to explain a match (X3)
form_to_expr(form) → the tree of Business Central's per-table filter form (reference §2.5)
"""

from __future__ import annotations

from rapport.criteria.bcform import form_to_expr
from rapport.criteria.compile_sql import condition, parts, select_contact_ids
from rapport.criteria.parse import parse
from rapport.criteria.render import describe, render
from rapport.criteria.tree import Expr, from_json, to_json

__all__ = [
    "Expr",
    "condition",
    "describe",
    "form_to_expr",
    "from_json",
    "parse",
    "parts",
    "render",
    "select_contact_ids",
    "to_json",
]
