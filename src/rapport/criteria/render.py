"""Criteria tree → canonical text, and → a plain-language sentence (X1; S7 says criteria
actions this way): a statement ("country/region is BE"), or a relative clause saying which
rows ("whose country/region is BE") for a sentence about them ("Add contacts {which}").
Each operator's text and sentence come from its one declaration (operators.py); the
subject's registry gives the fields their labels.

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
    """A plain-language statement of `expr`, e.g. "country/region is BE or NL" or "the
    contact has mailing group EVENTS", in the language of `translate` (gettext; English
    when None)."""
    return _Sayer(subject, translate or _same, relative=False).say(expr)


def describe_which(
    expr: Expr,
    subject: registry.Subject = registry.CONTACTS,
    *,
    translate: Callable[[str], str] | None = None,
) -> str:
    """`expr` as a relative clause saying which rows it selects, e.g. "whose country/region
    is BE" or "that have mailing group EVENTS", to follow the rows' noun in a sentence's
    template ("Add contacts {which}"), in the language of `translate` (English when None)."""
    return _Sayer(subject, translate or _same, relative=True).say(expr)


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
        if isinstance(expr, Not):
            return [(expr.operand, rel)]
        return [(part, rel) for part in expr.parts] if isinstance(expr, And | Or) else []

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
# Every word goes through `translate` (gettext; English by default): these templates, the
# operators' sentences and the registry's labels, all in the web's catalogs. Each shape has
# whole templates, statement and relative clause (the condition inside a relation is a
# statement), so a translator puts the words in the language's order: Dutch puts the verb
# last in "die mailinggroep EVENTS hebben". A `not` is said by the negative of what it
# negates ("has no", "is not", `and` and `or` swapped: the logic is two-valued).

_YES, _NO, _BLANK = N_("yes"), N_("no"), N_("blank")
_AND_WORD, _OR_WORD = N_("and"), N_("or")
_NOT_FIELD = N_("not {field}")  # a yes/no field that is false
_NOT_MATCHING = N_("{field} does not match the filter {value}")
_ARE = (N_("that are {field}"), N_("that are not {field}"))  # a yes/no field, relative
# A field's condition as a relative clause, by its statement (the operator's sentence).
_WHOSE: dict[str, Text] = {
    text.template.removeprefix("whose "): text
    for text in (
        N_("whose {field} is {value}"),
        N_("whose {field} is not {value}"),
        N_("whose {field} is less than {value}"),
        N_("whose {field} is at most {value}"),
        N_("whose {field} is more than {value}"),
        N_("whose {field} is at least {value}"),
        N_("whose {field} is before {value}"),
        N_("whose {field} is on or before {value}"),
        N_("whose {field} is after {value}"),
        N_("whose {field} is on or after {value}"),
        N_("whose {field} is one of {value}"),
        N_("whose {field} is none of {value}"),
        N_("whose {field} is empty"),
        N_("whose {field} is not empty"),
        N_("whose {field} matches the filter {value}"),
        N_("whose {field} does not match the filter {value}"),
    )
}
_MEMBER: dict[tuple[type, bool, bool], Text] = {  # by (membership, relative clause, negated)
    (SegmentMember, False, False): N_("the contact is on segment {no}"),
    (SegmentMember, False, True): N_("the contact is not on segment {no}"),
    (SegmentMember, True, False): N_("that are on segment {no}"),
    (SegmentMember, True, True): N_("that are not on segment {no}"),
    (LoggedSegmentMember, False, False): N_("the contact received logged segment {entry_no}"),
    (LoggedSegmentMember, False, True): N_("the contact did not receive logged segment {entry_no}"),
    (LoggedSegmentMember, True, False): N_("that received logged segment {entry_no}"),
    (LoggedSegmentMember, True, True): N_("that did not receive logged segment {entry_no}"),
}
# A relation, by (relative clause, kept on the company): a row exists, none does; one with
# the code(s) exists, none does; one matching a condition exists, none does.
_HAS = {
    (False, False): (
        N_("the contact has at least one {relation}"),
        N_("the contact has no {relation}"),
        N_("the contact has {relation} {value}"),
        N_("the contact does not have {relation} {value}"),
        N_("the contact has at least one {relation} where {condition}"),
        N_("the contact has no {relation} where {condition}"),
    ),
    (False, True): (
        N_("the contact's company has at least one {relation}"),
        N_("the contact's company has no {relation}"),
        N_("the contact's company has {relation} {value}"),
        N_("the contact's company does not have {relation} {value}"),
        N_("the contact's company has at least one {relation} where {condition}"),
        N_("the contact's company has no {relation} where {condition}"),
    ),
    (True, False): (
        N_("that have at least one {relation}"),
        N_("that have no {relation}"),
        N_("that have {relation} {value}"),
        N_("that do not have {relation} {value}"),
        N_("that have at least one {relation} where {condition}"),
        N_("that have no {relation} where {condition}"),
    ),
    (True, True): (
        N_("whose company has at least one {relation}"),
        N_("whose company has no {relation}"),
        N_("whose company has {relation} {value}"),
        N_("whose company does not have {relation} {value}"),
        N_("whose company has at least one {relation} where {condition}"),
        N_("whose company has no {relation} where {condition}"),
    ),
}
# The operator a `not` turns each into (exactly: `!=` and `not in` are declared as the rest).
_OPPOSITE = {"=": "!=", "<": ">=", "<=": ">", "in": "not in", "is empty": "is not empty"}
_OPPOSITE |= {value: key for key, value in _OPPOSITE.items()}
_ORDERING = frozenset({"<", "<=", ">", ">="})
Translate = Callable[[str], str]
_Context = tuple[registry.Relation | None, bool]  # the relation a condition is inside; negated
_Said = tuple[str, int]  # a text and its level: _AND or _OR when it joins parts, else _NOT


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


def _statements(
    expr: Compare | InList | IsEmpty | Matches, kind: ValueType, negated: bool, tr: Translate
) -> list[tuple[str, str]]:
    """The statement templates of a condition (English, to translate), each with its value
    in words: one, or under a `not` of a date's ordering two to join with "or" (an empty
    date fails every comparison, so it is in the rest)."""
    op, value = leaf_operator(expr), _said(expr, tr)
    if isinstance(expr, InList) and len(expr.values) == 1:  # `in (V)` is `= V`
        op = operator("!=" if expr.negated else "=")
    if not negated:
        return [(op.sentence(kind), value)]
    if isinstance(expr, Matches):
        return [(_NOT_MATCHING.template, value)]
    said = [(operator(_OPPOSITE[op.text]).sentence(kind), value)]
    if kind is ValueType.DATE and op.text in _ORDERING:
        said.append((operator("is empty").sentence(kind), ""))
    return said


class _Sayer:
    def __init__(self, subject: registry.Subject, translate: Translate, *, relative: bool):
        self.subject = subject
        self.tr = translate
        self.relative = relative

    def say(self, expr: Expr) -> str:
        top: _Context = (None, False)
        return fold(expr, top, self.kids, self.build)[0]

    def kids(self, expr: Expr, context: _Context) -> list[tuple[Expr, _Context]]:
        rel, negated = context
        if isinstance(expr, Not):
            return [(expr.operand, (rel, not negated))]
        if isinstance(expr, And | Or):
            return [(part, context) for part in expr.parts]
        if isinstance(expr, Exists) and expr.condition is not None:
            inner = self.subject.relation(expr.relation)
            if _shorthand(inner, expr.condition) is None:
                return [(expr.condition, (inner, False))]
        return []

    def word(self, text: Text, **values: object) -> str:
        return self.tr(text.template).format(**values)

    def build(self, expr: Expr, context: _Context, made: list[_Said]) -> _Said:
        rel, negated = context
        if isinstance(expr, Not):
            return made[0]
        if isinstance(expr, And | Or):
            return self.joined(made, _AND if isinstance(expr, And) != negated else _OR)
        relative = self.relative and rel is None  # a relation's condition is a statement
        if isinstance(expr, Exists):
            return self.exists(expr, made, negated=negated, relative=relative), _NOT
        if isinstance(expr, SegmentMember | LoggedSegmentMember):
            return self.word(_MEMBER[type(expr), relative, negated], **vars(expr)), _NOT
        field = registry.lookup(self.subject, rel, expr.field)
        label = self.tr(field.label)
        if isinstance(expr, Compare) and field.type is ValueType.BOOL:
            true = ((expr.op == "=") == expr.value) != negated
            if relative:
                return self.word(_ARE[not true], field=label), _NOT
            return (label if true else self.word(_NOT_FIELD, field=label)), _NOT
        said = [
            self.tr(_WHOSE[template].template if relative else template).format(
                field=label, value=value
            )
            for template, value in _statements(expr, field.type, negated, self.tr)
        ]
        return self.joined([(text, _NOT) for text in said], _OR)

    def joined(self, made: list[_Said], level: int) -> _Said:
        """The parts joined by "and" (`level` _AND) or "or", a part that joins its own
        parts the other way in parentheses."""
        if len(made) == 1:
            return made[0]
        word = self.word(_AND_WORD if level == _AND else _OR_WORD)
        texts = [text if own in (level, _NOT) else f"({text})" for text, own in made]
        return f" {word} ".join(texts), level

    def exists(self, expr: Exists, made: list[_Said], *, negated: bool, relative: bool) -> str:
        rel = self.subject.relation(expr.relation)
        forms, label = _HAS[relative, rel.on_company], self.tr(rel.label)
        if expr.condition is None:
            return self.word(forms[negated], relation=label)
        short = _shorthand(rel, expr.condition)
        if short is not None:
            value = _said(short[0], self.tr)
            return self.word(forms[2 + negated], relation=label, value=value)
        return self.word(forms[4 + negated], relation=label, condition=made[0][0])
