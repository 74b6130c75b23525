"""Criteria → the bitmap of the contacts they select, from the accelerator's index (X2).

Only what the index answers exactly is taken: `and`, `or`, `not`; `=`, `!=`, the orderings
(byte order, as the SQL's COLLATE "C"), `in`, `not in`, `is (not) empty` on a kept contact
field; a code relation with no condition or a condition on its code alone; `segment(NO)`;
and the conditions that need a scan (_accel_scan): any of those and `matches` on a text
field, and `interaction(…)` on its date alone. A field's condition is the union of the
bitmaps of the values it holds for, so it is exact whatever the values are. The parts of an
`and` that need a scan come last, tested only on the contacts the others left when those
are few. Anything else raises `Unsupported`, and SQL answers instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pyroaring import BitMap

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.operators import ValueType
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    IsEmpty,
    Matches,
    Not,
    Or,
    SegmentMember,
)
from rapport.services.segments import _accel_dates
from rapport.services.segments import _accel_scan as scan
from rapport.services.segments._accel_state import Index, Values, as_bitmap, code_relations

Predicate = Callable[[Any], bool]


Unsupported = scan.Unsupported  # the index cannot answer these criteria exactly


class Evaluator:
    def __init__(self, index: Index, segment: Callable[[str], BitMap]) -> None:
        self.index = index
        self.segment = segment
        self.today = dt.date.today()

    def ids(self, expr: Expr) -> BitMap:
        """The contacts `expr` selects; Unsupported when the index cannot say exactly."""
        try:
            return self._ids(expr)
        except RecursionError:
            raise Unsupported("too deep") from None

    def _ids(self, expr: Expr, within: BitMap | None = None) -> BitMap:
        if isinstance(expr, And):
            parts = sorted(expr.parts, key=self._scans)  # the bitmaps first, the scans last
            found = self._ids(parts[0], within)
            for part in parts[1:]:
                found &= self._ids(part, found)
            return found
        if isinstance(expr, Or):
            return BitMap.union(*(self._ids(part) for part in expr.parts))
        if isinstance(expr, Not):
            return self.index.universe - self._ids(expr.operand)
        if isinstance(expr, SegmentMember):
            return self.segment(expr.no) & self.index.universe
        if isinstance(expr, Exists):
            return self._exists(expr)
        if isinstance(expr, Compare | InList | IsEmpty | Matches):
            field = registry.CONTACTS.field(expr.field)
            column = self.index.texts.get(field.column)
            if column is not None and field.type is ValueType.TEXT:
                return self._text(expr, column, within)
            values = self.index.fields.get(field.column)
            if values is None:
                raise Unsupported(expr.field)
            test = predicate(expr) if not isinstance(expr, Matches) else filtered(expr, field)
            return _union(values, test)
        raise Unsupported(type(expr).__name__)

    def _scans(self, expr: Expr) -> bool:
        """Whether `expr` is a condition that needs a scan (a text field, a date)."""
        if isinstance(expr, Exists):
            return expr.relation == "interaction"
        if isinstance(expr, Compare | InList | IsEmpty | Matches):
            return registry.CONTACTS.field(expr.field).column in self.index.texts
        return False

    def _text(
        self,
        expr: Compare | InList | IsEmpty | Matches,
        column: scan.TextColumn,
        within: BitMap | None,
    ) -> BitMap:
        if isinstance(expr, Matches):
            test = scan.filter_test(bcfilter.parse_filter(expr.filter))
        else:
            test = scan.leaf_test(expr)
        return as_bitmap(column.select(test, within)) & self.index.universe

    def _exists(self, expr: Exists) -> BitMap:
        if expr.relation == "interaction" and self.index.dated is not None:
            on_day = (
                _accel_dates.date_test(expr.condition, self.today)
                if expr.condition is not None
                else (lambda _day: True)
            )
            return self.index.dated.select(on_day) & self.index.universe
        kept = code_relations().get(expr.relation)
        if kept is None:
            raise Unsupported(expr.relation)
        rel = kept[0]
        code = rel.fields[rel.shorthand] if rel.shorthand else None
        test = _on_code(expr.condition, rel, code) if expr.condition is not None else None
        values = self.index.relations.get(rel.name)
        if values is None:
            raise Unsupported(rel.name)
        owners = _union(values, test or (lambda _value: True))
        if rel.on_company:
            return self.index.persons_of(owners)
        return owners & self.index.universe


def _union(values: Values, test: Predicate) -> BitMap:
    chosen = [bitmap for value, bitmap in values.items() if test(value)]
    return BitMap.union(*chosen) if chosen else BitMap()


def predicate(expr: Compare | InList | IsEmpty) -> Predicate:
    """The test of one value that `expr` makes (its field's values are never NULL)."""
    if isinstance(expr, Compare):
        compare, wanted = scan.ORDERINGS[expr.op], expr.value
        if expr.op not in ("=", "!=") and isinstance(wanted, bool):
            raise Unsupported(expr.op)
        return lambda value: bool(compare(value, wanted))
    if isinstance(expr, InList):
        listed = set(expr.values)
        return (lambda value: value not in listed) if expr.negated else (lambda v: v in listed)
    if expr.negated:
        return lambda value: value != ""
    return lambda value: value == ""


def filtered(expr: Matches, field: registry.Field) -> Predicate:
    """The test of `field matches 'FILTER'` on a Code field's value, as operators.matches
    compiles it: values upper-cased, ranges and comparisons in byte order, wildcards as
    GLOB/LIKE (`*` any run, `?` one character); a case-insensitive term on a Code field
    compares the stored (upper-case) value with the upper-cased one."""
    if field.type is not ValueType.CODE or field.folded is not None:
        raise Unsupported(field.name)
    return _filter_test(bcfilter.normalized(bcfilter.parse_filter(expr.filter), upper=True))


def _filter_test(node: bcfilter.Filter) -> Predicate:
    if isinstance(node, bcfilter.AnyOf | bcfilter.AllOf):
        tests = [_filter_test(part) for part in node.parts]
        join = any if isinstance(node, bcfilter.AnyOf) else all
        return lambda value: join(test(value) for test in tests)
    low, high = node.value, node.upper
    if node.op == "..":
        return lambda value: low <= value <= high
    if node.op in ("like", "not like"):
        pattern = re.compile(_regex(low), re.DOTALL)
        wanted = node.op == "like"
        return lambda value: (pattern.fullmatch(value) is not None) == wanted
    compare = scan.ORDERINGS[bcfilter_op(node.op)]
    return lambda value: bool(compare(value, low))


def bcfilter_op(op_text: str) -> str:
    return "!=" if op_text == "<>" else op_text


def _regex(pattern: str) -> str:
    pieces = {"*": ".*", "?": "."}
    return "".join(
        pieces[kind] if kind in pieces else re.escape(text)
        for kind, text in bcfilter.like_pattern(pattern)
    )


def _on_code(expr: Expr, rel: registry.Relation, code: registry.Field | None) -> Predicate:
    """The test of a relation row's code that `expr` (on the row's code alone) makes."""
    if code is None:
        raise Unsupported(rel.name)
    if isinstance(expr, And | Or):
        tests = [_on_code(part, rel, code) for part in expr.parts]
        join = all if isinstance(expr, And) else any
        return lambda value: join(test(value) for test in tests)
    if isinstance(expr, Not):
        inner = _on_code(expr.operand, rel, code)
        return lambda value: not inner(value)
    if isinstance(expr, Compare | InList | IsEmpty):
        if registry.relation_field(rel, expr.field).name != code.name:
            raise Unsupported(expr.field)
        return predicate(expr)
    raise Unsupported(type(expr).__name__)
