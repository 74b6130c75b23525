"""The criteria tree (X1): frozen dataclasses that the parser builds, the compiler turns into
SQL and the renderer turns back into canonical text; and its JSON form for the API.

A field name inside `Exists.condition` names a field of that relation's rows; everywhere
else it names a field of the subject (a contact field, unless the criteria select another
subject). Values are already typed (see values.py). `from_json` checks names, operators and
values against the subject's registry as the parser does, and raises
`rapport.errors.Invalid` naming the JSON path at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.operators import Takes, operator
from rapport.criteria.values import RelativeDate, Value, coerce, to_plain
from rapport.criteria.walk import fold
from rapport.errors import N_, Invalid, text_of

__all__ = [
    "And",
    "Compare",
    "Exists",
    "Expr",
    "InList",
    "IsEmpty",
    "LoggedSegmentMember",
    "Matches",
    "Not",
    "Or",
    "RelativeDate",
    "SegmentMember",
    "Value",
    "from_json",
    "to_json",
]


@dataclass(frozen=True)
class And:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Compare:
    """`field op value` with op one of = != < <= > >=."""

    field: str
    op: str
    value: Value


@dataclass(frozen=True)
class InList:
    field: str
    values: tuple[Value, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsEmpty:
    field: str
    negated: bool = False


@dataclass(frozen=True)
class Matches:
    """`field matches 'FILTER'` in Business Central's filter syntax (bcfilter.py)."""

    field: str
    filter: str


@dataclass(frozen=True)
class Exists:
    """A row of the relation exists (for the contact, or its company) matching `condition`."""

    relation: str
    condition: Expr | None = None


@dataclass(frozen=True)
class SegmentMember:
    """The contact is on the (unlogged) segment `no`: it has an active line there."""

    no: str


@dataclass(frozen=True)
class LoggedSegmentMember:
    """The contact has a non-canceled interaction log entry of logged segment `entry_no`."""

    entry_no: int


Expr = (
    And
    | Or
    | Not
    | Compare
    | InList
    | IsEmpty
    | Matches
    | Exists
    | SegmentMember
    | LoggedSegmentMember
)


def to_json(expr: Expr) -> dict[str, Any]:
    """The JSON form: {"and": [...]}, {"field": "country", "op": "=", "value": "BE"} …"""
    return fold(expr, None, _json_kids, _json_build)


def _json_kids(expr: Expr, _context: None) -> list[tuple[Expr, None]]:
    if isinstance(expr, And | Or):
        return [(part, None) for part in expr.parts]
    if isinstance(expr, Not):
        return [(expr.operand, None)]
    if isinstance(expr, Exists) and expr.condition is not None:
        return [(expr.condition, None)]
    return []


def _json_build(expr: Expr, _context: None, made: list[dict[str, Any]]) -> dict[str, Any]:
    if isinstance(expr, And | Or):
        return {type(expr).__name__.lower(): made}
    if isinstance(expr, Not):
        return {"not": made[0]}
    if isinstance(expr, Compare):
        return {"field": expr.field, "op": expr.op, "value": to_plain(expr.value)}
    if isinstance(expr, InList):
        op = "not in" if expr.negated else "in"
        return {"field": expr.field, "op": op, "values": [to_plain(v) for v in expr.values]}
    if isinstance(expr, IsEmpty):
        return {"field": expr.field, "op": "is not empty" if expr.negated else "is empty"}
    if isinstance(expr, Matches):
        return {"field": expr.field, "op": "matches", "value": expr.filter}
    if isinstance(expr, Exists):
        return {"relation": expr.relation, "where": made[0] if made else None}
    if isinstance(expr, SegmentMember):
        return {"segment": expr.no}
    return {"logged_segment": expr.entry_no}


def from_json(data: Any, *, subject: registry.Subject = registry.CONTACTS) -> Expr:
    """The tree of a JSON form, checked against the subject's registry; Invalid names the
    JSON path at fault."""
    return _JsonReader(subject).node(data, "$", None)


