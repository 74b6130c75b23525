"""Business Central's per-table filter form (the request page of Add Contacts, reference
§2.5) → one criteria tree: one more way to write the same criteria (SPEC §5).

The form maps a table to its field filters: `{"contact": {"country": "BE|NL"},
"mailing_group": {"code": "NEWS*"}}`. Contact filters must all hold; the filters of one
related table must hold on one and the same row of it (BC filters the table, then asks
whether a row exists). Text and code filters become `matches`; filters on dates, numbers,
options and yes/no fields become comparisons, so they are typed like any criteria.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.tree import And, Compare, Exists, Expr, IsEmpty, Matches, Or
from rapport.criteria.values import Value, coerce
from rapport.errors import Invalid

# Business Central's table names, besides the relation names themselves.
TABLES: dict[str, str | None] = {
    "contact": None,
    "contacts": None,
    "contact profile answer": "profile",
    "contact mailing group": "mailing_group",
    "interaction log entry": "interaction",
    "contact job responsibility": "job_responsibility",
    "contact industry group": "industry_group",
    "contact business relation": "business_relation",
    "contact web source": "web_source",
}
_YES_NO = {"yes": "true", "no": "false"}


def form_to_expr(form: Mapping[str, Mapping[str, str]]) -> Expr:
    """The tree of a per-table filter form; an empty form selects every contact, as BC does.

    Invalid names the table and field at fault.
    """
    parts: list[Expr] = []
    for table, filters in form.items():
        rel = _table(table)
        conditions = [
            _checked(table, name, text, rel) for name, text in filters.items() if text.strip()
        ]
        if rel is None:
            parts.extend(conditions)
        elif conditions:
            parts.append(Exists(rel.name, _all(conditions)))
    if not parts:
        return IsEmpty("no", negated=True)
    return _all(parts)


def _all(parts: list[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _table(name: str) -> registry.Relation | None:
    key = name.strip().lower()
    if key in TABLES:
        found = TABLES[key]
        return None if found is None else registry.RELATIONS[found]
    try:
        return registry.relation(key.replace(" ", "_"))
    except registry.UnknownName as exc:
        raise Invalid(exc.message.replace("relation", "table"), where=name) from None


def _checked(table: str, name: str, text: str, rel: registry.Relation | None) -> Expr:
    try:
        field = registry.contact_field(name) if rel is None else registry.relation_field(rel, name)
        return filter_to_expr(field, text)
    except registry.UnknownName as exc:
        raise Invalid(exc.message, where=table) from None
    except ValueError as exc:
        raise Invalid(str(exc), where=f"{table}.{name}") from None


def filter_to_expr(field: registry.Field, text: str) -> Expr:
    """One field's BC filter as a condition; ValueError when it does not fit the field."""
    node = bcfilter.parse_filter(text)
    if field.type in (registry.ValueType.CODE, registry.ValueType.TEXT):
        return Matches(field.name, text)
    return _typed(field, node)


def _typed(field: registry.Field, node: bcfilter.Filter) -> Expr:
    if isinstance(node, bcfilter.AnyOf):
        return Or(tuple(_typed(field, part) for part in node.parts))
    if isinstance(node, bcfilter.AllOf):
        return And(tuple(_typed(field, part) for part in node.parts))
    if node.op in ("like", "not like"):
        raise ValueError(f"wildcards apply to text and code fields, not to {field.name}")
    if not node.value and node.op in ("=", "<>") and "is empty" in field.operators:
        return IsEmpty(field.name, negated=node.op == "<>")
    op = "!=" if node.op == "<>" else node.op
    if op != ".." and op not in field.operators:
        raise ValueError(f"{field.name} does not take {node.op!r}")
    if op == "..":
        if "<=" not in field.operators:
            raise ValueError(f"{field.name} does not take a range")
        low, high = _value(field, node.value), _value(field, node.upper)
        return And((Compare(field.name, ">=", low), Compare(field.name, "<=", high)))
    return Compare(field.name, op, _value(field, node.value))


def _value(field: registry.Field, text: str) -> Value:
    if field.type is registry.ValueType.ENUM:
        text = text.strip().replace(" ", "_")
    if field.type is registry.ValueType.BOOL:
        text = _YES_NO.get(text.strip().lower(), text)
    return coerce(field, text)
