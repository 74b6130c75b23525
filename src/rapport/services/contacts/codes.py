"""The code tables a contact's fields and relations take their values from (salespeople,
countries, languages, mailing groups, industry groups …), for pickers such as the web
criteria builder's value lists (X1, SPEC §8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    BusinessRelation,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    OrganizationalLevel,
    Salesperson,
    Territory,
    WebSource,
)

# Criteria field (or `relation.field`) → its code table and the column that describes a code.
CODE_TABLES: dict[str, tuple[Any, str]] = {
    "salesperson": (Salesperson, "name"),
    "territory": (Territory, "name"),
    "country": (Country, "name"),
    "language": (Language, "name"),
    "organizational_level": (OrganizationalLevel, "description"),
    "mailing_group.code": (MailingGroup, "description"),
    "job_responsibility.code": (JobResponsibility, "description"),
    "web_source.code": (WebSource, "description"),
    "industry_group.code": (IndustryGroup, "description"),
    "business_relation.code": (BusinessRelation, "description"),
}
MAX_CODES = 500  # a picker offers at most this many codes of one table


@dataclass(frozen=True)
class CodeValue:
    code: str
    description: str


def get_all(sessions: Sessions) -> dict[str, list[CodeValue]]:
    """Each criteria field's codes in code order (at most MAX_CODES of a table)."""
    found: dict[str, list[CodeValue]] = {}
    with reading(sessions) as session:
        for name, (model, described_by) in CODE_TABLES.items():
            query = (
                select(model.code, getattr(model, described_by))
                .order_by(model.code)
                .limit(MAX_CODES)
            )
            found[name] = [CodeValue(code, text or "") for code, text in session.execute(query)]
    return found
