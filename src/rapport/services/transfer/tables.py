"""The tables that `rapport import` and `rapport export` read and write (K4, SPEC §6.1).

One place for what a file column is: its name, the table column it fills, its kind, how a
cell becomes a value on import and how a value becomes a cell on export, side by side so
that an exported file re-imports unchanged. Columns are the table's own, in table order,
with `contact_no` standing for `contact_id`; for contacts, `company_id` is derived and
`company_name` is exported but derived on import. Codes are trimmed and upper-cased,
enumerations lower snake_case, booleans `true`/`false` (import also takes 1/0, yes/no),
dates ISO. Every reference a file may hold (a code, a contact no.) is here so the import
can check it set-based: the codes the domain rules say must exist (`CodeExists` in
domain/rules.py, which the services check too), the schema's foreign keys, and the codes of
rows only the import writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, Numeric, String, Table, Time
from sqlalchemy.types import TypeEngine

from rapport.domain import enums
from rapport.domain.rules import CodeExists, EmailAddresses, codes_of, email_rule
from rapport.errors import (
    CODE_FIELD,
    LINE_NO_FIELD,
    N_,
    NO_FIELD,
    Invalid,
    Text,
    missing_record,
)
from rapport.services.transfer import _values as import_values
from rapport.services.transfer._values import Convert, ConvertMany
from rapport.storage import tables as t

# Columns holding a BC Code although their names do not end in _code or _no.
CODE_COLUMNS = frozenset(
    {
        "code",
        "no",
        "country",
        "territory",
        "salesperson",
        "language",
        "organizational_level",
        "salutation",
        "post_code",
        "user_id",
    }
)
ENUM_COLUMNS: dict[str, type[StrEnum]] = {
    "correspondence_type": enums.CorrespondenceType,
    "correspondence_type_default": enums.CorrespondenceType,
    "default_correspondence_type": enums.CorrespondenceType,
    "information_flow": enums.InformationFlow,
    "initiated_by": enums.InitiatedBy,
    "evaluation": enums.Evaluation,
    "link_to_table": enums.LinkToTable,
    "delivery_status": enums.DeliveryStatus,
}
SQL_TYPES: dict[str, TypeEngine[Any]] = {
    "bool": Boolean(),
    "int": Integer(),
    "decimal": Numeric(18, 2),
    "date": Date(),
    "time": Time(),
}
TYPE_ENUMS: dict[str, type[StrEnum]] = {
    "contacts": enums.ContactType,
    "profile_questionnaire_lines": enums.ProfileLineType,
}
# Key fields that may be blank: a salutation formula without a language (BC's blank
# Language Code) greets the contacts and interactions that have none.
BLANK_KEYS = frozenset({("salutation_formulas", "language_code")})


@dataclass(frozen=True)
class FileColumn:
    """One column of an import/export file and the table column it stands for."""

    name: str
    target: str
    kind: str  # text, code, enum, bool, int, decimal, date, time
    length: int | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    required: bool = False
    derived: bool = False  # exported, accepted on import, computed by the import
    email: EmailAddresses | None = None  # the rule on a field holding e-mail addresses

    def converter(self) -> Convert:
        """Cell text → value; ValueError with the reason when the cell is bad."""
        return import_values.cell_converter(self)

    def column_converter(self, *, iso_dates: bool = False) -> ConvertMany:
        """A chunk of one column's cells → values, at C speed where it can; ValueError when
        any cell is bad (the row-wise `converter` then finds which). With `iso_dates`, dates
        stay ISO text."""
        return import_values.column_converter(self, iso_dates=iso_dates)

    def sql_type(self) -> TypeEngine[Any]:
        """The type of the staging column holding this file column."""
        return SQL_TYPES.get(self.kind) or String(self.length)

    def cell(self, value: Any) -> Any:
        """Value → CSV cell text (the inverse of `converter`)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        return str(value)


