"""Criteria tree → canonical text, and → a plain-language sentence (X1; S7 shows criteria
lines this way). Each operator's text and sentence come from its one declaration
(operators.py); the subject's registry gives the fields their labels.

The canonical text puts parentheses only where precedence (`not` > `and` > `or`) needs
them, writes field names and keywords in lower case, codes upper-case, and quotes a value
only when it would not read back as the same bare word: `parse(render(e)) == e` for every
tree whose `and`/`or` nodes hold at least two parts and do not directly nest their own kind
(the shape the parser builds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from rapport.criteria import fields as registry
from rapport.criteria.operators import Operator, ValueType, operator
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
from rapport.errors import N_, Text

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


def render(expr: Expr, subject: registry.Subject = registry.CONTACTS) -> str:
    """The canonical text of `expr`, criteria on `subject`'s rows."""
    return _Writer(subject).text(expr, None, _OR)


def describe(
    expr: Expr,
    subject: registry.Subject = registry.CONTACTS,
    *,
    translate: Callable[[str], str] | None = None,
) -> str:
    """A plain-language sentence for `expr`, e.g. "country/region is BE or NL", in the
    language of `translate` (gettext; English when None)."""
    return _Sayer(subject, translate or _same).say(expr, None, _OR)


def _level(expr: Expr) -> int:
    if isinstance(expr, Or):
        return _OR
    return _AND if isinstance(expr, And) else _NOT


def leaf_operator(expr: Compare | InList | IsEmpty | Matches) -> Operator:
    """The operator of a condition on one field."""
    if isinstance(expr, Compare):
        return operator(expr.op)
    if isinstance(expr, InList):
        return operator("not in" if expr.negated else "in")
    if isinstance(expr, IsEmpty):
        return operator("is not empty" if expr.negated else "is empty")
    return operator("matches")


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _kids(expr: Expr, rel: registry.Relation | None) -> list[tuple[Expr, registry.Relation | None]]:
    """The sub-expressions a writer walks into, each with the relation it is inside."""
    if isinstance(expr, And | Or):
        return [(part, rel) for part in expr.parts]
    if isinstance(expr, Not):
        return [(expr.operand, rel)]
    return []


def _wrapped(parts: tuple[Expr, ...], texts: list[str], minimum: int) -> list[str]:
    """Each part's text, in parentheses where precedence needs them."""
    return [
        f"({text})" if _level(part) < minimum else text
        for part, text in zip(parts, texts, strict=True)
    ]


class _Writer:
    def __init__(self, subject: registry.Subject) -> None:
        self.subject = subject

    def text(self, expr: Expr, rel: registry.Relation | None, minimum: int) -> str:
        text = fold(expr, rel, self.kids, self.build)
        return f"({text})" if _level(expr) < minimum else text

    def kids(
        self, expr: Expr, rel: registry.Relation | None
    ) -> list[tuple[Expr, registry.Relation | None]]:
        if isinstance(expr, Exists) and expr.condition is not None:
            inner = self.subject.relation(expr.relation)
            if _shorthand(inner, expr.condition) is None:
                return [(expr.condition, inner)]
        return _kids(expr, rel)

    def build(self, expr: Expr, rel: registry.Relation | None, made: list[str]) -> str:
        if isinstance(expr, Or):
            return " or ".join(_wrapped(expr.parts, made, _AND))
        if isinstance(expr, And):
            return " and ".join(_wrapped(expr.parts, made, _NOT))
        if isinstance(expr, Not):
            return "not " + _wrapped((expr.operand,), made, _NOT)[0]
        if isinstance(expr, Exists):
            return self.exists(expr, made)
        return self.bare(expr, rel)

    def bare(
        self,
        expr: Compare | InList | IsEmpty | Matches | SegmentMember | LoggedSegmentMember,
        rel: registry.Relation | None,
    ) -> str:
        if isinstance(expr, SegmentMember):
            no = expr.no
            return f"segment({no if _NAME.match(no) and no.lower() not in KEYWORDS else quote(no)})"
        if isinstance(expr, LoggedSegmentMember):
            return f"logged_segment({expr.entry_no})"
        field = registry.lookup(self.subject, rel, expr.field)
        if isinstance(expr, Compare) and expr.op == "=" and expr.value is True:
            return field.name  # a yes/no field alone means it is true
        return leaf_operator(expr).write(field.name, _written(expr))

    def exists(self, expr: Exists, made: list[str]) -> str:
        rel = self.subject.relation(expr.relation)
        short = _shorthand(rel, expr.condition)
        if short is not None:
            op, values = short
            return leaf_operator(op).write(rel.name, values)
        return f"{rel.name}({made[0] if made else ''})"


def _written(expr: Compare | InList | IsEmpty | Matches) -> str:
    """The value part of a condition as the language writes it."""
    if isinstance(expr, Compare):
        return value_text(expr.value)
    if isinstance(expr, InList):
        return ", ".join(value_text(v) for v in expr.values)
    return quote(expr.filter) if isinstance(expr, Matches) else ""


def _shorthand(rel: registry.Relation, cond: Expr | None) -> tuple[Compare | InList, str] | None:
    """`RELATION = V` / `RELATION in (…)`: the condition on the relation's code, if it is one."""
    if rel.shorthand is None or cond is None:
        return None
    if isinstance(cond, Compare) and cond.field == rel.shorthand and cond.op == "=":
        return cond, value_text(cond.value)
    if isinstance(cond, InList) and cond.field == rel.shorthand and not cond.negated:
        return cond, ", ".join(value_text(v) for v in cond.values)
    return None


