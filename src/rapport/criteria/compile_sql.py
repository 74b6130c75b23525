"""Criteria tree → SQLAlchemy Core condition over the subject's table (X1): `contacts`
unless the criteria select another subject (subjects.py).

Relations become correlated EXISTS semi-joins: on the contact's own rows, or on its
company's rows (`contacts.company_id`) for industry groups and business relations, so a
person without a company never matches those and a company uses its own (reference §2.5).
Each condition on a field is its operator's SQL (operators.py); every value is a bound
parameter, and the SQL is the same on SQLite and PostgreSQL.
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
    intersect,
    literal,
    not_,
    or_,
    select,
    union,
)

from rapport.criteria import fields as registry
from rapport.criteria.operators import Column
from rapport.criteria.render import leaf_operator, render
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
segment_lines: Table = t.table_of(t.SegmentLine)
segment_headers: Table = t.table_of(t.SegmentHeader)
log_entries: Table = t.table_of(t.InteractionLogEntry)


def condition(
    expr: Expr, *, today: dt.date | None = None, subject: registry.Subject = registry.CONTACTS
) -> ColumnElement[bool]:
    """The SQL condition on the subject's table that selects the rows `expr` describes."""
    return _Compiler(today or dt.date.today(), subject).expr(expr, None)


def select_ids(
    expr: Expr, *, today: dt.date | None = None, subject: registry.Subject = registry.CONTACTS
) -> Select[tuple[Any]]:
    """SELECT the key (contacts.id, interaction_log_entries.entry_no …) of the rows `expr`
    selects."""
    key = subject.table.c[subject.key]
    return select(key).where(condition(expr, today=today, subject=subject))


def select_contact_ids(expr: Expr, *, today: dt.date | None = None) -> Select[tuple[int]]:
    """SELECT contacts.id of the contacts `expr` selects."""
    return select(contacts.c.id).where(condition(expr, today=today))


def parts(expr: Expr, subject: registry.Subject = registry.CONTACTS) -> Iterator[tuple[str, Expr]]:
    """The expression's top-level terms with their canonical text, to explain a match (X3):
    the conjuncts of an `and`, the alternatives of an `or`, or the expression itself."""
    items = expr.parts if isinstance(expr, And | Or) else (expr,)
    for item in items:
        yield render(item, subject), item


class _Compiler:
    def __init__(self, today: dt.date, subject: registry.Subject) -> None:
        self.today = today
        self.subject = subject

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
        return self.leaf(expr, rel)

    def leaf(
        self, expr: Compare | InList | IsEmpty | Matches, rel: registry.Relation | None
    ) -> ColumnElement[bool]:
        field = registry.lookup(self.subject, rel, expr.field)
        column = self.column(field, rel)
        argument: Any = None  # is empty / is not empty take nothing
        if isinstance(expr, Compare):
            argument = literal(self.value(expr.value), column.type)
        elif isinstance(expr, InList):
            argument = [self.value(value) for value in expr.values]
        elif isinstance(expr, Matches):
            argument = expr.filter
        return leaf_operator(expr).sql(column, argument, field.type)

    def column(self, field: registry.Field, rel: registry.Relation | None) -> Column:
        if rel is None:
            return self.subject.column(field)
        if rel.lines is not None and field.name == "answer":
            return func.coalesce(rel.lines.c[field.column], "")
        return rel.table.c[field.column]

    def value(self, value: Value) -> Any:
        return value.resolve(self.today) if isinstance(value, RelativeDate) else value

    def exists(self, expr: Exists) -> ColumnElement[bool]:
        rel = self.subject.relation(expr.relation)
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


def relation_driven_ids(expr: Expr, *, today: dt.date | None = None) -> Select[tuple[int]] | None:
    """SELECT contacts.id of the contacts `expr` selects, found from the relation rows, or
    None when a part of `expr` needs the contact row itself (a contact field, `not`).

    For criteria made of relations and memberships joined by `or` and `and`, each relation's
    matching rows are read through its code index and the contact ids combined with UNION
    and INTERSECT: the matching contacts are found once, instead of each contact (or each
    segment line) being tested on its own. A reduce or refine hashes that set against the
    segment's lines (SPEC §9)."""
    return _Ids(_Compiler(today or dt.date.today(), registry.CONTACTS)).ids(expr)


class _Ids:
    def __init__(self, compiler: _Compiler) -> None:
        self.compiler = compiler

    def ids(self, expr: Expr) -> Select[tuple[int]] | None:
        if isinstance(expr, Exists):
            return self.exists(expr)
        if isinstance(expr, SegmentMember):
            return (
                select(segment_lines.c.contact_id)
                .join(segment_headers, segment_headers.c.id == segment_lines.c.segment_id)
                .where(
                    segment_headers.c.no == expr.no,
                    segment_lines.c.removed_action.is_(None),
                    segment_lines.c.contact_id.is_not(None),
                )
            )
        if isinstance(expr, LoggedSegmentMember):
            return select(log_entries.c.contact_id).where(
                log_entries.c.logged_segment_entry_no == expr.entry_no,
                log_entries.c.canceled == false(),
                log_entries.c.contact_id.is_not(None),
            )
        if isinstance(expr, And | Or):
            parts = [self.ids(part) for part in expr.parts]
            if any(part is None for part in parts):
                return None
            combined = (union if isinstance(expr, Or) else intersect)(*parts)  # type: ignore[arg-type]
            # A compound inside a compound is read as a subquery (SQLite allows no nesting).
            return select(combined.subquery().c[0])
        return None

    def exists(self, expr: Exists) -> Select[tuple[int]]:
        rel = registry.CONTACTS.relation(expr.relation)
        table = rel.table
        where: list[ColumnElement[bool]] = []
        if expr.condition is not None:
            where.append(self.compiler.expr(expr.condition, rel))
        source: Any = table
        if rel.lines is not None:
            source = table.outerjoin(
                rel.lines,
                and_(
                    rel.lines.c.profile_questionnaire_code == table.c.profile_questionnaire_code,
                    rel.lines.c.line_no == table.c.line_no,
                ),
            )
        rows = select(table.c.contact_id).select_from(source).where(*where)
        if not rel.on_company:
            return rows
        return select(contacts.c.id).where(contacts.c.company_id.in_(rows))
