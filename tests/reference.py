"""The plain-Python reference evaluator of the criteria language (X1), for the differential
tests: it evaluates a tree over in-memory contacts and their relation rows the way SPEC §5
and reference §2.5 say, written independently of the SQL compiler, plus hypothesis
strategies for random contact bases and random criteria trees over them.

It shares nothing with the compiler but the tree: Business Central filters (`matches`) and
relative dates (`today - 3m`) are evaluated here from their description (SPEC §5, reference
bc-behaviour.md), and a world keys its rows by the criteria's own field names (`code`,
`answer_line` …), which `COLUMNS` maps to the database's columns on its own. Text is
compared code point by code point (byte order, as Business Central compares Code fields)
and `@` folds case with `str.casefold`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st

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
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from tests.bc_filters import bc_matches, resolve_date

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
    return (
        resolve_date(value.offset, value.unit, today) if isinstance(value, RelativeDate) else value
    )


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
    return bc_matches(expr.filter, value, code=fld.type is registry.ValueType.CODE)


# --- hypothesis strategies ----------------------------------------------------------------

CODES = ["A", "B", "C"]
SEGMENTS = ["SEG1", "SEG2"]
TEXTS = [
    "",
    "Acme",
    "acme bakery",
    "Bakery",
    "O'Brien",
    "50%_off",
    "zed",
    "a*b",
    "B?",
    "Émile",
    "émile",
    "Zoë Ærø",
    "élan",
    "f",
    "Straße",
    "STRASSE",
    "ΣΟΦΟΣ",
    "σοφος",
    "Işık",
    "ISIK",
]
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
    "É*",
    "*ë*",
    "émile",
    "e..f",
    "<f",
    ">élan",
    "Ä..",
    "@*MILE",
    "@*r*",
    "@*ss*",
    "@straße",
    "@σοφοσ",
    "@*Σ",
    "@*ış*",
    "@işık",
    "@É*",
]


# Each strategy below is built once and drawn from many times: hypothesis validates a
# strategy the first time it is drawn from, and building a new one for every draw (a
# `sampled_from` per cell, a `recursive` per `exists`) made generating the worlds and trees
# three quarters of the differential tests' time. The draws are the same either way.


@cache
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


@cache
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
    kinds = st.sampled_from(sorted(by_type))
    of_kind = {kind: st.sampled_from(found) for kind, found in by_type.items()}

    @st.composite
    def leaf(draw: st.DrawFn) -> Expr:
        fld = draw(of_kind[draw(kinds)])
        op = draw(_operators(fld))
        if op in ("in", "not in"):
            values = draw(_value_lists(fld))
            return InList(fld.name, tuple(values), negated=op == "not in")
        if op in ("is empty", "is not empty"):
            return IsEmpty(fld.name, negated=op == "is not empty")
        if op == "matches":
            return Matches(fld.name, draw(FILTERS))
        return Compare(fld.name, op, draw(_criteria_values(fld)))

    return leaf()


@cache
def _operators(fld: registry.Field) -> st.SearchStrategy[str]:
    return st.sampled_from(fld.operators)


@cache
def _value_lists(fld: registry.Field) -> st.SearchStrategy[list[Any]]:
    return st.lists(_criteria_values(fld), min_size=1, max_size=3)


JOINS = st.sampled_from(["|", "&", " | ", "&"])


def _joined(draw: st.DrawFn, parts: list[str]) -> str:
    """`parts` joined by `|` or `&`, drawn for each gap (mixed: A|B&C)."""
    text = parts[0]
    for part in parts[1:]:
        text += draw(JOINS) + part
    return text


@st.composite
def filters(draw: st.DrawFn) -> str:
    """A Business Central filter: terms mixed with `|` and `&`, some groups in
    parentheses, nested up to two levels."""
    return _joined(draw, draw(_GROUP_LISTS[2]))


TERMS = st.sampled_from(FILTER_TERMS)


@st.composite
def _group(draw: st.DrawFn, depth: int) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(TERMS)
    return "(" + _joined(draw, draw(_GROUP_LISTS[depth - 1])) + ")"


# the lists of groups nested up to `depth` levels, by depth
_GROUP_LISTS = {depth: st.lists(_group(depth), min_size=1, max_size=3) for depth in range(3)}
FILTERS = filters()


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
    relations = st.sampled_from(sorted(registry.RELATIONS))
    conditions = {
        rel: st.none() | combined(leaves(dict(relation.fields)), 3)
        for rel, relation in registry.RELATIONS.items()
    }

    @st.composite
    def exists(draw: st.DrawFn) -> Expr:
        rel = draw(relations)
        return Exists(rel, draw(conditions[rel]))

    return exists()


def memberships() -> st.SearchStrategy[Expr]:
    """`segment(NO)` of a world's segments and `logged_segment(N)` of its two logged ones."""
    return st.one_of(
        st.sampled_from(SEGMENTS).map(SegmentMember), st.integers(1, 2).map(LoggedSegmentMember)
    )


def criteria_trees(max_leaves: int = 6) -> st.SearchStrategy[Expr]:
    """Random criteria over every contact field, relation and membership."""
    contact = leaves(registry.CONTACT_FIELDS)
    base = st.one_of(contact, contact, relation_trees(), relation_trees(), memberships())
    return combined(base, max_leaves)


def driven_trees(max_leaves: int = 5) -> st.SearchStrategy[Expr]:
    """Random criteria of relations and memberships joined by `and` and `or` (no `not`, no
    contact field): those a reduce or a refine reads from the relations' rows."""

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        many = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            many.map(lambda parts: flat(And, parts)), many.map(lambda parts: flat(Or, parts))
        )

    base = st.one_of(relation_trees(), relation_trees(), memberships())
    return st.recursive(base, extend, max_leaves=max_leaves)


