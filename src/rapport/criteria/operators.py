"""The operators of the criteria language (SPEC §5, X1), each declared once: its canonical
text, the value types that take it, what it takes (a value, a list, nothing or a Business
Central filter), its SQL and its plain-language sentence side by side, so the parser, the
compiler, the renderer and the language reference cannot drift apart (datasette's
`filters.py` is the model).

The logic is two-valued: an empty date fails every comparison but `!=` and `not in`, so
`not` always means "the rest". Case-sensitive wildcards of `matches` are GLOB on SQLite
(whose LIKE ignores case) and LIKE on PostgreSQL; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from json import dumps as json_text
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    and_,
    any_,
    bindparam,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean, NullType

from rapport.criteria import bcfilter

Column = ColumnElement[Any]
Condition = ColumnElement[bool]


class ValueType(StrEnum):
    """How a field's values are written, stored and compared."""

    CODE = "code"  # upper-cased and trimmed (a Business Central Code)
    TEXT = "text"  # as written, case-sensitive
    ENUM = "enum"  # one of a fixed set of lower snake_case words
    BOOL = "bool"
    DATE = "date"
    INT = "int"
    DECIMAL = "decimal"


class Takes(StrEnum):
    """What follows the operator: one value, a list of values, nothing, or a filter text."""

    VALUE = "value"
    VALUES = "values"
    NOTHING = "nothing"
    FILTER = "filter"


@dataclass(frozen=True)
class Operator:
    """One operator: `writes` and `says` are templates over {field} and {value}."""

    text: str
    takes: Takes
    types: frozenset[ValueType]
    writes: str
    says: str
    sql: Callable[[Column, Any, ValueType], Condition]
    says_on_dates: str | None = None

    def write(self, field: str, value: str = "") -> str:
        """The canonical text of `field <op> value` (value already written)."""
        return self.writes.format(field=field, value=value)

    def say(self, label: str, value: str = "", *, kind: ValueType) -> str:
        """The sentence of `field <op> value` (value already in words)."""
        return self.sentence(kind).format(field=label, value=value)

    def sentence(self, kind: ValueType) -> str:
        """The template of the sentence on a field of type `kind` (to translate)."""
        on_dates = kind is ValueType.DATE and self.says_on_dates
        return self.says_on_dates if on_dates and self.says_on_dates else self.says


def _dated(found: Condition, column: Column, kind: ValueType) -> Condition:
    """An empty date fails a comparison."""
    return and_(column.is_not(None), found) if kind is ValueType.DATE else found


def _not_equal(column: Column, value: Any, kind: ValueType) -> Condition:
    return or_(column.is_(None), column != value) if kind is ValueType.DATE else column != value


def _empty(column: Column, kind: ValueType) -> Condition:
    return column.is_(None) if kind is ValueType.DATE else column == ""


def _matches(column: Column, text: str, kind: ValueType) -> Condition:
    return matches(column, text, kind)


def matches(
    column: Column, text: str, kind: ValueType, *, folded: Column | None = None
) -> Condition:
    """`column` matches the Business Central filter `text`. A case-insensitive term (`@`)
    compares the field's casefolded copy `folded` with the casefolded value where the
    field has one (the same Unicode fold on both engines), a code as it is stored
    (upper-cased) with the upper-cased value, and any other text through lower()."""
    code = kind is ValueType.CODE
    return _filter(
        bcfilter.normalized(bcfilter.parse_filter(text), upper=code), column, folded, code
    )


_ALL = frozenset(ValueType)
_ORDERED = frozenset(_ALL - {ValueType.ENUM, ValueType.BOOL})
_LISTED = frozenset(_ALL - {ValueType.BOOL})
_EMPTIED = frozenset({ValueType.CODE, ValueType.TEXT, ValueType.ENUM, ValueType.DATE})
_TEXTUAL = frozenset({ValueType.CODE, ValueType.TEXT})


class _Bytewise(FunctionElement[Any]):
    """Text compared in byte order, as Business Central compares Code fields: `COLLATE "C"`
    on PostgreSQL, whatever the database's collation (an ICU 'nl-BE' database sorts 'é'
    before 'f'); SQLite's default BINARY collation already is byte order."""

    inherit_cache = True
    name = "bc_bytewise"

    @property
    def type(self) -> Any:  # type: ignore[override]
        return next(iter(self.clauses)).type


