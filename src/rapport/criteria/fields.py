"""The field and relation registry of the criteria language (SPEC §5): the one place where a
name is given its column, value type, plain-language label and operators.

The parser, the compiler, the renderer, the JSON form and the language reference all read
this registry, so a field cannot mean one thing to the parser and another to the SQL.
A relation is a satellite table linked to the contact by `contact_id`; industry groups and
business relations are kept on the company and evaluated on the contact's company
(reference §2.5), which `Relation.on_company` says.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Table

from rapport.domain.enums import (
    ContactType,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    LinkToTable,
)
from rapport.storage import tables as t


class ValueType(StrEnum):
    """How a field's values are written, stored and compared."""

    CODE = "code"  # upper-cased and trimmed (a Business Central Code)
    TEXT = "text"  # as written, case-sensitive
    ENUM = "enum"  # one of a fixed set of lower snake_case words
    BOOL = "bool"
    DATE = "date"
    INT = "int"
    DECIMAL = "decimal"


ORDERING = ("=", "!=", "<", "<=", ">", ">=")
OPERATORS: dict[ValueType, tuple[str, ...]] = {
    ValueType.CODE: (*ORDERING, "in", "not in", "is empty", "is not empty", "matches"),
    ValueType.TEXT: (*ORDERING, "in", "not in", "is empty", "is not empty", "matches"),
    ValueType.ENUM: ("=", "!=", "in", "not in", "is empty", "is not empty"),
    ValueType.BOOL: ("=", "!="),
    ValueType.DATE: (*ORDERING, "in", "not in", "is empty", "is not empty"),
    ValueType.INT: (*ORDERING, "in", "not in"),
    ValueType.DECIMAL: (*ORDERING, "in", "not in"),
}


@dataclass(frozen=True)
class Field:
    """A field of the contact or of one relation's rows."""

    name: str
    column: str
    type: ValueType
    label: str
    choices: tuple[str, ...] = ()

    @property
    def operators(self) -> tuple[str, ...]:
        ops = OPERATORS[self.type]
        if self.type is ValueType.ENUM and "" not in self.choices:
            return tuple(op for op in ops if "empty" not in op)
        return ops


@dataclass(frozen=True)
class Relation:
    """Rows linked to a contact; `RELATION(condition)` means such a row exists."""

    name: str
    table: Table
    label: str
    fields: Mapping[str, Field]
    on_company: bool = False
    shorthand: str | None = "code"  # the field `RELATION = V` compares
    lines: Table | None = None  # profile answers: the questionnaire lines they answer


