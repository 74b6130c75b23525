"""The lake's schema (issue 16, X10): the Parquet tables the criteria read when they run on
Apache Spark, derived from the field registry so that a field means the same column on the
lake as in the database.

A lake is a folder with one Parquet dataset (a file or a folder of files) per table:
`contacts` (its own integer `id`, the company's `company_id`, every contact field, and the
`str.casefold()` copy of each text field, `name_folded` … (a web source's `search_word_folded`,
a questionnaire line's `description_folded`, as in the database),
which `@` compares: Spark has no casefold of its own, so the lake carries the fold the
database made and `lake check` requires it), one table per relation keyed by `contact_id`
(named as in the database), the questionnaire lines the profile answers answer, and
`segment_members` (the contacts on each unlogged segment). Codes, post codes and every
other text stay strings. The schema is plain data: this module imports neither pyarrow nor
pyspark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapport.criteria import fields as registry
from rapport.criteria.operators import ValueType

__all__ = ["CONTACTS", "LINES", "MEMBERS", "SCHEMA", "LakeColumn", "LakeType", "folded_copies"]


class LakeType(StrEnum):
    """The logical type of a lake column (its Parquet type is chosen in one place)."""

    STRING = "string"
    BOOL = "bool"
    DATE = "date"
    INT64 = "int64"
    DECIMAL = "decimal(18,2)"


@dataclass(frozen=True)
class LakeColumn:
    name: str
    type: LakeType
    nullable: bool = False


_TYPES = {
    ValueType.CODE: LakeType.STRING,
    ValueType.TEXT: LakeType.STRING,
    ValueType.ENUM: LakeType.STRING,
    ValueType.BOOL: LakeType.BOOL,
    ValueType.DATE: LakeType.DATE,
    ValueType.INT: LakeType.INT64,
    ValueType.DECIMAL: LakeType.DECIMAL,
}

CONTACTS = "contacts"
LINES = "profile_questionnaire_lines"
MEMBERS = "segment_members"


def _columns(fields: list[registry.Field]) -> tuple[LakeColumn, ...]:
    return tuple(
        LakeColumn(item.column, _TYPES[item.type], item.type is ValueType.DATE) for item in fields
    )


def folded_copies(fields: Iterable[registry.Field] | None = None) -> tuple[str, ...]:
    """The casefolded copies (`name_folded` …) of `fields` (the contacts' by default), in
    the registry's order."""
    items = registry.CONTACT_FIELDS.values() if fields is None else fields
    return tuple(item.folded for item in items if item.folded)


def _relation(rel: registry.Relation) -> tuple[LakeColumn, ...]:
    own = [item for item in rel.fields.values() if rel.lines is None or item.name != "answer"]
    copies = (LakeColumn(copy, LakeType.STRING) for copy in folded_copies(own))
    return (LakeColumn("contact_id", LakeType.INT64), *_columns(own), *copies)


def _schema() -> dict[str, tuple[LakeColumn, ...]]:
    tables: dict[str, tuple[LakeColumn, ...]] = {
        CONTACTS: (
            LakeColumn("id", LakeType.INT64),
            LakeColumn("company_id", LakeType.INT64, nullable=True),
            *_columns(list(registry.CONTACT_FIELDS.values())),
            *(LakeColumn(copy, LakeType.STRING) for copy in folded_copies()),
        )
    }
    for rel in registry.RELATIONS.values():
        tables[rel.table.name] = _relation(rel)
    tables[LINES] = (
        LakeColumn("profile_questionnaire_code", LakeType.STRING),
        LakeColumn("line_no", LakeType.INT64),
        LakeColumn("description", LakeType.STRING),
        LakeColumn("description_folded", LakeType.STRING),
    )
    tables[MEMBERS] = (
        LakeColumn("segment_no", LakeType.STRING),
        LakeColumn("contact_id", LakeType.INT64),
    )
    return tables


# Table name → its columns, in the order the export writes them.
SCHEMA: dict[str, tuple[LakeColumn, ...]] = _schema()