@compiles(_Bytewise)
def _collate_c(element: _Bytewise, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return str(compiler.process(column.collate("C"), **kw))


@compiles(_Bytewise, "sqlite")
def _binary(element: _Bytewise, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return str(compiler.process(column, **kw))


def bytewise(column: Column, kind: ValueType) -> Column:
    """`column` ordered byte by byte when it holds text."""
    return _Bytewise(column) if kind in _TEXTUAL else column


def _ordering(text: str, says: str, on_dates: str, sql: Callable[[Column, Any], Any]) -> Operator:
    return Operator(
        text,
        Takes.VALUE,
        _ORDERED,
        f"{{field}} {text} {{value}}",
        f"{{field}} {says} {{value}}",
        lambda column, value, kind: _dated(sql(bytewise(column, kind), value), column, kind),
        f"{{field}} {on_dates} {{value}}",
    )


OPERATORS: tuple[Operator, ...] = (
    Operator(
        "=",
        Takes.VALUE,
        _ALL,
        "{field} = {value}",
        "{field} is {value}",
        lambda column, value, kind: _dated(column == value, column, kind),
    ),
    Operator("!=", Takes.VALUE, _ALL, "{field} != {value}", "{field} is not {value}", _not_equal),
    _ordering("<", "is less than", "is before", lambda column, value: column < value),
    _ordering("<=", "is at most", "is on or before", lambda column, value: column <= value),
    _ordering(">", "is more than", "is after", lambda column, value: column > value),
    _ordering(">=", "is at least", "is on or after", lambda column, value: column >= value),
    Operator(
        "in",
        Takes.VALUES,
        _LISTED,
        "{field} in ({value})",
        "{field} is one of {value}",
        lambda column, values, kind: _dated(one_of(column, values), column, kind),
    ),
    Operator(
        "not in",
        Takes.VALUES,
        _LISTED,
        "{field} not in ({value})",
        "{field} is none of {value}",
        lambda column, values, kind: not_(_dated(one_of(column, values), column, kind)),
    ),
    Operator(
        "is empty",
        Takes.NOTHING,
        _EMPTIED,
        "{field} is empty",
        "{field} is empty",
        lambda column, _value, kind: _empty(column, kind),
    ),
    Operator(
        "is not empty",
        Takes.NOTHING,
        _EMPTIED,
        "{field} is not empty",
        "{field} is not empty",
        lambda column, _value, kind: not_(_empty(column, kind)),
    ),
    Operator(
        "matches",
        Takes.FILTER,
        _TEXTUAL,
        "{field} matches {value}",
        "{field} matches the filter {value}",
        _matches,
    ),
)
BY_TEXT: dict[str, Operator] = {op.text: op for op in OPERATORS}
SPELLINGS = {"<>": "!="}  # other ways to write an operator, read as the canonical one


def operator(text: str) -> Operator:
    """The operator written `text` (`<>` is `!=`); KeyError when there is none."""
    return BY_TEXT[SPELLINGS.get(text, text)]


def taken_by(kind: ValueType) -> tuple[str, ...]:
    """The operators a field of value type `kind` takes, in declaration order."""
    return tuple(op.text for op in OPERATORS if kind in op.types)


def comparisons() -> tuple[str, ...]:
    """The operators written between a field and one value (`=`, `<` …)."""
    return tuple(op.text for op in OPERATORS if op.takes is Takes.VALUE)


# --- long lists: one bound parameter -------------------------------------------------------

LONG_LIST = 20  # past this many values an `in` list is sent as one parameter


class _OneOf(FunctionElement[bool]):
    """`column` is one of the values of one bound parameter: `= ANY(:list)` on PostgreSQL,
    `IN (SELECT value FROM json_each(:json))` on SQLite; never one parameter per value, so
    a list of 50,000 codes stays within SQLite's 32,766 parameters and compiles fast."""

    type = Boolean()
    inherit_cache = True
    name = "bc_one_of"


@compiles(_OneOf)
def _any(element: _OneOf, compiler: Any, **kw: Any) -> str:
    column, listed, _json = list(element.clauses)
    return str(compiler.process(column == any_(listed), **kw))


@compiles(_OneOf, "sqlite")
def _json_each(element: _OneOf, compiler: Any, **kw: Any) -> str:
    column, _listed, json = list(element.clauses)
    each = func.json_each(json).table_valued("value")
    return str(compiler.process(column.in_(select(each.c.value)), **kw))


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text (SQLite stores them so), decimals as
    numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def one_of(column: Column, values: Sequence[Any]) -> Condition:
    """`column IN (…)`: a plain IN for a short list, one bound parameter for a long one."""
    if len(values) <= LONG_LIST:
        return column.in_(values)
    kind = column.type if not isinstance(column.type, NullType) else String()
    listed = bindparam(None, list(values), type_=ARRAY(kind))
    json = bindparam(None, json_text([_plain(value) for value in values]), type_=String())
    return _OneOf(column, listed, json)


# --- Business Central filters (`matches`) -------------------------------------------------


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


def _wildcard(column: Column, pattern: str) -> Condition:
    """`column` matches the BC pattern: LIKE (escaped) on PostgreSQL, GLOB on SQLite."""
    like = "".join(_LIKE_ESCAPES.get(char, char) for char in pattern)
    glob = "".join(_GLOB_ESCAPES.get(char, char) for char in pattern)
    return _Wildcard(column, literal(like), literal(glob))


def _filter(node: bcfilter.Filter, column: Column, folded: Column | None, code: bool) -> Condition:
    if isinstance(node, bcfilter.AnyOf):
        return or_(*(_filter(part, column, folded, code) for part in node.parts))
    if isinstance(node, bcfilter.AllOf):
        return and_(*(_filter(part, column, folded, code) for part in node.parts))
    return _term(node, column, folded, code)


def _term(term: bcfilter.Term, column: Column, folded: Column | None, code: bool) -> Condition:
    value, upper = term.value, term.upper
    if term.ignore_case and folded is not None:
        column, value, upper = folded, value.casefold(), upper.casefold()
    elif term.ignore_case and not code:
        column, value, upper = func.lower(column), value.lower(), upper.lower()
    if term.op in ("like", "not like"):
        found = _wildcard(column, value)
        return not_(found) if term.op == "not like" else found
    if term.op == "..":
        ordered = bytewise(column, ValueType.TEXT)
        return and_(ordered >= literal(value), ordered <= literal(upper))
    return operator(term.op).sql(column, literal(value, column.type), ValueType.TEXT)
