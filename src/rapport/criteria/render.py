"""Criteria tree → canonical text, and → a plain-language sentence (X1; S7 shows criteria
lines this way).

The canonical text puts parentheses only where precedence (`not` > `and` > `or`) needs
them, writes field names and keywords in lower case, codes upper-case, and quotes a value
only when it would not read back as the same bare word: `parse(render(e)) == e` for every
tree whose `and`/`or` nodes hold at least two parts and do not directly nest their own kind
(the shape the parser builds).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

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

KEYWORDS = {"and", "or", "not", "in", "is", "empty", "matches"}
_BARE = re.compile(r"^-?[A-Za-z0-9_][A-Za-z0-9_.@/\-]*$")
_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)$")
_OR, _AND, _NOT = 1, 2, 3


def quote(text: str) -> str:
    """`'text'` with its single quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def value_text(value: Value) -> str:
    """A value as the language writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | RelativeDate):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    bare = _BARE.match(value) and value.lower() not in KEYWORDS
    return value if bare else quote(value)


def render(expr: Expr) -> str:
    """The canonical text of `expr`."""
    return _text(expr, None, _OR)


def _level(expr: Expr) -> int:
    if isinstance(expr, Or):
        return _OR
    return _AND if isinstance(expr, And) else _NOT


def _text(expr: Expr, rel: registry.Relation | None, minimum: int) -> str:
    text = _bare_text(expr, rel)
    return f"({text})" if _level(expr) < minimum else text


def _bare_text(expr: Expr, rel: registry.Relation | None) -> str:
    if isinstance(expr, Or):
        return " or ".join(_text(part, rel, _AND) for part in expr.parts)
    if isinstance(expr, And):
        return " and ".join(_text(part, rel, _NOT) for part in expr.parts)
    if isinstance(expr, Not):
        return "not " + _text(expr.operand, rel, _NOT)
    if isinstance(expr, Compare):
        return _compare(expr, rel)
    if isinstance(expr, InList):
        op = "not in" if expr.negated else "in"
        return f"{expr.field} {op} ({', '.join(value_text(v) for v in expr.values)})"
    if isinstance(expr, IsEmpty):
        return f"{expr.field} is {'not ' if expr.negated else ''}empty"
    if isinstance(expr, Matches):
        return f"{expr.field} matches {quote(expr.filter)}"
    if isinstance(expr, Exists):
        return _exists(expr)
    if isinstance(expr, SegmentMember):
        no = expr.no if _NAME.match(expr.no) and expr.no.lower() not in KEYWORDS else quote(expr.no)
        return f"segment({no})"
    return f"logged_segment({expr.entry_no})"


def _field(name: str, rel: registry.Relation | None) -> registry.Field:
    return registry.contact_field(name) if rel is None else registry.relation_field(rel, name)


def _compare(expr: Compare, rel: registry.Relation | None) -> str:
    bool_field = _field(expr.field, rel).type is registry.ValueType.BOOL
    if bool_field and expr.op == "=" and expr.value is True:
        return expr.field
    return f"{expr.field} {expr.op} {value_text(expr.value)}"


def _shorthand(expr: Exists) -> str | None:
    rel = registry.relation(expr.relation)
    cond = expr.condition
    if rel.shorthand is None or cond is None:
        return None
    if isinstance(cond, Compare) and cond.field == rel.shorthand and cond.op == "=":
        return f"{rel.name} = {value_text(cond.value)}"
    if isinstance(cond, InList) and cond.field == rel.shorthand and not cond.negated:
        return f"{rel.name} in ({', '.join(value_text(v) for v in cond.values)})"
    return None


def _exists(expr: Exists) -> str:
    short = _shorthand(expr)
    if short is not None:
        return short
    rel = registry.relation(expr.relation)
    inner = "" if expr.condition is None else _text(expr.condition, rel, _OR)
    return f"{rel.name}({inner})"


# --- plain language ----------------------------------------------------------------------

_SAYS = {
    "=": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}
_DATE_SAYS = {"<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after"}


def describe(expr: Expr) -> str:
    """A plain-language sentence for `expr`, e.g. "country/region is BE or NL"."""
    return _say(expr, None, _OR)


def _say(expr: Expr, rel: registry.Relation | None, minimum: int) -> str:
    text = _bare_say(expr, rel)
    return f"({text})" if _level(expr) < minimum else text


def _bare_say(expr: Expr, rel: registry.Relation | None) -> str:  # noqa: C901
    if isinstance(expr, Or):
        return " or ".join(_say(part, rel, _AND) for part in expr.parts)
    if isinstance(expr, And):
        return " and ".join(_say(part, rel, _NOT) for part in expr.parts)
    if isinstance(expr, Not):
        if isinstance(expr.operand, Exists):
            return _say_exists(expr.operand, negated=True)
        return "not " + _say(expr.operand, rel, _NOT)
    if isinstance(expr, Exists):
        return _say_exists(expr, negated=False)
    if isinstance(expr, SegmentMember):
        return f"is on segment {expr.no}"
    if isinstance(expr, LoggedSegmentMember):
        return f"received logged segment {expr.entry_no}"
    field = _field(expr.field, rel)
    if isinstance(expr, Compare):
        return _say_compare(field, expr)
    if isinstance(expr, InList):
        listed = _listed([_say_value(v) for v in expr.values])
        return f"{field.label} is {'none' if expr.negated else 'one'} of {listed}"
    if isinstance(expr, IsEmpty):
        return f"{field.label} is {'not ' if expr.negated else ''}empty"
    return f"{field.label} matches the filter {quote(expr.filter)}"


def _say_value(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if not value:
            return "blank"
        return value.replace("_", " ") if value.islower() else value
    return value_text(value)


def _say_compare(field: registry.Field, expr: Compare) -> str:
    if field.type is registry.ValueType.BOOL:
        positive = (expr.op == "=") == expr.value
        return f"{'' if positive else 'not '}{field.label}"
    says = _SAYS[expr.op]
    if field.type is registry.ValueType.DATE:
        says = _DATE_SAYS.get(expr.op, says)
    return f"{field.label} {says} {_say_value(expr.value)}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _say_exists(expr: Exists, *, negated: bool) -> str:
    rel = registry.relation(expr.relation)
    owner = "its company has" if rel.on_company else "has"
    if negated:
        owner = "its company has no" if rel.on_company else "has no"
    else:
        owner += " an" if rel.label[0] in "aeiou" else " a"
    cond = expr.condition
    if cond is None:
        return f"{owner} {rel.label}"
    if isinstance(cond, Compare) and cond.field == rel.shorthand and cond.op == "=":
        return f"{owner} {rel.label} {_say_value(cond.value)}"
    if isinstance(cond, InList) and cond.field == rel.shorthand and not cond.negated:
        return f"{owner} {rel.label} {_listed([_say_value(v) for v in cond.values])}"
    return f"{owner} {rel.label} where {_say(cond, rel, _OR)}"
