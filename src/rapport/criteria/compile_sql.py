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
from collections.abc import Callable, Iterator, Sequence
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
from sqlalchemy.sql.selectable import SelectBase
from sqlalchemy.sql.visitors import iterate
from sqlalchemy.types import Boolean

from rapport.criteria import fields as registry
from rapport.criteria.operators import Column, matches
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
from rapport.criteria.walk import fold
from rapport.storage import schema

contacts = registry.CONTACT_TABLE
segment_lines: Table = schema.segment_lines
segment_headers: Table = schema.segment_headers
log_entries: Table = schema.interaction_log_entries


def condition(
    expr: Expr,
    *,
    today: dt.date | None = None,
    subject: registry.Subject = registry.CONTACTS,
    likely: Sequence[float] | None = None,
) -> ColumnElement[bool]:
    """The SQL condition on the subject's table that selects the rows `expr` describes.
    `likely`, for an `expr` that is an `and`, gives each of its parts in order a pass rate
    (likely.py): those that probe a subquery are written least likely first, which changes
    what the engine reads, not what the condition selects."""
    if likely is not None and isinstance(expr, And):
        order = sorted(range(len(expr.parts)), key=likely.__getitem__)
        expr = And(tuple(expr.parts[index] for index in order))
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


Context = registry.Relation | None
_GROUP = 50  # the most terms one and/or of the SQL holds, so its depth stays small


class _Group(FunctionElement[bool]):
    """A condition in parentheses the SQL keeps (SQLAlchemy drops those of an `or` inside
    an `or`)."""

    type = Boolean()
    inherit_cache = True
    name = "bc_group"


@compiles(_Group)
def _parenthesised(element: _Group, compiler: Any, **kw: Any) -> str:
    (inner,) = list(element.clauses)
    return f"({compiler.process(inner, **kw)})"


def balanced(
    join: Callable[..., ColumnElement[bool]], terms: list[ColumnElement[bool]]
) -> ColumnElement[bool]:
    """`join(*terms)` nested in groups of at most _GROUP: SQLite reads `a OR b OR …` as a
    chain as deep as it is long and refuses past 1,000 levels; grouped, 100,000 terms are
    three levels of at most 50."""
    while len(terms) > _GROUP:
        terms = [_Group(join(*terms[i : i + _GROUP])) for i in range(0, len(terms), _GROUP)]
    return join(*terms)


