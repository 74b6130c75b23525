"""Lookups: the codes a field may hold, each with its name, as Business Central offers them
on every field related to a table (a salesperson, a campaign, a template …).

A field is known by its name wherever it appears (`FIELD_LOOKUPS`): a segment's
`salesperson_code`, the setup's `default_salesperson_code` and a contact's `salesperson`
all look up the salespeople. A lookup is a suggestion: the service that stores the field
still checks the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import Column, Table, select

from rapport.services.setup.codes import CODE_TABLES
from rapport.services.transfer.tables import TABLES
from rapport.storage import schema
from rapport.storage.db import Sessions, reading

# At most this many codes by lookup, the first by code: a long list is narrowed by typing.
MOST: Final = 1000

# Each lookup: its table, its code column and the column that names a code.
_SOURCES: dict[str, tuple[Table, str, str]] = {
    "campaigns": (schema.campaigns, "no", "description"),
    "interaction_templates": (schema.interaction_templates, "code", "description"),
    "saved_criteria": (schema.saved_segment_criteria, "code", "description"),
    "questionnaires": (schema.profile_questionnaires, "code", "description"),
}
for _name in CODE_TABLES:
    _table = TABLES[_name].table
    if TABLES[_name].key == ("code",):  # no field holds a row of a composite key (a formula)
        _SOURCES[_name] = (_table, "code", "name" if "name" in _table.c else "description")

LOOKUPS: Final = tuple(sorted(_SOURCES))

# The fields that hold a code, by name, and the lookup of their codes: the fields of the
# forms, and the criteria's (a relation's field as `relation.field`).
FIELD_LOOKUPS: Final[dict[str, str]] = {
    "salesperson_code": "salespeople",
    "default_salesperson_code": "salespeople",
    "salesperson": "salespeople",
    "language_code": "languages",
    "language_code_default": "languages",
    "default_language_code": "languages",
    "language": "languages",
    "country": "countries",
    "salutation_code": "salutations",
    "default_salutation_code": "salutations",
    "sales_cycle_code": "sales_cycles",
    "default_sales_cycle_code": "sales_cycles",
    "mailing_group": "mailing_groups",
    "mailing_group_code": "mailing_groups",
    "campaign_no": "campaigns",
    "interaction_template_code": "interaction_templates",
    "segment_criteria_code": "saved_criteria",
    "questionnaire": "questionnaires",
    "territory": "territories",
    "organizational_level": "organizational_levels",
    "mailing_group.code": "mailing_groups",
    "job_responsibility.code": "job_responsibilities",
    "web_source.code": "web_sources",
    "industry_group.code": "industry_groups",
    "business_relation.code": "business_relations",
}


def lookup_of(field: str) -> str | None:
    """The lookup of a field that holds a code, None for any other field."""
    return FIELD_LOOKUPS.get(field)


def options(sessions: Sessions, lookups: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The codes of each of `lookups` (of `LOOKUPS`) with their names, by code, at most
    `MOST` a lookup; read in one transaction."""
    found = {}
    with reading(sessions) as session:
        for lookup in lookups:
            table, code, name = _SOURCES[lookup]
            code_column: Column[str] = table.c[code]
            query = select(code_column, table.c[name]).order_by(code_column).limit(MOST)
            rows = session.execute(query)
            found[lookup] = [(str(key), str(label or "")) for key, label in rows]
    return found
