"""The plain-Python reference evaluator of the criteria language (X1), for the differential
tests: it evaluates a tree over in-memory contacts and their relation rows the way SPEC §5
and reference §2.5 say, written independently of the SQL compiler, plus hypothesis
strategies for random contact bases and random criteria trees over them.

A world keys relation rows by the criteria's own field names (`code`, `answer_line` …); the
differential test writes them to the database through the registry's column names.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    IsEmpty,
    LoggedSegmentMember,
    Matches,
    Not,
    Or,
    SegmentMember,
)
from rapport.criteria.values import RelativeDate, Value

Row = dict[str, Any]
TODAY = dt.date(2026, 3, 15)


@dataclass
class World:
    contacts: list[Row]
    rows: dict[str, list[Row]] = field(default_factory=dict)  # relation name → rows
    segments: dict[str, set[int]] = field(default_factory=dict)  # segment no → active ids


def selected(world: World, expr: Expr, today: dt.date = TODAY) -> set[int]:
    """The ids of the contacts `expr` selects in `world`."""
    return {c["id"] for c in world.contacts if evaluate(expr, c, world, today, None)}


def evaluate(expr: Expr, row: Row, world: World, today: dt.date, rel: str | None) -> bool:
    """Whether `row` (a contact, or inside `rel` one of its rows) satisfies `expr`."""
    if isinstance(expr, And):
        return all(evaluate(part, row, world, today, rel) for part in expr.parts)
    if isinstance(expr, Or):
        return any(evaluate(part, row, world, today, rel) for part in expr.parts)
    if isinstance(expr, Not):
        return not evaluate(expr.operand, row, world, today, rel)
    if isinstance(expr, Exists):
        relation = registry.RELATIONS[expr.relation]
        owner = row["company_id"] if relation.on_company else row["id"]
        return owner is not None and any(
            expr.condition is None or evaluate(expr.condition, linked, world, today, expr.relation)
            for linked in world.rows.get(expr.relation, [])
            if linked["contact_id"] == owner
        )
    if isinstance(expr, SegmentMember):
        return row["id"] in world.segments.get(expr.no, set())
    if isinstance(expr, LoggedSegmentMember):
        return any(
            entry["contact_id"] == row["id"]
            and entry["logged_segment"] == expr.entry_no
            and not entry["canceled"]
            for entry in world.rows.get("interaction", [])
        )
    return _leaf(expr, row[expr.field], today, _field(expr.field, rel))


def _field(name: str, rel: str | None) -> registry.Field:
    return registry.CONTACT_FIELDS[name] if rel is None else registry.RELATIONS[rel].fields[name]


def _resolved(value: Value, today: dt.date) -> Any:
    return value.resolve(today) if isinstance(value, RelativeDate) else value


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is None:  # an empty date: only "is not" holds
        return op == "!="
    return bool(
        {
            "=": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[op]
    )


def _leaf(expr: Expr, value: Any, today: dt.date, fld: registry.Field) -> bool:
    if isinstance(expr, Compare):
        return _compare(value, expr.op, _resolved(expr.value, today))
    if isinstance(expr, InList):
        found = value is not None and value in {_resolved(v, today) for v in expr.values}
        return found != expr.negated
    if isinstance(expr, IsEmpty):
        empty = value is None or value == ""
        return empty != expr.negated
    assert isinstance(expr, Matches)
    node = bcfilter.parse_filter(expr.filter)
    upper = fld.type is registry.ValueType.CODE
    return _filter(bcfilter.normalized(node, upper=upper), value)


def _filter(node: bcfilter.Filter, value: str) -> bool:
    if isinstance(node, bcfilter.AnyOf):
        return any(_filter(part, value) for part in node.parts)
    if isinstance(node, bcfilter.AllOf):
        return all(_filter(part, value) for part in node.parts)
    low, high = node.value, node.upper
    if node.ignore_case:
        value, low, high = value.lower(), low.lower(), high.lower()
    if node.op in ("like", "not like"):
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in low)
        return bool(re.fullmatch(regex, value, re.DOTALL)) == (node.op == "like")
    if node.op == "..":
        return low <= value <= high
    return _compare(value, "!=" if node.op == "<>" else node.op, low)


# --- hypothesis strategies ----------------------------------------------------------------

CODES = ["A", "B", "C"]
SEGMENTS = ["SEG1", "SEG2"]
TEXTS = ["", "Acme", "acme bakery", "Bakery", "O'Brien", "50%_off", "zed", "a*b", "B?"]
DATES = [None, dt.date(2025, 12, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 15)]
FILTER_TERMS = [
    "A",
    "a",
    "''",
    "<>''",
    "*a*",
    "@*A*",
    "?cme",
    "A..B",
    "..B",
    "b..",
    "<>A",
    ">=B",
    "<C",
    "@acme",
    "'O''Brien'",
    "*%*",
    "*_*",
    "50%_off",
    "@*BAK*",
    "Z*",
]


def _values(fld: registry.Field) -> st.SearchStrategy[Any]:
    kind = fld.type
    if kind is registry.ValueType.CODE:
        return st.sampled_from(["", *CODES])
    if kind is registry.ValueType.TEXT:
        return st.sampled_from(TEXTS)
    if kind is registry.ValueType.ENUM:
        return st.sampled_from(fld.choices)
    if kind is registry.ValueType.BOOL:
        return st.booleans()
    if kind is registry.ValueType.DATE:
        return st.sampled_from(DATES)
    if kind is registry.ValueType.INT:
        return st.integers(0, 3)
    return st.sampled_from([Decimal(0), Decimal("1.5"), Decimal(2)])


def _criteria_values(fld: registry.Field) -> st.SearchStrategy[Any]:
    if fld.type is registry.ValueType.DATE:
        relative = st.builds(RelativeDate, st.integers(-120, 30), st.sampled_from("dwmy"))
        return st.one_of(st.sampled_from([d for d in DATES if d]), relative)
    return _values(fld)


def leaves(fields: dict[str, registry.Field]) -> st.SearchStrategy[Expr]:
    """A condition on one of `fields` with any operator it takes; the value type is drawn
    first, so the one date field is tried as often as all the code fields together."""
    by_type: dict[registry.ValueType, list[registry.Field]] = {}
    for fld in sorted(fields.values(), key=lambda f: f.name):
        by_type.setdefault(fld.type, []).append(fld)

    @st.composite
    def leaf(draw: st.DrawFn) -> Expr:
        kind = draw(st.sampled_from(sorted(by_type)))
        fld = draw(st.sampled_from(by_type[kind]))
        op = draw(st.sampled_from(fld.operators))
        if op in ("in", "not in"):
            values = draw(st.lists(_criteria_values(fld), min_size=1, max_size=3))
            return InList(fld.name, tuple(values), negated=op == "not in")
        if op in ("is empty", "is not empty"):
            return IsEmpty(fld.name, negated=op == "is not empty")
        if op == "matches":
            terms = draw(st.lists(st.sampled_from(FILTER_TERMS), min_size=1, max_size=3))
            joiner = draw(st.sampled_from(["|", "&"]))
            return Matches(fld.name, joiner.join(terms))
        return Compare(fld.name, op, draw(_criteria_values(fld)))

    return leaf()


def combined(base: st.SearchStrategy[Expr], max_leaves: int) -> st.SearchStrategy[Expr]:
    """`and`, `or` and `not` over `base`, flattened the way the parser builds them."""

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        many = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            many.map(lambda parts: flat(And, parts)),
            many.map(lambda parts: flat(Or, parts)),
            children.map(Not),
        )

    return st.recursive(base, extend, max_leaves=max_leaves)


def flat(kind: type[And] | type[Or], parts: list[Expr]) -> Expr:
    items: list[Expr] = []
    for part in parts:
        items.extend(part.parts if isinstance(part, kind) else (part,))
    return kind(tuple(items))


def relation_trees() -> st.SearchStrategy[Expr]:
    @st.composite
    def exists(draw: st.DrawFn) -> Expr:
        rel = draw(st.sampled_from(sorted(registry.RELATIONS)))
        fields = dict(registry.RELATIONS[rel].fields)
        inner = combined(leaves(fields), 3)
        return Exists(rel, draw(st.none() | inner))

    return exists()


def criteria_trees(max_leaves: int = 6) -> st.SearchStrategy[Expr]:
    """Random criteria over every contact field, relation and membership."""
    memberships = st.one_of(
        st.sampled_from(SEGMENTS).map(SegmentMember), st.integers(1, 2).map(LoggedSegmentMember)
    )
    contact = leaves(registry.CONTACT_FIELDS)
    base = st.one_of(contact, contact, relation_trees(), relation_trees(), memberships)
    return combined(base, max_leaves)


def _contact(draw: st.DrawFn, contact_id: int, company_id: int | None) -> Row:
    row: Row = {name: draw(_values(fld)) for name, fld in registry.CONTACT_FIELDS.items()}
    row.update(id=contact_id, no=f"C{contact_id}", company_id=company_id)
    row["type"] = "company" if company_id == contact_id else "person"
    return row


def _relation_rows(draw: st.DrawFn, rel: str, ids: list[int]) -> list[Row]:
    fields = registry.RELATIONS[rel].fields
    rows: list[Row] = []
    keys: set[tuple[Any, ...]] = set()
    for contact_id in draw(st.lists(st.sampled_from(ids), max_size=6)) if ids else []:
        row = {name: draw(_values(fld)) for name, fld in fields.items()}
        row["contact_id"] = contact_id
        if "code" in row:
            row["code"] = draw(st.sampled_from(CODES))
        if rel == "profile":
            row["questionnaire"] = draw(st.sampled_from(["Q1", "Q2"]))
            row["answer"] = ANSWERS.get((row["questionnaire"], row["answer_line"]), "")
        key = (contact_id, row.get("code"), row.get("questionnaire"), row.get("answer_line"))
        if rel == "interaction" or key not in keys:
            keys.add(key)
            rows.append(row)
    return rows


# The questionnaire lines the profile answers answer; line 0 has none (its answer is '').
ANSWERS = {
    ("Q1", 1): "Large",
    ("Q1", 2): "small",
    ("Q1", 3): "",
    ("Q2", 1): "Yes",
    ("Q2", 2): "No",
    ("Q2", 3): "Large",
}


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A small contact base: companies, their persons, persons without a company, their
    groups, relations, profile answers, interactions and segment lines."""
    companies = draw(st.integers(0, 3))
    persons = draw(st.integers(0, 4))
    contacts = [_contact(draw, i, i) for i in range(1, companies + 1)]
    for i in range(companies + 1, companies + persons + 1):
        company = draw(st.none() | st.integers(1, companies)) if companies else None
        contacts.append(_contact(draw, i, company))
    ids = [c["id"] for c in contacts]
    rows = {rel: _relation_rows(draw, rel, ids) for rel in registry.RELATIONS}
    segments = {
        no: set(draw(st.lists(st.sampled_from(ids), max_size=4))) if ids else set()
        for no in SEGMENTS
    }
    return World(contacts, rows, segments)