# --- plain language ----------------------------------------------------------------------
# Every word of a sentence goes through `translate` (the web's gettext for the page's
# language; English as it is by default): these phrases, the operators' sentences
# (operators.py) and the registry's labels (fields.py), all in the web's catalogs.

_YES, _NO, _BLANK = N_("yes"), N_("no"), N_("blank")
_AND_WORD, _OR_WORD, _NOT_WORD = N_("and"), N_("or"), N_("not")
_ON_SEGMENT = N_("is on segment {no}")
_RECEIVED = N_("received logged segment {entry_no}")
_NOT_FIELD = N_("not {field}")
_WHERE = N_("{relation} where {condition}")
_OWNERS = {
    (False, False, False): N_("has a {relation}"),
    (False, False, True): N_("has an {relation}"),
    (False, True, False): N_("has no {relation}"),
    (False, True, True): N_("has no {relation}"),
    (True, False, False): N_("its company has a {relation}"),
    (True, False, True): N_("its company has an {relation}"),
    (True, True, False): N_("its company has no {relation}"),
    (True, True, True): N_("its company has no {relation}"),
}
PHRASES: tuple[Text, ...] = (
    _YES,
    _NO,
    _BLANK,
    _AND_WORD,
    _OR_WORD,
    _NOT_WORD,
    _ON_SEGMENT,
    _RECEIVED,
    _NOT_FIELD,
    _WHERE,
    *_OWNERS.values(),
)
Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _say_value(value: Value, tr: Translate) -> str:
    if isinstance(value, bool):
        return tr((_YES if value else _NO).template)
    if isinstance(value, str):
        if not value:
            return tr(_BLANK.template)
        return tr(value.replace("_", " ")) if value.islower() else value
    return value_text(value)


def _said(expr: Compare | InList | IsEmpty | Matches, tr: Translate) -> str:
    """The value part of a condition in words."""
    if isinstance(expr, Compare):
        return _say_value(expr.value, tr)
    if isinstance(expr, InList):
        items = [_say_value(v, tr) for v in expr.values]
        if len(items) == 1:
            return items[0]
        return ", ".join(items[:-1]) + f" {tr(_OR_WORD.template)} " + items[-1]
    return quote(expr.filter) if isinstance(expr, Matches) else ""


class _Sayer:
    def __init__(self, subject: registry.Subject, translate: Translate) -> None:
        self.subject = subject
        self.tr = translate

    def say(self, expr: Expr, rel: registry.Relation | None, minimum: int) -> str:
        text = fold(expr, rel, self.kids, self.build)
        return f"({text})" if _level(expr) < minimum else text

    def kids(
        self, expr: Expr, rel: registry.Relation | None
    ) -> list[tuple[Expr, registry.Relation | None]]:
        if isinstance(expr, Not) and isinstance(expr.operand, Exists):
            return self.kids(expr.operand, rel)
        if isinstance(expr, Exists) and expr.condition is not None:
            inner = self.subject.relation(expr.relation)
            if _shorthand(inner, expr.condition) is None:
                return [(expr.condition, inner)]
        return _kids(expr, rel)

    def word(self, text: Text, **values: object) -> str:
        return self.tr(text.template).format(**values)

    def build(self, expr: Expr, rel: registry.Relation | None, made: list[str]) -> str:
        if isinstance(expr, Or):
            return f" {self.word(_OR_WORD)} ".join(_wrapped(expr.parts, made, _AND))
        if isinstance(expr, And):
            return f" {self.word(_AND_WORD)} ".join(_wrapped(expr.parts, made, _NOT))
        if isinstance(expr, Not):
            if isinstance(expr.operand, Exists):
                return self.exists(expr.operand, made, negated=True)
            return f"{self.word(_NOT_WORD)} " + _wrapped((expr.operand,), made, _NOT)[0]
        if isinstance(expr, Exists):
            return self.exists(expr, made, negated=False)
        if isinstance(expr, SegmentMember):
            return self.word(_ON_SEGMENT, no=expr.no)
        if isinstance(expr, LoggedSegmentMember):
            return self.word(_RECEIVED, entry_no=expr.entry_no)
        field = registry.lookup(self.subject, rel, expr.field)
        label = self.tr(field.label)
        if isinstance(expr, Compare) and field.type is ValueType.BOOL:
            positive = (expr.op == "=") == expr.value
            return label if positive else self.word(_NOT_FIELD, field=label)
        template = leaf_operator(expr).sentence(field.type)
        return self.tr(template).format(field=label, value=_said(expr, self.tr))

    def exists(self, expr: Exists, made: list[str], *, negated: bool) -> str:
        rel = self.subject.relation(expr.relation)
        owner = _OWNERS[(rel.on_company, negated, rel.label[0] in "aeiou")]
        phrase = self.word(owner, relation=self.tr(rel.label))
        cond = expr.condition
        if cond is None:
            return phrase
        short = _shorthand(rel, cond)
        if short is not None:
            return f"{phrase} {_said(short[0], self.tr)}"
        return self.word(_WHERE, relation=phrase, condition=made[0])