# What Business Central calls the record of each table a reference names, and the fields
# of its key, in its sentence for a value that names no record (`missing_record`): a code
# table's record is named by its Code, a campaign by its No.
RECORD_CAPTIONS = {
    "business_relations": N_("Business Relation"),
    "campaign_statuses": N_("Campaign Status"),
    "campaigns": N_("Campaign"),
    "countries": N_("Country/Region"),
    "industry_groups": N_("Industry Group"),
    "interaction_groups": N_("Interaction Group"),
    "interaction_templates": N_("Interaction Template"),
    "job_responsibilities": N_("Job Responsibility"),
    "languages": N_("Language"),
    "mailing_groups": N_("Mailing Group"),
    "number_series": N_("No. Series"),
    "organizational_levels": N_("Organizational Level"),
    "profile_questionnaire_lines": N_("Profile Questionnaire Line"),
    "profile_questionnaires": N_("Profile Questionnaire"),
    "sales_cycles": N_("Sales Cycle"),
    "salespeople": N_("Salesperson/Purchaser"),
    "salutation_formulas": N_("Salutation Formula"),
    "salutations": N_("Salutation"),
    "territories": N_("Territory"),
    "web_sources": N_("Web Source"),
}
KEY_CAPTIONS = {
    "code": CODE_FIELD,
    "no": NO_FIELD,
    "line_no": LINE_NO_FIELD,
    "profile_questionnaire_code": N_("Profile Questionnaire Code"),
    "salutation_code": N_("Salutation Code"),
    "language_code": N_("Language Code"),
}


def missing_row(table: Table, key: Mapping[str, Any]) -> Text:
    """Business Central's sentence for the row of `table` whose key fields (by column name)
    are `key`, which is not there."""
    fields = ((KEY_CAPTIONS[name], value) for name, value in key.items())
    return missing_record(RECORD_CAPTIONS[table.name], *fields)


@dataclass(frozen=True)
class Reference:
    """File columns whose non-blank values must exist as `target` columns of `table`: a
    `CodeExists` rule (domain/rules.py) or a foreign key of the schema."""

    columns: tuple[str, ...]
    table: Table
    target: tuple[str, ...]
    rule: CodeExists | None = None

    def message(self, *values: Any) -> Text:
        """Why `values` (one a column) are refused: Business Central's sentence for the
        record of the target they name, which is not there."""
        if self.rule is not None:
            return self.rule.message(values[0])
        return missing_row(self.table, dict(zip(self.target, values, strict=True)))


@dataclass(frozen=True)
class TableSpec:
    """A table as a file: its columns, its key and the references to check."""

    name: str
    table: Table
    columns: tuple[FileColumn, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...]

    def column(self, name: str) -> FileColumn | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def by_contact(self) -> bool:
        return self.column("contact_no") is not None


def _kind(table: str, column: Column[Any]) -> tuple[str, tuple[str, ...]]:
    enum = TYPE_ENUMS.get(table) if column.name == "type" else ENUM_COLUMNS.get(column.name)
    if enum is not None:
        return "enum", tuple(member.value for member in enum)
    for sql_type, kind in (
        (Boolean, "bool"),
        (Date, "date"),
        (Time, "time"),
        (Numeric, "decimal"),
        (Integer, "int"),
    ):
        if isinstance(column.type, sql_type):
            return kind, ()
    name = column.name
    is_code = name in CODE_COLUMNS or name.endswith(("_code", "_no"))
    return ("code" if is_code else "text"), ()


def _default(column: Column[Any]) -> Any:
    if column.default is not None and column.default.is_scalar:
        return column.default.arg  # type: ignore[attr-defined]
    return None


def _file_column(table: Table, column: Column[Any]) -> FileColumn:
    kind, choices = _kind(table.name, column)
    default = _default(column)
    required = (column.primary_key and (table.name, column.name) not in BLANK_KEYS) or (
        not column.nullable and default is None and column.server_default is None
    )
    if kind in ("text", "code") and default is None:
        default = ""
    if kind == "enum" and default is None and "" in choices:
        default = ""
    name = "contact_no" if column.name == "contact_id" else column.name
    if name == "contact_no":
        kind, default, required = "code", "", True
    length = column.type.length if isinstance(column.type, String) else None
    if name == "contact_no":
        length = t.CODE
    return FileColumn(
        name,
        column.name,
        kind,
        length,
        choices,
        default,
        required,
        derived=(table.name, name) == ("contacts", "company_name"),
        email=email_rule(table.name, name),
    )


