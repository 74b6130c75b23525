"""The field and relation registry of the criteria language (SPEC §5): the one place where a
name is given its column, value type, plain-language label and operators, per *subject*
(what the criteria select: contacts here, the other lists in subjects.py).

The parser, the compiler, the renderer, the JSON form and the language reference all read
this registry, so a field cannot mean one thing to the parser and another to the SQL. A
field's SPEC §5 name is canonical; its SPEC §6 JSON name, where it differs, is an alias
read as the same field. A relation is a satellite table linked to the contact by
`contact_id`; industry groups and business relations are kept on the company and evaluated
on the contact's company (reference §2.5), which `Relation.on_company` says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from enum import StrEnum
from functools import cache

from sqlalchemy import Table

from rapport.criteria.names import UnknownName, suggestion
from rapport.criteria.operators import Column, ValueType, taken_by
from rapport.domain.enums import (
    ContactType,
    CorrespondenceType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    LinkToTable,
)
from rapport.errors import N_
from rapport.storage import schema

__all__ = [
    "CONTACTS",
    "CONTACT_FIELDS",
    "INTERACTION_FIELDS",
    "MEMBERSHIPS",
    "RELATIONS",
    "Field",
    "Relation",
    "Subject",
    "UnknownName",
    "ValueType",
]


@dataclass(frozen=True)
class Field:
    """A field of a subject's rows or of one relation's rows. `name` is canonical (SPEC §5);
    `aliases` are other names it is read by (the SPEC §6 JSON names); `expression`, when
    given, is its SQL (a correlated subquery) instead of the column `column`; `codes`, for
    a Code field whose values come from a code table, is that table's code column (an
    unknown code there is refused, codes.py); `folded` names the column holding the
    field's casefolded copy (in the table of its rows, or of the questionnaire lines for
    a profile answer), which a case-insensitive filter (`@é*`) compares, and
    `folded_expression` is that copy's SQL for a field that is an expression. Every text
    field has a copy (storage.schema.FOLDS)."""

    name: str
    column: str
    type: ValueType
    label: str
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    expression: Column | None = dc_field(default=None, compare=False, repr=False)
    codes: Column | None = dc_field(default=None, compare=False, repr=False)
    folded: str | None = None  # the column of its casefolded copy, compared by `@` (bcfilter)
    folded_expression: Column | None = dc_field(default=None, compare=False, repr=False)

    @property
    def operators(self) -> tuple[str, ...]:
        ops = taken_by(self.type)
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


@dataclass(frozen=True, eq=False)
class Subject:
    """What criteria select: the rows of `table` (contacts, interaction log entries …), by
    their `key` column, with their fields and, for contacts, relations and memberships."""

    name: str
    label: str
    table: Table
    key: str
    fields: Mapping[str, Field]
    relations: Mapping[str, Relation] = dc_field(default_factory=dict)
    memberships: Mapping[str, str] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        # each text field of the subject's table names its casefolded copy, which `@` compares
        copied = with_copies(self.fields, self.table.name)
        if copied != dict(self.fields):
            object.__setattr__(self, "fields", copied)

    def field(self, name: str) -> Field:
        """The field `name` (or alias); UnknownName suggesting the nearest known name."""
        found = by_name(self.fields).get(name.lower())
        if found is not None:
            return found
        known = [*by_name(self.fields), *self.relations, *self.memberships]
        raise UnknownName(
            N_("unknown field {name!r}{hint}", name=name, hint=suggestion(name, known))
        )

    def relation(self, name: str) -> Relation:
        """The relation `name`; UnknownName with a suggestion."""
        found = self.relations.get(name.lower())
        if found is not None:
            return found
        known = [*self.relations, *self.memberships]
        raise UnknownName(
            N_("unknown relation {name!r}{hint}", name=name, hint=suggestion(name, known))
        )

    def column(self, field: Field) -> Column:
        """The SQL of one of this subject's own fields."""
        return self.table.c[field.column] if field.expression is None else field.expression


