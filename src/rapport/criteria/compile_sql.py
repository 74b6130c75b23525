"""Criteria tree → SQLAlchemy Core condition over the `contacts` table (X1).

Relations become correlated EXISTS semi-joins: on the contact's own rows, or on its
company's rows (`contacts.company_id`) for industry groups and business relations, so a
person without a company never matches those and a company uses its own (reference §2.5).
Every value is a bound parameter. The logic is two-valued: an empty date fails every
comparison but `!=` and `not in`, so `not` always means "the rest". The SQL is the same on
SQLite and PostgreSQL, except case-sensitive wildcards: GLOB on SQLite (whose LIKE ignores
case), LIKE on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.render import render
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
from rapport.storage import tables as t

contacts = registry.CONTACT_TABLE
segment_lines: Table = t.SegmentLine.__table__  # type: ignore[assignment]
segment_headers: Table = t.SegmentHeader.__table__  # type: ignore[assignment]
log_entries: Table = t.InteractionLogEntry.__table__  # type: ignore[assignment]

Column = ColumnElement[Any]


class _Wildcard(FunctionElement[bool]):
    """`column` matches a Business Central wildcard pattern, case-sensitively."""

    type = Boolean()
    inherit_cache = True
    name = "bc_wildcard"


@compiles(_Wildcard)
def _like(element: _Wildcard, compiler: Any, **kw: Any) -> str:
    column, like, _glob = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(like, **kw)} ESCAPE '\\'"


@compiles(_Wildcard, "sqlite")
def _glob(element: _Wildcard, compiler: Any, **kw: Any) -> str:
    column, _like, glob = list(element.clauses)
    return f"{compiler.process(column, **kw)} GLOB {compiler.process(glob, **kw)}"


_LIKE_ESCAPES = {"\\": "\\\\", "%": "\\%", "_": "\\_", "*": "%", "?": "_"}
_GLOB_ESCAPES = {"[": "[[]", "*": "*", "?": "?"}


def _wildcard(column: Column, pattern: str) -> ColumnElement[bool]:
    """`column` matches the BC pattern: LIKE (escaped) on PostgreSQL, GLOB on SQLite."""
    like = "".join(_LIKE_ESCAPES.get(char, char) for char in pattern)
    glob = "".join(_GLOB_ESCAPES.get(char, char) for char in pattern)
    return _Wildcard(column, literal(like), literal(glob))


def condition(expr: Expr, *, today: dt.date | None = None) -> ColumnElement[bool]:
    """The SQL condition on `contacts` that selects the contacts `expr` describes."""
    return _Compiler(today or dt.date.today()).expr(expr, None)


def select_contact_ids(expr: Expr, *, today: dt.date | None = None) -> Select[tuple[int]]:
    """SELECT contacts.id of the contacts `expr` selects."""
    return select(contacts.c.id).where(condition(expr, today=today))


def parts(expr: Expr) -> Iterator[tuple[str, Expr]]:
    """The expression's top-level terms with their canonical text, to explain a match (X3):
    the conjuncts of an `and`, the alternatives of an `or`, or the expression itself."""
    items = expr.parts if isinstance(expr, And | Or) else (expr,)
    for item in items:
        yield render(item), item


class _Compiler:
    def __init__(self, today: dt.date) -> None:
        self.today = today

    def expr(self, expr: Expr, rel: registry.Relation | None) -> ColumnElement[bool]:
        if isinstance(expr, And):
            return and_(*(self.expr(part, rel) for part in expr.parts))
        if isinstance(expr, Or):
            return or_(*(self.expr(part, rel) for part in expr.parts))
        if isinstance(expr, Not):
            return not_(self.expr(expr.operand, rel))
        if isinstance(expr, Exists):
            return self.exists(expr)
        if isinstance(expr, SegmentMember):
            return self.segment(expr.no)
        if isinstance(expr, LoggedSegmentMember):
            return self.logged_segment(expr.entry_no)
        field = self.field(expr.field, rel)
        column = self.column(field, rel)
        if isinstance(expr, Compare):
            return self.compare(field, column, expr.op, expr.value)
        if isinstance(expr, InList):
            return self.in_list(field, column, expr)
        if isinstance(expr, IsEmpty):
            return self.is_empty(field, column, negated=expr.negated)
        return self.matches(field, column, expr)

    def field(self, name: str, rel: registry.Relation | None) -> registry.Field:
        return registry.contact_field(name) if rel is None else registry.relation_field(rel, name)

    def column(self, field: registry.Field, rel: registry.Relation | None) -> Column:
        if rel is None:
            return contacts.c[field.column]
        if rel.lines is not None and field.name == "answer":
            return func.coalesce(rel.lines.c[field.column], "")
        return rel.table.c[field.column]

    def value(self, value: Value) -> Any:
        return value.resolve(self.today) if isinstance(value, RelativeDate) else value

    def compare(self, field: registry.Field, column: Column, op: str, value: Value) -> Column:
        bound = literal(self.value(value), column.type)
        compared = {
            "=": column == bound,
            "!=": column != bound,
            "<": column < bound,
            "<=": column <= bound,
            ">": column > bound,
            ">=": column >= bound,
        }[op]
        if field.type is not registry.ValueType.DATE:
            return compared
        if op == "!=":
            return or_(column.is_(None), compared)
        return and_(column.is_not(None), compared)

    def in_list(self, field: registry.Field, column: Column, expr: InList) -> Column:
        values = [self.value(value) for value in expr.values]
        found: ColumnElement[bool] = column.in_(values)
        if field.type is registry.ValueType.DATE:
            found = and_(column.is_not(None), found)
        return not_(found) if expr.negated else found

    def is_empty(self, field: registry.Field, column: Column, *, negated: bool) -> Column:
        if field.type is registry.ValueType.DATE:
            return column.is_not(None) if negated else column.is_(None)
        return column != "" if negated else column == ""

    def matches(self, field: registry.Field, column: Column, expr: Matches) -> Column:
        node = bcfilter.parse_filter(expr.filter)
        upper = field.type is registry.ValueType.CODE
        return self.filter(bcfilter.normalized(node, upper=upper), column)

    def filter(self, node: bcfilter.Filter, column: Column) -> Column:
        if isinstance(node, bcfilter.AnyOf):
            return or_(*(self.filter(part, column) for part in node.parts))
        if isinstance(node, bcfilter.AllOf):
            return and_(*(self.filter(part, column) for part in node.parts))
        return self.term(node, column)

    def term(self, term: bcfilter.Term, column: Column) -> Column:
        value, upper = term.value, term.upper
        if term.ignore_case:
            column, value, upper = func.lower(column), value.lower(), upper.lower()
        if term.op in ("like", "not like"):
            found = _wildcard(column, value)
            return not_(found) if term.op == "not like" else found
        if term.op == "..":
            return and_(column >= literal(value), column <= literal(upper))
        op = "!=" if term.op == "<>" else term.op
        return self.compare(_TEXT, column, op, value)

    def exists(self, expr: Exists) -> ColumnElement[bool]:
        rel = registry.relation(expr.relation)
        table = rel.table
        owner = contacts.c.company_id if rel.on_company else contacts.c.id
        where: list[ColumnElement[bool]] = [table.c.contact_id == owner]
        if expr.condition is not None:
            where.append(self.expr(expr.condition, rel))
        source: Any = table
        if rel.lines is not None:
            source = table.outerjoin(
                rel.lines,
                and_(
                    rel.lines.c.profile_questionnaire_code == table.c.profile_questionnaire_code,
                    rel.lines.c.line_no == table.c.line_no,
                ),
            )
        return exists(select(literal(1)).select_from(source).where(*where))

    def segment(self, no: str) -> ColumnElement[bool]:
        return exists(
            select(literal(1))
            .select_from(
                segment_lines.join(
                    segment_headers, segment_headers.c.id == segment_lines.c.segment_id
                )
            )
            .where(
                segment_headers.c.no == no,
                segment_lines.c.contact_id == contacts.c.id,
                segment_lines.c.removed_action.is_(None),
            )
        )

    def logged_segment(self, entry_no: int) -> ColumnElement[bool]:
        return exists(
            select(literal(1)).where(
                log_entries.c.contact_id == contacts.c.id,
                log_entries.c.logged_segment_entry_no == entry_no,
                log_entries.c.canceled == false(),
            )
        )


_TEXT = registry.Field("text", "text", registry.ValueType.TEXT, "text")