def _choices(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _fields(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}


def _code(name: str, label: str, column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.CODE, label)


def _text(name: str, label: str, column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.TEXT, label)


def _enum(name: str, label: str, enum: type[StrEnum], column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.ENUM, label, _choices(enum))


def _bool(name: str, label: str, column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.BOOL, label)


CONTACT_TABLE: Table = t.Contact.__table__  # type: ignore[assignment]

CONTACT_FIELDS: dict[str, Field] = _fields(
    _code("no", "contact no."),
    _text("name", "name"),
    _code("search_name", "search name"),
    _enum("type", "type", ContactType),
    _code("company_no", "company no."),
    _text("company_name", "company name"),
    _code("salesperson", "salesperson"),
    _code("territory", "territory"),
    _code("country", "country/region"),
    _code("post_code", "post code"),
    _text("city", "city"),
    _text("county", "county"),
    _code("language", "language"),
    _text("email", "e-mail"),
    _text("phone", "phone no."),
    _text("mobile", "mobile phone no."),
    _enum("correspondence_type", "correspondence type", CorrespondenceType),
    _bool("excluded", "excluded from segments"),
    _bool("privacy_blocked", "privacy blocked"),
    _text("job_title", "job title"),
    _code("organizational_level", "organizational level"),
    _code("vat_no", "VAT registration no."),
    Field("created", "created", ValueType.DATE, "creation date"),
)

_CODE_ONLY = {"code": _code("code", "code")}

RELATIONS: dict[str, Relation] = {
    relation.name: relation
    for relation in (
        Relation(
            "mailing_group",
            t.ContactMailingGroup.__table__,  # type: ignore[arg-type]
            "mailing group",
            _fields(_code("code", "code", "mailing_group_code")),
        ),
        Relation(
            "job_responsibility",
            t.ContactJobResponsibility.__table__,  # type: ignore[arg-type]
            "job responsibility",
            _fields(_code("code", "code", "job_responsibility_code")),
        ),
        Relation(
            "web_source",
            t.ContactWebSource.__table__,  # type: ignore[arg-type]
            "web source",
            _fields(_code("code", "code", "web_source_code"), _text("search_word", "search word")),
        ),
        Relation(
            "profile",
            t.ContactProfileAnswer.__table__,  # type: ignore[arg-type]
            "profile answer",
            _fields(
                _code("questionnaire", "questionnaire", "profile_questionnaire_code"),
                Field("answer_line", "line_no", ValueType.INT, "answer line"),
                _text("answer", "answer", "description"),
            ),
            shorthand=None,
            lines=t.ProfileQuestionnaireLine.__table__,  # type: ignore[arg-type]
        ),
        Relation(
            "industry_group",
            t.ContactIndustryGroup.__table__,  # type: ignore[arg-type]
            "industry group",
            _fields(_code("code", "code", "industry_group_code")),
            on_company=True,
        ),
        Relation(
            "business_relation",
            t.ContactBusinessRelation.__table__,  # type: ignore[arg-type]
            "business relation",
            _fields(
                _code("code", "code", "business_relation_code"),
                _enum("link_to_table", "linked to table", LinkToTable),
                _code("link_no", "linked no."),
            ),
            on_company=True,
        ),
        Relation(
            "opted_out",
            t.ContactOptOut.__table__,  # type: ignore[arg-type]
            "opt-out",
            _fields(
                _enum("type", "correspondence type", CorrespondenceType, "correspondence_type")
            ),
            shorthand="type",
        ),
        Relation(
            "interaction",
            t.InteractionLogEntry.__table__,  # type: ignore[arg-type]
            "interaction",
            _fields(
                Field("date", "date", ValueType.DATE, "date"),
                _code("template", "template", "interaction_template_code"),
                _code("group", "interaction group", "interaction_group_code"),
                _code("segment", "segment no.", "segment_no"),
                _code("campaign", "campaign no.", "campaign_no"),
                _bool("campaign_target", "campaign target"),
                _bool("campaign_response", "campaign response"),
                _enum("evaluation", "evaluation", Evaluation),
                _code("salesperson", "salesperson", "salesperson_code"),
                _bool("canceled", "canceled"),
                _enum("information_flow", "information flow", InformationFlow),
                _enum("initiated_by", "initiated by", InitiatedBy),
                _enum("correspondence_type", "correspondence type", CorrespondenceType),
                Field("logged_segment", "logged_segment_entry_no", ValueType.INT, "logged segment"),
                Field("cost", "cost", ValueType.DECIMAL, "cost"),
                Field("duration", "duration", ValueType.DECIMAL, "duration"),
            ),
            shorthand=None,
        ),
    )
}

# `segment(NO)` and `logged_segment(N)` look like relations but test membership.
MEMBERSHIPS = {"segment": "segment", "logged_segment": "logged segment"}


class UnknownName(LookupError):
    """A name the registry does not know; the message suggests the nearest one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def suggestion(name: str, known: list[str]) -> str:
    """` — did you mean 'x'?` for the nearest known name, or nothing."""
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else ""


def contact_field(name: str) -> Field:
    """The contact field `name`; UnknownName (with a suggestion among fields and relations)."""
    found = CONTACT_FIELDS.get(name.lower())
    if found is not None:
        return found
    known = [*CONTACT_FIELDS, *RELATIONS, *MEMBERSHIPS]
    raise UnknownName(f"unknown field {name!r}{suggestion(name, known)}")


def relation(name: str) -> Relation:
    """The relation `name`; UnknownName with a suggestion."""
    found = RELATIONS.get(name.lower())
    if found is not None:
        return found
    known = [*RELATIONS, *MEMBERSHIPS]
    raise UnknownName(f"unknown relation {name!r}{suggestion(name, known)}")


def relation_field(rel: Relation, name: str) -> Field:
    """The field `name` of the relation's rows; UnknownName with a suggestion."""
    found = rel.fields.get(name.lower())
    if found is not None:
        return found
    raise UnknownName(
        f"unknown field {name!r} of {rel.name}{suggestion(name, list(rel.fields))}"
        f" (its fields: {', '.join(rel.fields)})"
    )


def _row(field: Field) -> str:
    kind = field.type.value
    if field.choices:
        kind += ": " + ", ".join(f"`{c}`" if c else "`''`" for c in field.choices)
    return f"| `{field.name}` | {field.label} | {kind} |"


def reference_tables() -> str:
    """The type, field and relation tables of docs/criteria-language.md, from this registry."""
    out = ["### Operators by type", "", "| type | operators |", "|---|---|"]
    out += [
        f"| {kind.value} | {', '.join(f'`{op}`' for op in ops)} |"
        for kind, ops in OPERATORS.items()
    ]
    head = "| field | means | type |\n|---|---|---|"
    out += ["", "### Contact fields", "", head, *(_row(f) for f in CONTACT_FIELDS.values())]
    for rel in RELATIONS.values():
        where = "the contact's company (a company: itself)" if rel.on_company else "the contact"
        out += ["", f"### `{rel.name}(…)`: {rel.label} rows of {where}", ""]
        if rel.shorthand:
            out += [f"`{rel.name} = V` means `{rel.name}({rel.shorthand} = V)`.", ""]
        out += [head, *(_row(f) for f in rel.fields.values())]
    return "\n".join(out) + "\n"