class _JsonReader:
    def __init__(self, subject: registry.Subject) -> None:
        self.subject = subject

    def node(self, data: Any, path: str, rel: registry.Relation | None) -> Expr:
        """The tree of `data`, read bottom-up by a loop (walk.py): any depth reads."""
        return fold((data, path), rel, self.kids, self.build)

    def kids(
        self, item: tuple[Any, str], rel: registry.Relation | None
    ) -> list[tuple[tuple[Any, str], registry.Relation | None]]:
        data, path = item
        if not isinstance(data, dict):
            raise Invalid(N_("expected an object"), where=path)
        if "relation" in data and "field" not in data:
            where = data.get("where")
            if len(data) > 1 and where is not None:
                return [((where, f"{path}.where"), self.related(data, path, rel))]
            return []
        if "field" in data or len(data) != 1:
            return []
        ((key, value),) = data.items()
        if key in ("and", "or"):
            if not isinstance(value, list) or len(value) < 2:
                raise Invalid(
                    N_("'{key}' takes a list of at least two conditions", key=key), where=path
                )
            return [((v, f"{path}.{key}[{i}]"), rel) for i, v in enumerate(value)]
        if key == "not":
            return [((value, f"{path}.not"), rel)]
        return []

    def build(self, item: tuple[Any, str], rel: registry.Relation | None, made: list[Expr]) -> Expr:
        data, path = item
        if "field" in data:
            return self.condition(data, path, rel)
        if "relation" in data:
            inner = self.related(data, path, rel)
            return Exists(inner.name, made[0] if made else None)
        if len(data) != 1:
            raise Invalid(
                N_(
                    "expected one of the keys and, or, not, field, relation, segment, "
                    "logged_segment"
                ),
                where=path,
            )
        ((key, value),) = data.items()
        if key in ("and", "or"):
            return And(tuple(made)) if key == "and" else Or(tuple(made))
        if key == "not":
            return Not(made[0])
        if key in self.subject.memberships:
            return self.membership(key, value, path, rel)
        raise Invalid(N_("unexpected key {key!r}", key=key), where=path)

    def membership(self, key: str, value: Any, path: str, rel: registry.Relation | None) -> Expr:
        if rel is not None:
            raise Invalid(
                N_("{key} membership cannot be used inside {name}(…)", key=key, name=rel.name),
                where=path,
            )
        if key == "segment":
            if not isinstance(value, str) or not value.strip():
                raise Invalid(N_("'segment' takes a segment no."), where=path)
            return SegmentMember(value.strip().upper())
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise Invalid(N_("'logged_segment' takes a logged segment entry no."), where=path)
        return LoggedSegmentMember(value)

    def related(
        self, data: dict[str, Any], path: str, rel: registry.Relation | None
    ) -> registry.Relation:
        """The relation of `{"relation": …, "where": …}`, checked."""
        if rel is not None:
            raise Invalid(
                N_("a relation cannot be used inside {name}(…)", name=rel.name), where=path
            )
        _only(data, {"relation", "where"}, path)
        try:
            return self.subject.relation(str(data["relation"]))
        except registry.UnknownName as exc:
            raise Invalid(exc.text, where=f"{path}.relation") from None

    def condition(self, data: dict[str, Any], path: str, rel: registry.Relation | None) -> Expr:
        try:
            name = str(data["field"])
            field = registry.lookup(self.subject, rel, name)
        except registry.UnknownName as exc:
            raise Invalid(exc.text, where=f"{path}.field") from None
        op = data.get("op", "=")
        if op not in field.operators:
            raise Invalid(
                N_("{name} does not take {op!r}", name=field.name, op=op), where=f"{path}.op"
            )
        _only(data, {"field", "op", *_ARGUMENT[operator(op).takes]}, path)
        try:
            return self.typed(field, op, data)
        except ValueError as exc:
            raise Invalid(text_of(exc), where=f"{path}.value") from None

    def typed(self, field: registry.Field, op: str, data: dict[str, Any]) -> Expr:
        takes = operator(op).takes
        if takes is Takes.NOTHING:
            return IsEmpty(field.name, negated=op == "is not empty")
        if takes is Takes.FILTER:
            value = data.get("value")
            if not isinstance(value, str):
                raise ValueError(N_("{op!r} takes a filter text", op=op))
            bcfilter.parse_filter(value)
            return Matches(field.name, value)
        if takes is Takes.VALUES:
            values = data.get("values")
            if not isinstance(values, list) or not values:
                raise ValueError(N_("'{op}' takes a non-empty list 'values'", op=op))
            typed = tuple(coerce(field, value) for value in values)
            return InList(field.name, typed, negated=op == "not in")
        if "value" not in data:
            raise ValueError(N_("{name} {op} needs a 'value'", name=field.name, op=op))
        return Compare(field.name, op, coerce(field, data["value"]))


# The key that carries what each kind of operator takes.
_ARGUMENT = {
    Takes.VALUE: ("value",),
    Takes.VALUES: ("values",),
    Takes.NOTHING: (),
    Takes.FILTER: ("value",),
}


def _only(data: dict[str, Any], allowed: set[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            raise Invalid(N_("unexpected key {key!r}", key=key), where=path)