def cheap_first(terms: list[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """The terms of an `and`, those that test the row's own columns before those that run a
    subquery (a relation's EXISTS, a membership's IN), each group in its order. SQLite
    evaluates the terms in the order written and stops at the first false one, so a
    contact outside the post code range is not probed in two relations (a preview at 1M:
    12 % less CPU); PostgreSQL orders the terms by their cost itself."""
    return sorted(terms, key=runs_a_subquery)


def runs_a_subquery(term: ColumnElement[bool]) -> bool:
    return any(isinstance(element, SelectBase) for element in iterate(term))


def unnegated(expr: Not) -> tuple[Expr, bool]:
    """What a chain `not not … x` negates, and whether the chain's length is odd (in the
    language's two-valued logic `not not x` is x)."""
    inner: Expr = expr
    odd = False
    while isinstance(inner, Not):
        inner, odd = inner.operand, not odd
    return inner, odd


def _equality(expr: Expr) -> tuple[tuple[str, str], tuple[Value, ...]] | None:
    """(what it compares, its values) of `field = v`, `field in (…)` or their relation
    forms `RELATION(code = v)` — the terms an `or` can fold into one `in`."""
    if isinstance(expr, Compare) and expr.op == "=" and not isinstance(expr.value, bool):
        return ("", expr.field), (expr.value,)
    if isinstance(expr, InList) and not expr.negated:
        return ("", expr.field), expr.values
    if isinstance(expr, Exists) and isinstance(expr.condition, Compare | InList):
        found = _equality(expr.condition)
        if found is not None:
            return (expr.relation, found[0][1]), found[1]
    return None


def folded(parts: tuple[Expr, ...]) -> list[Expr]:
    """The alternatives of an `or` with the equalities on one field folded into one `in`
    (`country = BE or country = NL` → `country in (BE, NL)`), in first-seen order."""
    groups: dict[tuple[str, str], list[Expr]] = {}
    order: list[Expr | tuple[str, str]] = []
    for part in parts:
        found = _equality(part)
        if found is None:
            order.append(part)
        elif found[0] in groups:
            groups[found[0]].append(part)
        else:
            groups[found[0]] = [part]
            order.append(found[0])
    return [item if not isinstance(item, tuple) else _one_in(item, groups[item]) for item in order]


def _one_in(key: tuple[str, str], parts: list[Expr]) -> Expr:
    """One `in` of the values of `parts`, all equalities on the field `key` names."""
    if len(parts) == 1:
        return parts[0]
    values: dict[Value, None] = {}
    for part in parts:
        found = _equality(part)
        values.update(dict.fromkeys(found[1] if found else ()))
    relation, field = key
    listed = InList(field, tuple(values))
    return Exists(relation, listed) if relation else listed


class _Compiler:
    def __init__(self, today: dt.date, subject: registry.Subject) -> None:
        self.today = today
        self.subject = subject

    def expr(self, expr: Expr, rel: registry.Relation | None) -> ColumnElement[bool]:
        """The condition of `expr`, built bottom-up by a loop (walk.py): any depth compiles."""
        return fold(expr, rel, self.kids, self.build)

    def kids(self, expr: Expr, rel: registry.Relation | None) -> list[tuple[Expr, Context]]:
        if isinstance(expr, And):
            return [(part, rel) for part in expr.parts]
        if isinstance(expr, Or):
            return [(part, rel) for part in folded(expr.parts)]
        if isinstance(expr, Not):
            return [(unnegated(expr)[0], rel)]
        if isinstance(expr, Exists) and expr.condition is not None:
            return [(expr.condition, self.subject.relation(expr.relation))]
        return []

    def build(
        self, expr: Expr, rel: registry.Relation | None, made: list[ColumnElement[bool]]
    ) -> ColumnElement[bool]:
        if isinstance(expr, And):
            return balanced(and_, cheap_first(made))
        if isinstance(expr, Or):
            return balanced(or_, made)
        if isinstance(expr, Not):
            return not_(made[0]) if unnegated(expr)[1] else made[0]
        if isinstance(expr, Exists):
            return self.exists(expr, made[0] if made else None)
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
            folded = self.folded(field, rel)
            if folded is not None:
                return matches(column, expr.filter, field.type, folded=folded)
            argument = expr.filter
        return leaf_operator(expr).sql(column, argument, field.type)

    def folded(self, field: registry.Field, rel: registry.Relation | None) -> Column | None:
        """The SQL of the field's casefolded copy, which `@` compares (None for a code)."""
        if field.folded_expression is not None:
            return field.folded_expression
        if field.folded is None:
            return None
        if rel is None:
            return self.subject.table.c[field.folded]
        if rel.lines is not None and field.name == "answer":
            return func.coalesce(rel.lines.c[field.folded], "")
        return rel.table.c[field.folded]

    def column(self, field: registry.Field, rel: registry.Relation | None) -> Column:
        if rel is None:
            return self.subject.column(field)
        if rel.lines is not None and field.name == "answer":
            return func.coalesce(rel.lines.c[field.column], "")
        return rel.table.c[field.column]

    def value(self, value: Value) -> Any:
        return value.resolve(self.today) if isinstance(value, RelativeDate) else value

    def exists(self, expr: Exists, inner: ColumnElement[bool] | None) -> ColumnElement[bool]:
        rel = self.subject.relation(expr.relation)
        table = rel.table
        owner = contacts.c.company_id if rel.on_company else contacts.c.id
        where: list[ColumnElement[bool]] = [table.c.contact_id == owner]
        if inner is not None:
            where.append(inner)
        return exists(select(literal(1)).select_from(relation_rows(rel)).where(*where))

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


def relation_rows(relation: registry.Relation) -> Any:
    """What a relation's rows are read from: its table, joined to the questionnaire lines
    its rows answer where it has them (a profile answer's text is its line's)."""
    table = relation.table
    if relation.lines is None:
        return table
    return table.outerjoin(
        relation.lines,
        and_(
            relation.lines.c.profile_questionnaire_code == table.c.profile_questionnaire_code,
            relation.lines.c.line_no == table.c.line_no,
        ),
    )


def relation_condition(
    condition: Expr, relation: registry.Relation, *, today: dt.date | None = None
) -> ColumnElement[bool]:
    """The condition on the rows of a contact relation that `condition` (the part inside
    `relation = …`) asks for; what `criteria.driven` reads each relation's rows with."""
    return _Compiler(today or dt.date.today(), registry.CONTACTS).expr(condition, relation)
