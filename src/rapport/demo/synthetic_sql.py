"""Set-based generation of the synthetic contacts' satellite rows (SPEC §9 workload).

Each statement is one `INSERT … SELECT` over a range of contact ids, so the database does
the work: no row crosses into Python. Randomness is a deterministic integer hash of the
contact id and a salt, computed in SQL with 64-bit arithmetic that SQLite and PostgreSQL
evaluate alike; a bucket of that hash picks a skewed (Zipf-like) code through a `CASE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Insert,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.types import TypeEngine

from rapport.demo.bulk import TABLES
from rapport.demo.setup_data import INTERACTION_TEMPLATES
from rapport.storage.folding import folded_case

PRIME = 2_147_483_647  # 2**31 - 1: products of two residues stay within 64 bits
BUCKETS = 10_000

contacts = TABLES["contacts"]
templates = TABLES["interaction_templates"]
_DESCRIPTIONS = [str(row["description"]) for row in INTERACTION_TEMPLATES]


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Zipf-like weights 1/rank**exponent for `count` codes, most frequent first."""
    return [1 / rank**exponent for rank in range(1, count + 1)]


def shares(weights: Sequence[float], total: float) -> list[float]:
    """`weights` scaled so that they add up to `total`."""
    scale = total / sum(weights)
    return [weight * scale for weight in weights]


def hashed(column: ColumnElement[int], salt: int) -> ColumnElement[int]:
    """A deterministic pseudo-random integer in [0, PRIME) from an id and a salt."""
    mixed = (cast(column, BigInteger) * (48_271 + 2 * salt) + 12_345 * salt + 1) % PRIME
    squared = (mixed * mixed) % PRIME
    return (squared * 69_621 + salt) % PRIME


def bucket(column: ColumnElement[int], salt: int) -> ColumnElement[int]:
    """A deterministic pseudo-random bucket in [0, BUCKETS)."""
    return hashed(column, salt) % BUCKETS


def pick(
    column: ColumnElement[int],
    salt: int,
    codes: Sequence[Any],
    weights: Sequence[float],
    type_: TypeEngine[Any] | None = None,
) -> ColumnElement[Any]:
    """One of `codes`, chosen per row with probability proportional to `weights`."""
    type_ = type_ or String()
    whens = []
    running, scale = 0.0, BUCKETS / sum(weights)
    chosen = bucket(column, salt)
    for code, weight in zip(codes[:-1], weights[:-1], strict=True):
        running += weight * scale
        whens.append((chosen < round(running), literal(code, type_)))
    return case(*whens, else_=literal(codes[-1], type_))


def in_chunk(low: int, high: int, contact_type: str | None = None) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = contacts.c.id.between(low, high)
    if contact_type is not None:
        condition = and_(condition, contacts.c.type == contact_type)
    return condition


def memberships(
    table_name: str,
    code_column: str,
    codes: Sequence[str],
    chances: Sequence[float],
    *,
    low: int,
    high: int,
    salt: int,
    contact_type: str | None = None,
) -> list[Insert]:
    """For each code, insert a (contact, code) row with that code's chance per contact."""
    target = TABLES[table_name]
    statements = []
    for index, (code, chance) in enumerate(zip(codes, chances, strict=True)):
        rows = select(contacts.c.id, literal(code, String)).where(
            in_chunk(low, high, contact_type),
            bucket(contacts.c.id, salt + index) < round(chance * BUCKETS),
        )
        statements.append(insert(target).from_select(["contact_id", code_column], rows))
    return statements


def business_relations(
    codes: Sequence[str],
    weights: Sequence[float],
    links: dict[str, tuple[str, str]],
    *,
    low: int,
    high: int,
    salt: int,
) -> Insert:
    """Exactly one business relation per company, linked to a customer or vendor no."""
    code = pick(contacts.c.id, salt, codes, weights)
    link_to = case(
        *((code == c, literal(table, String)) for c, (table, _) in links.items()),
        else_=literal("", String),
    )
    link_no = case(
        *(
            (code == c, literal(prefix, String) + cast(contacts.c.id, String))
            for c, (_, prefix) in links.items()
        ),
        else_=literal("", String),
    )
    rows = select(contacts.c.id, code, link_to, link_no).where(in_chunk(low, high, "company"))
    return insert(TABLES["contact_business_relations"]).from_select(
        ["contact_id", "business_relation_code", "link_to_table", "link_no"], rows
    )


