"""A dynamic segment's definition (X4): its criteria actions — add, reduce, refine with
their options, in order, not those made by hand nor the refreshes — read as one condition
on a contact, and what that condition depends on (other segments, the date, a contact's
company).

The condition folds the actions the way replaying them on an empty segment would: an add
puts in the contacts its selection (expansion included) picks and its consent and exclusion
rules let through, a reduce takes out those that match (for entire companies: their
colleagues too), a refine keeps only those. Each step is made two-valued (`_holds`), as
the WHERE clause of the action it stands for reads it, so NULLs decide as they did there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, case, false, not_, or_, select, true

from rapport.criteria import Criteria, no_contact, render
from rapport.criteria.fields import relation
from rapport.criteria.tree import And, Exists, Expr, Not, Or, SegmentMember
from rapport.criteria.values import RelativeDate
from rapport.domain.enums import SegmentAction
from rapport.services._likely import likely_condition
from rapport.services.segments._lines import (
    companies_of,
    contacts,
    correspondence_type,
    selection,
)
from rapport.services.segments._rules import exclusion_rules
from rapport.services.segments.results import AddOptions
from rapport.storage import schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

DEFINING = (SegmentAction.ADD.value, SegmentAction.REDUCE.value, SegmentAction.REFINE.value)


@dataclass(frozen=True)
class Step:
    """One criteria action of the definition."""

    action: str
    criteria: Criteria
    options: AddOptions
    entire_companies: bool


@dataclass(frozen=True)
class Definition:
    steps: tuple[Step, ...]

    @property
    def referenced(self) -> set[str]:
        """The segment nos. its criteria read with `segment(NO)`."""
        return {no for step in self.steps for no in _segments(step.criteria.tree)}

    @property
    def dated(self) -> bool:
        """Whether a criteria value is relative to today (its result moves with the date)."""
        return any(_dated(step.criteria.tree) for step in self.steps)

    @property
    def by_company(self) -> bool:
        """Whether a contact's membership can follow another contact of its company."""
        return any(
            step.options.expand_companies or step.options.related_companies or step.entire_companies
            for step in self.steps
        )

    @property
    def reads_companies(self) -> bool:
        """Whether a person's membership reads its company's rows: a relation kept on the
        company (industry groups, business relations), so a change marked on the company
        moves its persons. A person's own columns copied from its company are marked on the
        person when they change."""
        return any(_on_company(step.criteria.tree) for step in self.steps)

    def criteria(self) -> Criteria:
        """The definition as one criteria expression, recorded with a refresh (S7, X3):
        its options are not part of the language and are read from the actions."""
        tree: Expr | None = None
        for step in self.steps:
            if step.action == SegmentAction.ADD.value:
                tree = step.criteria.tree if tree is None else Or((tree, step.criteria.tree))
            elif tree is not None:
                own = step.criteria.tree
                tree = And((tree, Not(own) if step.action == "reduce" else own))
        # Read back from its text: the parser flattens the nested ands and ors built here.
        return no_contact() if tree is None else Criteria.parse(render(tree))


def definition(session: Db, segment_id: int) -> Definition:
    """The segment's definition: its add, reduce and refine actions not made by hand."""
    actions = schema.segment_criteria_lines
    rows = session.execute(
        select(actions)
        .where(
            actions.c.segment_id == segment_id,
            actions.c.action.in_(DEFINING),
            actions.c.manual == false(),
        )
        .order_by(actions.c.action_no)
    ).all()
    return Definition(
        tuple(
            Step(
                action=row.action,
                criteria=Criteria.parse(row.criteria),
                options=AddOptions(
                    expand_companies=row.expand_contact,
                    related_companies=row.allow_company_with_persons,
                    ignore_exclusion=row.ignore_exclusion,
                ),
                entire_companies=row.entire_companies,
            )
            for row in rows
        )
    )


def _holds(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """True where `condition` is true; false where it is false or NULL."""
    return case((condition, true()), else_=false())


# The contacts a step picks, computed elsewhere (on Spark): step index → a two-valued
# condition on `contacts` (an add's selection with its expansion, a removal's matches with
# entire companies).
Picked = Callable[[int], ColumnElement[bool]]


def membership(
    session: Session, header: SegmentHeader, found: Definition, *, picked: Picked | None = None
) -> ColumnElement[bool]:
    """The condition on `contacts` of being on the segment by its definition now; with
    `picked`, each step's contacts come from it and consent and exclusion from here."""
    member: ColumnElement[bool] = false()
    line_type = correspondence_type(session, header)
    for index, step in enumerate(found.steps):
        if step.action == SegmentAction.ADD.value:
            rules = exclusion_rules(session, line_type, step.options)
            chosen = (
                selection(session, step.criteria, step.options) if picked is None else picked(index)
            )
            member = or_(member, _holds(and_(chosen, *(rule.passes for rule in rules))))
            continue
        matched = _matched(session, step) if picked is None else picked(index)
        member = and_(member, not_(matched) if step.action == "reduce" else matched)
    return member


def _matched(session: Session, step: Step) -> ColumnElement[bool]:
    """The contacts a reduce or refine step takes (for entire companies: their colleagues),
    the probing terms of its criteria least likely first where that counts (as an add
    step's `selection`, services/_likely.py)."""
    condition = likely_condition(session, step.criteria)
    matched = _holds(condition)
    if step.entire_companies:
        companies = companies_of(condition)
        matched = or_(matched, _holds(contacts.c.company_id.in_(companies)))
    return matched


def _walk(tree: Expr) -> Iterator[Expr]:
    yield tree
    if isinstance(tree, And | Or):
        for part in tree.parts:
            yield from _walk(part)
    elif isinstance(tree, Not):
        yield from _walk(tree.operand)
    elif isinstance(tree, Exists) and tree.condition is not None:
        yield from _walk(tree.condition)


def _on_company(tree: Expr) -> bool:
    return any(
        isinstance(node, Exists) and relation(node.relation).on_company for node in _walk(tree)
    )


def _segments(tree: Expr) -> Iterator[str]:
    for node in _walk(tree):
        if isinstance(node, SegmentMember):
            yield node.no


def _dated(tree: Expr) -> bool:
    for node in _walk(tree):
        values: Sequence[object] = ()
        if hasattr(node, "value"):
            values = (node.value,)
        elif hasattr(node, "values"):
            values = node.values
        if any(isinstance(value, RelativeDate) for value in values):
            return True
    return False
