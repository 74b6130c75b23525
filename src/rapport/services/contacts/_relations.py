"""The kinds of assignment (K2) and how a contact's assignments are read, on Core tables.

`RELATIONS` says for each kind of assignment which link table holds it, the code table its
code must exist in, which contact type may carry it and its extra fields; `relations`
writes through it, and the contact card reads through `assignments`, which needs no ORM
(SPEC §9: `rapport contacts show` starts without it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, select

from rapport.domain.enums import ContactType, LinkToTable, parse_enum
from rapport.errors import N_, Invalid, text_of
from rapport.services.contacts.results import Assigned
from rapport.storage import schema
from rapport.storage.schema import column_length

PROFILE = "profile"


def _link_to_table(name: str, value: str) -> str:
    try:
        return str(parse_enum(LinkToTable, value, field=name).value)
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc


# The checks of a written value import the domain rules when a value is written: the card
# reads through `RELATIONS` without them (SPEC §9: `rapport contacts show` starts fast).


def _link_no(name: str, value: str) -> str:
    from rapport.domain.codes import normalize_code

    try:
        return normalize_code(value, field=name)
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc


def _search_word(name: str, value: str) -> str:
    from rapport.domain.rules import TEXT_LENGTH

    TEXT_LENGTH.check(name, value.strip(), column_length(schema.contact_web_sources, "search_word"))
    return value.strip()


@dataclass(frozen=True)
class Relation:
    """A kind of assignment: its link table, code table and who may carry it."""

    caption: str  # said in the reader's language (marked N_ below)
    link: Table
    code_column: str
    codes: Table
    only: ContactType | None = None
    extras: Mapping[str, Callable[[str, str], str]] = field(default_factory=dict)


RELATIONS: dict[str, Relation] = {
    "mailing_group": Relation(
        N_("Mailing Group").template,
        schema.contact_mailing_groups,
        "mailing_group_code",
        schema.mailing_groups,
    ),
    "industry_group": Relation(
        N_("Industry Group").template,
        schema.contact_industry_groups,
        "industry_group_code",
        schema.industry_groups,
        only=ContactType.COMPANY,
    ),
    "business_relation": Relation(
        N_("Business Relation").template,
        schema.contact_business_relations,
        "business_relation_code",
        schema.business_relations,
        only=ContactType.COMPANY,
        extras={"link_to_table": _link_to_table, "link_no": _link_no},
    ),
    "job_responsibility": Relation(
        N_("Job Responsibility").template,
        schema.contact_job_responsibilities,
        "job_responsibility_code",
        schema.job_responsibilities,
        only=ContactType.PERSON,
    ),
    "web_source": Relation(
        N_("Web Source").template,
        schema.contact_web_sources,
        "web_source_code",
        schema.web_sources,
        extras={"search_word": _search_word},
    ),
}
RELATION_NAMES = (*RELATIONS, PROFILE)


def assignments(
    connection: Connection, contact_id: int, *, type: str, company_id: int | None
) -> dict[str, tuple[Assigned, ...]]:
    """Every assignment of the contact by relation name; a person shows its company's
    industry groups and business relations, which it inherits."""
    result: dict[str, tuple[Assigned, ...]] = {}
    for name, spec in RELATIONS.items():
        owner = contact_id
        if spec.only is ContactType.COMPANY and type == ContactType.PERSON:
            owner = company_id or 0
        table, codes = spec.link, spec.codes
        rows = connection.execute(
            select(table, codes.c.description)
            .join(codes, codes.c.code == table.c[spec.code_column])
            .where(table.c.contact_id == owner)
            .order_by(table.c[spec.code_column])
        ).all()
        result[name] = tuple(
            Assigned(
                name,
                row._mapping[spec.code_column],
                row.description,
                {key: row._mapping[key] for key in spec.extras},
            )
            for row in rows
        )
    result[PROFILE] = profile_answers(connection, contact_id)
    return result


def profile_answers(connection: Connection, contact_id: int) -> tuple[Assigned, ...]:
    """The contact's profile answers, each with its answer line's description."""
    answers, lines = schema.contact_profile_answers, schema.profile_questionnaire_lines
    rows = connection.execute(
        select(
            answers.c.profile_questionnaire_code,
            answers.c.line_no,
            answers.c.last_date_updated,
            lines.c.description,
        )
        .join(
            lines,
            (lines.c.profile_questionnaire_code == answers.c.profile_questionnaire_code)
            & (lines.c.line_no == answers.c.line_no),
        )
        .where(answers.c.contact_id == contact_id)
        .order_by(answers.c.profile_questionnaire_code, answers.c.line_no)
    ).all()
    return tuple(
        Assigned(
            PROFILE,
            row.profile_questionnaire_code,
            row.description,
            {"answer_line": row.line_no, "last_date_updated": row.last_date_updated},
        )
        for row in rows
    )