def _contact(draw: st.DrawFn, contact_id: int, company_id: int | None) -> Row:
    row: Row = {name: draw(_values(fld)) for name, fld in registry.CONTACT_FIELDS.items()}
    row.update(id=contact_id, no=f"C{contact_id}", company_id=company_id)
    row["type"] = "company" if company_id == contact_id else "person"
    return row


def blank_contact(contact_id: int, **values: Any) -> Row:
    """A company whose fields are blank but for `values`."""
    blanks = {
        registry.ValueType.ENUM: None,
        registry.ValueType.BOOL: False,
        registry.ValueType.DATE: None,
        registry.ValueType.INT: 0,
    }
    row: Row = {}
    for name, fld in registry.CONTACT_FIELDS.items():
        blank = blanks.get(fld.type, "")
        row[name] = fld.choices[0] if fld.type is registry.ValueType.ENUM else blank
    row.update(id=contact_id, no=f"C{contact_id}", company_id=contact_id, type="company")
    row.update(values)
    return row


@cache
def _some_of(ids: tuple[int, ...], most: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.sampled_from(ids), max_size=most)


ANY_CODE = st.sampled_from(CODES)
QUESTIONNAIRES = st.sampled_from(["Q1", "Q2"])


def _relation_rows(draw: st.DrawFn, rel: str, ids: list[int]) -> list[Row]:
    fields = registry.RELATIONS[rel].fields
    rows: list[Row] = []
    keys: set[tuple[Any, ...]] = set()
    for contact_id in draw(_some_of(tuple(ids), 6)) if ids else []:
        row = {name: draw(_values(fld)) for name, fld in fields.items()}
        row["contact_id"] = contact_id
        if "code" in row:
            row["code"] = draw(ANY_CODE)
        if rel == "profile":
            row["questionnaire"] = draw(QUESTIONNAIRES)
            row["answer"] = ANSWERS.get((row["questionnaire"], row["answer_line"]), "")
        key = (contact_id, row.get("code"), row.get("questionnaire"), row.get("answer_line"))
        if rel == "interaction" or key not in keys:
            keys.add(key)
            rows.append(row)
    return rows


# Where each relation's rows are stored: the table, and the column of each criteria field
# (`profile`'s answer is the questionnaire line's text, not stored on the answer row).
_INTERACTION_COLUMNS = {
    "template": "interaction_template_code",
    "group": "interaction_group_code",
    "segment": "segment_no",
    "campaign": "campaign_no",
    "salesperson": "salesperson_code",
    "logged_segment": "logged_segment_entry_no",
}
STORED: dict[str, tuple[Any, dict[str, str]]] = {
    "mailing_group": (t.ContactMailingGroup, {"code": "mailing_group_code"}),
    "job_responsibility": (t.ContactJobResponsibility, {"code": "job_responsibility_code"}),
    "web_source": (t.ContactWebSource, {"code": "web_source_code", "search_word": "search_word"}),
    "profile": (
        t.ContactProfileAnswer,
        {"questionnaire": "profile_questionnaire_code", "answer_line": "line_no"},
    ),
    "industry_group": (t.ContactIndustryGroup, {"code": "industry_group_code"}),
    "business_relation": (
        t.ContactBusinessRelation,
        {"code": "business_relation_code", "link_to_table": "link_to_table", "link_no": "link_no"},
    ),
    "opted_out": (t.ContactOptOut, {"type": "correspondence_type"}),
    "interaction": (t.InteractionLogEntry, _INTERACTION_COLUMNS),
}


def stored_row(rel: str, row: Row) -> Row:
    """A relation row as the database stores it."""
    _table, columns = STORED[rel]
    out: Row = {"contact_id": row["contact_id"]}
    for name, value in row.items():
        if (rel == "profile" and name == "answer") or name == "contact_id":
            continue
        out[columns.get(name, name) if rel == "interaction" else columns[name]] = value
    return out


# The questionnaire lines the profile answers answer; line 0 has none (its answer is '').
ANSWERS = {
    ("Q1", 1): "Large",
    ("Q1", 2): "small",
    ("Q1", 3): "",
    ("Q2", 1): "Yes",
    ("Q2", 2): "Σοφός",
    ("Q2", 3): "Große",
}


@cache
def _a_company_or_none(companies: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(1, companies)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A small contact base: companies, their persons, persons without a company, their
    groups, relations, profile answers, interactions and segment lines."""
    companies = draw(st.integers(0, 3))
    persons = draw(st.integers(0, 4))
    contacts = [_contact(draw, i, i) for i in range(1, companies + 1)]
    for i in range(companies + 1, companies + persons + 1):
        company = draw(_a_company_or_none(companies)) if companies else None
        contacts.append(_contact(draw, i, company))
    ids = [c["id"] for c in contacts]
    rows = {rel: _relation_rows(draw, rel, ids) for rel in registry.RELATIONS}
    segments = {no: set(draw(_some_of(tuple(ids), 4))) if ids else set() for no in SEGMENTS}
    return World(contacts, rows, segments)


def add_options() -> st.SearchStrategy[AddOptions]:
    """Any combination of the four options of Add Contacts (S3, reference §2.5)."""
    return st.builds(
        AddOptions,
        allow_existing=st.booleans(),
        expand_companies=st.booleans(),
        related_companies=st.booleans(),
        ignore_exclusion=st.booleans(),
    )