def by_name(fields: Mapping[str, Field]) -> dict[str, Field]:
    """Every name and alias of `fields` → its field (made once per registry: a 7,000-term
    criteria looks up 7,000 names)."""
    known = _INDEXES.get(id(fields))
    if known is None or known[0] is not fields:
        known = (fields, _index(tuple(fields.values())))
        _INDEXES[id(fields)] = known
    return known[1]


_INDEXES: dict[int, tuple[Mapping[str, Field], dict[str, Field]]] = {}


@cache
def _index(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {name: item for item in fields for name in (item.name, *item.aliases)}


def _choices(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def keyed(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}


CodeTable = Table | Column | None


def code(
    name: str, label: str, column: str | None = None, *aliases: str, codes: CodeTable = None
) -> Field:
    """A Code field; its column is its name unless given; `codes` is the code table (its
    `code` column) or the column its values come from."""
    listed = codes.c.code if isinstance(codes, Table) else codes
    return Field(name, column or name, ValueType.CODE, label, aliases=aliases, codes=listed)


def text(name: str, label: str, column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.TEXT, label)


def enum(name: str, label: str, kind: type[StrEnum], column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.ENUM, label, _choices(kind))


def flag(name: str, label: str, column: str | None = None) -> Field:
    return Field(name, column or name, ValueType.BOOL, label)


def typed(kind: ValueType, name: str, label: str, column: str | None = None) -> Field:
    """A date, whole-number or decimal field."""
    return Field(name, column or name, kind, label)


CONTACT_TABLE: Table = schema.contacts

CONTACT_FIELDS: dict[str, Field] = keyed(
    code("no", "contact no."),
    text("name", "name"),
    code("search_name", "search name"),
    enum("type", "type", ContactType),
    code("company_no", "company no."),
    text("company_name", "company name"),
    code("salesperson", "salesperson", codes=schema.salespeople),
    code("territory", "territory", codes=schema.territories),
    code("country", "country/region", codes=schema.countries),
    code("post_code", "post code"),
    text("city", "city"),
    text("county", "county"),
    code("language", "language", codes=schema.languages),
    text("email", "e-mail"),
    text("phone", "phone no."),
    text("mobile", "mobile phone no."),
    enum("correspondence_type", "correspondence type", CorrespondenceType),
    flag("excluded", "excluded from segments"),
    flag("privacy_blocked", "privacy blocked"),
    text("job_title", "job title"),
    code("organizational_level", "organizational level", codes=schema.organizational_levels),
    code("vat_no", "VAT registration no."),
    typed(ValueType.DATE, "created", "creation date"),
)


def with_copies(fields: Mapping[str, Field], table: str) -> dict[str, Field]:
    """`fields` with the casefolded copy (storage.schema.FOLDS) of each text field of
    `table` named."""
    copies = schema.FOLDS.get(table, {})
    return {
        name: replace(item, folded=copies[item.column])
        if item.type is ValueType.TEXT and item.column in copies
        else item
        for name, item in fields.items()
    }


CONTACT_FIELDS = with_copies(CONTACT_FIELDS, "contacts")

# The fields of an interaction log entry, shared by `interaction(…)` on contacts and by the
# interaction log entries subject: SPEC §5 names, with the SPEC §6 names as aliases.
INTERACTION_FIELDS: dict[str, Field] = keyed(
    typed(ValueType.DATE, "date", "date"),
    code(
        "template",
        "template",
        "interaction_template_code",
        "interaction_template_code",
        codes=schema.interaction_templates,
    ),
    code(
        "group",
        "interaction group",
        "interaction_group_code",
        "interaction_group_code",
        codes=schema.interaction_groups,
    ),
    code("segment", "segment no.", "segment_no", "segment_no"),
    code("campaign", "campaign no.", "campaign_no", "campaign_no", codes=schema.campaigns.c.no),
    flag("campaign_target", "campaign target"),
    flag("campaign_response", "campaign response"),
    enum("evaluation", "evaluation", Evaluation),
    code(
        "salesperson",
        "salesperson",
        "salesperson_code",
        "salesperson_code",
        codes=schema.salespeople,
    ),
    flag("canceled", "canceled"),
    enum("information_flow", "information flow", InformationFlow),
    enum("initiated_by", "initiated by", InitiatedBy),
    enum("correspondence_type", "correspondence type", CorrespondenceType),
    typed(ValueType.INT, "logged_segment", "logged segment", "logged_segment_entry_no"),
    typed(ValueType.DECIMAL, "cost", "cost"),
    typed(ValueType.DECIMAL, "duration", "duration"),
)

RELATIONS: dict[str, Relation] = {
    relation.name: relation
    for relation in (
        Relation(
            "mailing_group",
            schema.contact_mailing_groups,
            "mailing group",
            keyed(code("code", "code", "mailing_group_code", codes=schema.mailing_groups)),
        ),
        Relation(
            "job_responsibility",
            schema.contact_job_responsibilities,
            "job responsibility",
            keyed(
                code("code", "code", "job_responsibility_code", codes=schema.job_responsibilities)
            ),
        ),
        Relation(
            "web_source",
            schema.contact_web_sources,
            "web source",
            with_copies(
                keyed(
                    code("code", "code", "web_source_code", codes=schema.web_sources),
                    text("search_word", "search word"),
                ),
                "contact_web_sources",
            ),
        ),
        Relation(
            "profile",
            schema.contact_profile_answers,
            "profile answer",
            keyed(
                code(
                    "questionnaire",
                    "questionnaire",
                    "profile_questionnaire_code",
                    codes=schema.profile_questionnaires,
                ),
                typed(ValueType.INT, "answer_line", "answer line", "line_no"),
                # the questionnaire line's text, its copy on the line
                replace(text("answer", "answer", "description"), folded="description_folded"),
            ),
            shorthand=None,
            lines=schema.profile_questionnaire_lines,
        ),
        Relation(
            "industry_group",
            schema.contact_industry_groups,
            "industry group",
            keyed(code("code", "code", "industry_group_code", codes=schema.industry_groups)),
            on_company=True,
        ),
        Relation(
            "business_relation",
            schema.contact_business_relations,
            "business relation",
            keyed(
                code("code", "code", "business_relation_code", codes=schema.business_relations),
                enum("link_to_table", "linked to table", LinkToTable),
                code("link_no", "linked no."),
            ),
            on_company=True,
        ),
        Relation(
            "opted_out",
            schema.contact_opt_outs,
            "opt-out",
            keyed(enum("type", "correspondence type", CorrespondenceType, "correspondence_type")),
            shorthand="type",
        ),
        Relation(
            "interaction",
            schema.interaction_log_entries,
            "interaction",
            INTERACTION_FIELDS,
            shorthand=None,
        ),
    )
}

# `segment(NO)` and `logged_segment(N)` look like relations but test membership.
MEMBERSHIPS = {"segment": "segment", "logged_segment": "logged segment"}


CONTACTS = Subject(
    "contacts",
    "contact",
    CONTACT_TABLE,
    "id",
    CONTACT_FIELDS,
    relations=RELATIONS,
    memberships=MEMBERSHIPS,
)


def contact_field(name: str) -> Field:
    """The contact field `name`; UnknownName (with a suggestion among fields and relations)."""
    return CONTACTS.field(name)


def relation(name: str) -> Relation:
    """The contact relation `name`; UnknownName with a suggestion."""
    return CONTACTS.relation(name)


def relation_field(rel: Relation, name: str) -> Field:
    """The field `name` (or alias) of the relation's rows; UnknownName with a suggestion."""
    found = by_name(rel.fields).get(name.lower())
    if found is not None:
        return found
    raise UnknownName(
        N_(
            "unknown field {name!r} of {relation}{hint} (its fields: {fields})",
            name=name,
            relation=rel.name,
            hint=suggestion(name, list(by_name(rel.fields))),
            fields=", ".join(rel.fields),
        )
    )


def lookup(subject: Subject, rel: Relation | None, name: str) -> Field:
    """The field `name` of the subject's rows, or inside `rel` of that relation's rows."""
    return subject.field(name) if rel is None else relation_field(rel, name)