def _spec(table: Table, *refs: tuple[tuple[str, ...], Table, tuple[str, ...]]) -> TableSpec:
    # a contact's id and company id are its own; a row's casefolded copies follow its fields
    hidden = {"id", "company_id"} if table.name == "contacts" else set()
    hidden |= set(t.FOLDS.get(table.name, {}).values())
    columns = tuple(_file_column(table, c) for c in table.columns if c.name not in hidden)
    key = (
        ("no",)
        if table.name == "contacts"
        else tuple(
            "contact_no" if c.name == "contact_id" else c.name for c in table.primary_key.columns
        )
    )
    references = [Reference(cols, target, keys) for cols, target, keys in refs]
    references += [
        Reference((rule.field,), t.Base.metadata.tables[rule.target], (rule.target_field,), rule)
        for rule in codes_of(table.name)
    ]
    ruled = {ref.columns for ref in references}
    for constraint in sorted(table.foreign_key_constraints, key=lambda c: tuple(c.column_keys)):
        target = constraint.referred_table
        if target.name != "contacts" and tuple(constraint.column_keys) not in ruled:
            keys = tuple(element.column.name for element in constraint.elements)
            references.append(Reference(tuple(constraint.column_keys), target, keys))
    return TableSpec(table.name, table, columns, key, tuple(references))


def _table(model: type[t.Base]) -> Table:
    return t.table_of(model)


def _code(column: str, model: type[t.Base]) -> tuple[tuple[str, ...], Table, tuple[str, ...]]:
    return (column,), _table(model), ("code",)


def _build() -> dict[str, TableSpec]:
    plain = (
        t.Salesperson,
        t.Language,
        t.Country,
        t.Territory,
        t.IndustryGroup,
        t.MailingGroup,
        t.JobResponsibility,
        t.BusinessRelation,
        t.InteractionGroup,
        t.WebSource,
        t.OrganizationalLevel,
        t.Salutation,
        t.CampaignStatus,
        t.SalesCycle,
        t.ContactIndustryGroup,
        t.ContactMailingGroup,
        t.ContactJobResponsibility,
        t.ContactBusinessRelation,
        t.ContactWebSource,
        t.ContactOptOut,
        t.ProfileQuestionnaire,
        t.ProfileQuestionnaireLine,
        t.Rating,
    )
    specs = [_spec(_table(model)) for model in plain]
    answer_line = ("profile_questionnaire_code", "line_no")
    # the codes each table's rows name are the `CodeExists` rules of domain/rules.py
    # and only the import writes alternative addresses and log entries with these codes
    specs += [
        _spec(_table(t.Contact)),
        _spec(_table(t.InteractionTemplate)),
        _spec(_table(t.Campaign)),
        _spec(
            _table(t.ContactProfileAnswer),
            (answer_line, _table(t.ProfileQuestionnaireLine), answer_line),
        ),
        _spec(
            _table(t.InteractionLogEntry),
            _code("interaction_template_code", t.InteractionTemplate),
            _code("interaction_group_code", t.InteractionGroup),
            _code("salesperson_code", t.Salesperson),
            (("campaign_no",), _table(t.Campaign), ("no",)),
        ),
        _spec(_table(t.ContactAltAddress), _code("country", t.Country)),
        _spec(_table(t.SalutationFormula), _code("language_code", t.Language)),
    ]
    return {spec.name: spec for spec in sorted(specs, key=lambda s: s.name)}


TABLES = _build()


def spec_for(
    model: type[t.Base], *refs: tuple[tuple[str, ...], type[t.Base], tuple[str, ...]]
) -> TableSpec:
    """The spec of a table that is not imported (the marketing setup), with its references,
    so that it is edited with the same column rules."""
    return _spec(_table(model), *((cols, _table(other), keys) for cols, other, keys in refs))


def get(name: str) -> TableSpec:
    """The spec of table `name`; Invalid naming the choices when there is none."""
    try:
        return TABLES[name]
    except KeyError:
        raise Invalid(
            N_("no table {name!r}; choose one of {tables}", name=name, tables=", ".join(TABLES)),
            field="table",
        ) from None