def profile_answers(
    questionnaire: str,
    contact_type: str,
    questions: Sequence[Sequence[int]],
    updated: dt.date,
    *,
    low: int,
    high: int,
    salt: int,
) -> list[Insert]:
    """One answer per question of `questionnaire` for every contact of `contact_type`."""
    statements = []
    for index, answers in enumerate(questions):
        line_no = pick(contacts.c.id, salt + index, answers, zipf_weights(len(answers)), Integer())
        rows = select(
            contacts.c.id, literal(questionnaire, String), line_no, literal(updated, Date)
        ).where(in_chunk(low, high, contact_type))
        statements.append(
            insert(TABLES["contact_profile_answers"]).from_select(
                ["contact_id", "profile_questionnaire_code", "line_no", "last_date_updated"], rows
            )
        )
    return statements


def days_before(
    day: dt.date, days: ColumnElement[int], *, postgresql: bool
) -> ColumnElement[dt.date]:
    """`day` minus `days` days, in each engine's date arithmetic."""
    if postgresql:
        return literal(day, Date) - cast(days, Integer)
    modifier = literal("-", String) + cast(days, String) + literal(" days", String)
    return func.date(literal(day.isoformat(), String), modifier, type_=Date)


def _entry_columns(
    entry_no: ColumnElement[int], date: ColumnElement[dt.date], canceled: ColumnElement[bool]
) -> dict[str, ColumnElement[Any]]:
    """Interaction log entry column → its value, from the contact and the chosen template."""
    return {
        "entry_no": entry_no,
        "contact_id": contacts.c.id,
        "contact_company_no": contacts.c.company_no,
        "date": date,
        "description": templates.c.description,
        "information_flow": templates.c.information_flow,
        "initiated_by": templates.c.initiated_by,
        "cost": templates.c.unit_cost,
        "duration": templates.c.unit_duration,
        "interaction_group_code": templates.c.interaction_group_code,
        "interaction_template_code": templates.c.code,
        "campaign_no": templates.c.campaign_no,
        "campaign_target": templates.c.campaign_target,
        "salesperson_code": contacts.c.salesperson,
        "correspondence_type": templates.c.correspondence_type_default,
        "interaction_language_code": contacts.c.language,
        "subject": templates.c.description.label("subject"),
        "canceled": canceled,
        # the casefolded copies, over the demo templates' few descriptions
        "description_folded": folded_case(templates.c.description, _DESCRIPTIONS),
        "subject_folded": folded_case(templates.c.description, _DESCRIPTIONS),
    }


def interactions(
    first_entry_no: int,
    codes: Sequence[str],
    weights: Sequence[float],
    reference: dt.date,
    *,
    low: int,
    high: int,
    salt: int,
    postgresql: bool,
) -> Insert:
    """About half of the contacts of the range get one interaction (one call per slot):
    entry nos continue from `first_entry_no` in contact order; about 2 % are canceled."""
    code = pick(contacts.c.id, salt, codes, weights)
    columns = _entry_columns(
        func.row_number().over(order_by=contacts.c.id) + (first_entry_no - 1),
        days_before(reference, bucket(contacts.c.id, salt + 1) % 365 + 1, postgresql=postgresql),
        bucket(contacts.c.id, salt + 2) < BUCKETS // 50,
    )
    rows = (
        select(*columns.values())
        .join_from(contacts, templates, templates.c.code == code)
        .where(in_chunk(low, high), bucket(contacts.c.id, salt + 3) < BUCKETS // 2)
    )
    return insert(TABLES["interaction_log_entries"]).from_select(list(columns), rows)
