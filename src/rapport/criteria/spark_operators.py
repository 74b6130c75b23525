"""The operators of the criteria language as Spark column expressions (issue 16): the Spark
twin of each operator's SQL in operators.py, with the same two-valued logic (an empty date
fails every comparison but `!=` and `not in`) and Business Central filters with the same
semantics as the database target.

Strings compare in byte order (Spark's default binary collation, as COLLATE "C" and SQLite
do). `@` folds case exactly as operators.matches does on the database: a contact's name,
company name and city through the lake's `str.casefold()` copy of the field with the
casefolded value (Spark's own lower() is not casefold: it keeps "ß" and writes a final
sigma "ς"), a code as it is stored with the upper-cased value, and any other text the way
the database's `lower()` does (ASCII letters only, on SQLite and on PostgreSQL's "C"
collation) with the value through Python's `lower()`. Wildcards are LIKE with every `%`,
`_` and `\\` escaped. Only built-in expressions: no Python runs per row.
`SPARK_OPERATORS` has one entry per operator of `operators.OPERATORS` (a unit test keeps
them in step).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from functools import reduce
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F

from rapport.criteria import bcfilter
from rapport.criteria.operators import ValueType, operator

__all__ = ["SPARK_OPERATORS", "matches", "spark_operator"]

SparkSql = Callable[[Column, Any, ValueType], Column]


def _dated(found: Column, column: Column, kind: ValueType) -> Column:
    return column.isNotNull() & found if kind is ValueType.DATE else found


def _not_equal(column: Column, value: Any, kind: ValueType) -> Column:
    different: Column = column != value
    return column.isNull() | different if kind is ValueType.DATE else different


def _empty(column: Column, kind: ValueType) -> Column:
    return column.isNull() if kind is ValueType.DATE else column == F.lit("")


def _in(column: Column, values: list[Any], kind: ValueType) -> Column:
    return _dated(column.isin(*values), column, kind)


def matches(column: Column, text: str, kind: ValueType, *, folded: Column | None = None) -> Column:
    """`column` matches the Business Central filter `text`; a case-insensitive term
    compares `folded`, the field's casefolded copy, where the field has one."""
    code = kind is ValueType.CODE
    return _filter(
        bcfilter.normalized(bcfilter.parse_filter(text), upper=code), column, folded, code
    )


SPARK_OPERATORS: dict[str, SparkSql] = {
    "=": lambda column, value, kind: _dated(column == value, column, kind),
    "!=": _not_equal,
    "<": lambda column, value, kind: _dated(column < value, column, kind),
    "<=": lambda column, value, kind: _dated(column <= value, column, kind),
    ">": lambda column, value, kind: _dated(column > value, column, kind),
    ">=": lambda column, value, kind: _dated(column >= value, column, kind),
    "in": _in,
    "not in": lambda column, values, kind: ~_in(column, values, kind),
    "is empty": lambda column, _value, kind: _empty(column, kind),
    "is not empty": lambda column, _value, kind: ~_empty(column, kind),
    "matches": matches,
}


def spark_operator(text: str) -> SparkSql:
    """The Spark expression of the operator written `text` (`<>` is `!=`)."""
    return SPARK_OPERATORS[operator(text).text]


# --- Business Central filters (`matches`) -------------------------------------------------

_ASCII_LOWER = (string.ascii_uppercase, string.ascii_lowercase)
_LIKE_ESCAPES = {"\\": "\\\\", "%": "\\%", "_": "\\_", "*": "%", "?": "_"}


def fold(column: Column) -> Column:
    """`lower(column)` as the database target computes it: ASCII letters only."""
    return F.translate(column, *_ASCII_LOWER)


def _filter(node: bcfilter.Filter, column: Column, folded: Column | None, code: bool) -> Column:
    if isinstance(node, bcfilter.AnyOf):
        parts = (_filter(part, column, folded, code) for part in node.parts)
        return reduce(lambda a, b: a | b, parts)
    if isinstance(node, bcfilter.AllOf):
        parts = (_filter(part, column, folded, code) for part in node.parts)
        return reduce(lambda a, b: a & b, parts)
    return _term(node, column, folded, code)


def _term(term: bcfilter.Term, column: Column, folded: Column | None, code: bool) -> Column:
    value, upper = term.value, term.upper
    if term.ignore_case and folded is not None:
        column, value, upper = folded, value.casefold(), upper.casefold()
    elif term.ignore_case and not code:
        column, value, upper = fold(column), value.lower(), upper.lower()
    if term.op in ("like", "not like"):
        found = column.like("".join(_LIKE_ESCAPES.get(char, char) for char in value))
        return ~found if term.op == "not like" else found
    if term.op == "..":
        return (column >= F.lit(value)) & (column <= F.lit(upper))
    return spark_operator(term.op)(column, F.lit(value), ValueType.TEXT)
