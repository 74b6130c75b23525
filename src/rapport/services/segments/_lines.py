"""Inserting segment lines with their defaults, in one INSERT … SELECT (S6, S11).

Every path that puts contacts on a segment (add contacts, manual add, reuse criteria, reuse
a logged segment, follow-up, refresh) hands this module a select of contact ids. It
computes each line's defaults the way Business Central's `Validate(Contact No.)` does
(reference §2.1) — header values, the salesperson and correspondence type rules, the
language of the contact when the segment has a variant for it, that variant's subject and
attachment, the active alternate address — orders the new lines by company name, company
no., type (company first) and name, and numbers them in steps of 10000 after the highest
line number the segment ever used. The small per-segment lookups (header, template,
language variants) are read first; the per-contact work is all in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Row,
    Select,
    case,
    exists,
    func,
    insert,
    literal,
    not_,
    null,
    or_,
    select,
)
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import iterate

from rapport.criteria.compile_sql import cheap_first
from rapport.criteria.value import Criteria
from rapport.services._likely import likely_condition
from rapport.services.segments._rules import exclusion_rules
from rapport.services.segments.results import AddOptions
from rapport.storage import schema
from rapport.storage.db import execute_counted
from rapport.storage.segment_lines import lines_moved, on_segment, segment_lines

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

LINE_STEP = 10000

# Few contacts have dated alternate addresses. Up to this many ranges, only a line whose
# contact has one looks its active one up: PostgreSQL hashes those contacts' ids once, where
# a lookup per line scanned and sorted the ranges (0.33 s for 160,000 lines at 1M, SQLite
# 0.07 s). Past it the ids might not fit PostgreSQL's work_mem, and every line looks up.
FEW_RANGES = 10_000

# What to put on a segment: a condition on `contacts`, or a select of contact ids.
Candidates = ColumnElement[bool] | Select[Any]

contacts = schema.contacts
lines = segment_lines


@dataclass(frozen=True)
class Variant:
    """A segment-level language variant (SIL line 0) as the line defaults need it."""

    attachment_no: int
    subject: str
    word_template_code: str


def variants(session: Db, segment_id: int) -> dict[str, Variant]:
    """The segment-level language variants, keeping only attachments that exist."""
    language, attachments = schema.segment_interaction_languages, schema.attachments
    rows = session.execute(
        select(
            language.c.language_code,
            language.c.attachment_no,
            language.c.subject,
            language.c.word_template_code,
            attachments.c.no,
        )
        .outerjoin(attachments, attachments.c.no == language.c.attachment_no)
        .where(language.c.segment_id == segment_id, language.c.segment_line_no == 0)
    ).all()
    return {
        lang: Variant(
            attachment_no=no if found is not None else 0, subject=subject, word_template_code=word
        )
        for lang, no, subject, word, found in rows
    }


def next_line_base(session: Db, segment_id: int) -> int:
    """The highest line number the segment has used, removed lines included."""
    top = session.scalar(select(func.max(lines.c.line_no)).where(lines.c.segment_id == segment_id))
    return int(top or 0)


def correspondence_type_rule(
    header: SegmentHeader, template: Row[Any] | None, contact_type: Any
) -> ColumnElement[str]:
    """Reference §2.1: the header default when the header ignores the contact's type, else the
    template default when the template ignores it or the contact has none, else the contact's."""
    if header.ignore_contact_corres_type and header.correspondence_type_default:
        return literal(header.correspondence_type_default)
    if template is None:
        return contact_type  # type: ignore[no-any-return]
    if template.ignore_contact_corres_type:
        return literal(template.correspondence_type_default)
    return case(
        (contact_type == "", literal(template.correspondence_type_default)), else_=contact_type
    )


def language_expression(header: SegmentHeader, found: dict[str, Variant]) -> ColumnElement[str]:
    """The contact's language when the segment has a variant for it, else the header default."""
    if not found:
        return literal(header.language_code_default)
    return case(
        (contacts.c.language.in_(list(found)), contacts.c.language),
        else_=literal(header.language_code_default),
    )


def _by_language(language: ColumnElement[str], values: dict[str, Any], default: Any) -> Any:
    if not values:
        return literal(default)
    return case(values, value=language, else_=literal(default))


def alt_address_code(session: Db, date: dt.date | None) -> Any:
    """The contact's active alternate address on `date` (Contact.ActiveAltAddress)."""
    ranges = schema.contact_alt_address_date_ranges
    held = 0 if date is None else _ranges_held(session)
    if not held:
        return literal("")
    active = (
        select(ranges.c.contact_alt_address_code)
        .where(
            ranges.c.contact_id == contacts.c.id,
            ranges.c.starting_date <= date,
            or_(ranges.c.ending_date.is_(None), ranges.c.ending_date >= date),
        )
        .order_by(ranges.c.starting_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    code = func.coalesce(active, "")
    if held > FEW_RANGES:
        return code
    return case((contacts.c.id.in_(select(ranges.c.contact_id)), code), else_=literal(""))


def _ranges_held(session: Db) -> int:
    """The alternate address date ranges, counted up to one past FEW_RANGES."""
    held = select(literal(1)).select_from(schema.contact_alt_address_date_ranges)
    count = select(func.count()).select_from(held.limit(FEW_RANGES + 1).subquery())
    return int(session.execute(count).scalar_one())


def not_on_segment(segment_id: int) -> ColumnElement[bool]:
    return not_(
        exists().where(
            on_segment(segment_id),
            lines.c.contact_id == contacts.c.id,
        )
    )


def new_to(segment_id: int, options: AddOptions) -> list[ColumnElement[bool]]:
    """S3: the contact not on the segment already, unless the add allows contacts that are
    (none or one condition on `contacts`)."""
    return [] if options.allow_existing else [not_on_segment(segment_id)]


def selection(db: Db, criteria: Criteria, options: AddOptions) -> ColumnElement[bool]:
    """The contacts an add selects on `db`, as a condition on `contacts`: the criteria (their
    probing terms least likely first where that counts, services/_likely.py), then
    expansion to whole companies, then related companies (reference §2.5; exclusion
    applies after expansion)."""
    selected = likely_condition(db, criteria)
    if options.expand_companies:
        selected = or_(selected, contacts.c.company_id.in_(companies_of(selected)))
    if options.related_companies:
        selected = or_(selected, contacts.c.id.in_(companies_of(selected)))
    return selected


def companies_of(selected: ColumnElement[bool]) -> Select[Any]:
    """The company ids of the contacts `selected` picks (an uncorrelated subquery)."""
    return (
        select(contacts.c.company_id)
        .where(selected, contacts.c.company_id.is_not(None))
        .correlate(None)
    )


def line_order() -> list[Any]:
    """S11: company name, company no., type (company before person), name, then no."""
    return [
        contacts.c.company_name,
        contacts.c.company_no,
        contacts.c.type,
        contacts.c.name,
        contacts.c.no,
    ]


def interaction_template(session: Db, header: SegmentHeader) -> Row[Any] | None:
    """The segment's interaction template (its row), if it names one."""
    code = header.interaction_template_code
    if not code:
        return None
    templates = schema.interaction_templates
    return session.execute(select(templates).where(templates.c.code == code)).one_or_none()


def correspondence_type(session: Db, header: SegmentHeader) -> ColumnElement[str]:
    """The expression (over `contacts`) of a new line's correspondence type alone."""
    template = interaction_template(session, header)
    return correspondence_type_rule(header, template, contacts.c.correspondence_type)


def line_defaults(session: Db, header: SegmentHeader) -> dict[str, Any]:
    """Column expressions (over `contacts`) of a new line's defaults, by line column name."""
    template = interaction_template(session, header)
    found = variants(session, header.id)
    language = language_expression(header, found)
    default_variant = found.get(header.language_code_default)
    header_attachment = default_variant.attachment_no if default_variant else 0
    salesperson: Any = (
        literal(header.salesperson_code) if header.salesperson_code else contacts.c.salesperson
    )
    return {
        "contact_id": contacts.c.id,
        "contact_company_no": contacts.c.company_no,
        "description": literal(header.description),
        "campaign_no": literal(header.campaign_no),
        "salesperson_code": salesperson,
        "correspondence_type": correspondence_type_rule(
            header, template, contacts.c.correspondence_type
        ),
        "interaction_template_code": literal(header.interaction_template_code),
        "interaction_group_code": literal(header.interaction_group_code),
        "cost": literal(header.unit_cost),
        "duration": literal(header.unit_duration),
        "date": literal(header.date) if header.date else null(),
        "campaign_target": literal(header.campaign_target),
        "campaign_response": literal(header.campaign_response),
        "information_flow": literal(header.information_flow),
        "initiated_by": literal(header.initiated_by),
        "send_word_doc_as_attmt": literal(header.send_word_docs_as_attmt),
        "language_code": language,
        "attachment_no": _by_language(
            language,
            {k: v.attachment_no or header_attachment for k, v in found.items()},
            header_attachment,
        ),
        "subject": _by_language(language, {k: v.subject for k, v in found.items()}, ""),
        "word_template_code": _by_language(
            language,
            {k: v.word_template_code for k, v in found.items()},
            header.word_template_code,
        ),
        "contact_alt_address_code": alt_address_code(session, header.date),
    }


def eligible(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: Candidates,
    options: AddOptions,
    overrides: dict[str, str] | None = None,
) -> tuple[Select[Any], dict[str, Any]]:
    """The contacts of `candidates` that may go on the segment under `options` (exclusion,
    duplicates, consent), with the expressions of their line defaults. `candidates` is a
    condition on `contacts`, or a select with an `id` column and optionally the columns
    named in `overrides` (→ line column), e.g. one row per logged interaction."""
    defaults = line_defaults(session, header)
    rules = exclusion_rules(session, defaults["correspondence_type"], options)
    conditions = [*cheap_first([rule.passes for rule in rules]), *new_to(header.id, options)]
    if isinstance(candidates, ColumnElement):
        return select(contacts.c.id).where(*cheap_first([candidates, *conditions])), defaults
    source = candidates.subquery("candidates")
    for source_column, line_column in (overrides or {}).items():
        defaults[line_column] = source.c[source_column]
    query = (
        select(contacts.c.id)
        .select_from(contacts.join(source, source.c.id == contacts.c.id))
        .where(*conditions)
    )
    return query, defaults


def insert_lines(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: Candidates,
    action_no: int,
    options: AddOptions,
    overrides: dict[str, str] | None = None,
    line_no: int | None = None,
) -> int:
    """Put the eligible contacts of `candidates` on the segment with their defaults, ordered
    and numbered (S11) — or at `line_no` for a one-contact change; returns the lines added,
    which the header counts on (storage/segment_lines.py)."""
    query, defaults = eligible(
        session, header, candidates=candidates, options=options, overrides=overrides
    )
    number = line_number(session, header.id) if line_no is None else literal(line_no, BigInteger)
    values = [literal(action_no), *defaults.values()]
    if isinstance(candidates, ColumnElement):
        query, _ = picked_lines(query, number, values, header.id)
    else:
        query = query.with_only_columns(literal(header.id), number.label("line_no"), *values)
    added = execute_counted(session, insert(lines).from_select(line_columns(defaults), query))
    lines_moved(session, header.id, by=added)
    return added


def line_number(session: Db, segment_id: int) -> ColumnElement[int]:
    """S11: the number of each new line, in steps of LINE_STEP after the highest the segment
    used, in line order. Line numbers are 64-bit (BigInteger): past 214,748 lines they exceed
    2**31, which a plain integer bind would be cast to on PostgreSQL."""
    base = literal(next_line_base(session, segment_id), BigInteger)
    return base + LINE_STEP * func.row_number().over(order_by=line_order())


def line_columns(defaults: dict[str, Any]) -> list[str]:
    """The columns a select of new lines fills, in order: the segment, the line number, the
    action that added the line, then the defaults."""
    return ["segment_id", "line_no", "added_action", *defaults]


def picked_lines(
    query: Select[Any],
    number: ColumnElement[int],
    values: list[Any],
    segment_id: int,
    *,
    reason: ColumnElement[int] | None = None,
) -> tuple[Select[Any], Any]:
    """The lines of the contacts `query` picks: the segment, the line number `number`, then
    `values` (the action and the line's defaults); beside it the picked contacts (a CTE).
    With `reason` (`_rules.reason_of`), the picked contacts carry it, and only those it
    leaves nothing against (0) become lines.

    The contacts are picked first, then numbered and defaulted: otherwise the planner walks
    every contact in line order to feed the numbering. The picked contacts carry the columns
    their lines are made of, so the contacts are read once (joined back, PostgreSQL merged
    the 157,066 picked with all 1M contacts again, 0.5 s at 1M). They are numbered, and put
    in contact order, which keeps the writes to the contact-led line indexes in order, with
    the columns the lines read and no more; the defaults are added after, so that neither
    sort carries them (at 10M contacts on PostgreSQL the sort by id wrote 250 MB of
    temporary files with them). The outer select only projects: both engines keep the
    subquery's order, and were it lost only the writes' locality would suffer."""
    kept = _contact_columns(values) | {"id"}
    used = kept | _contact_columns([number])
    picked: list[Any] = [column for column in contacts.c if column.key in used]
    if reason is not None:
        picked.append(reason.label("reason"))
    chosen = materialized(query.with_only_columns(*picked), "eligible")
    numbered = (
        select(
            *(chosen.c[column.key] for column in contacts.c if column.key in kept),
            ClauseAdapter(chosen).traverse(number).label("line_no"),
        )
        .where(*(() if reason is None else (chosen.c.reason == 0,)))
        .order_by(chosen.c.id)
        .subquery("numbered")
    )
    carried = ClauseAdapter(numbered).traverse
    lines_of = select(literal(segment_id), numbered.c.line_no, *(carried(v) for v in values))
    return lines_of, chosen


def _contact_columns(values: list[Any]) -> set[str]:
    """The keys of the contact columns that `values` read."""
    return {
        part.key
        for value in values
        for part in iterate(value)
        if isinstance(part, Column) and part.table is contacts
    }


def materialized(query: Select[Any], name: str) -> Any:
    """`query` as a CTE the database computes once (WITH … AS MATERIALIZED)."""
    return query.cte(name).prefix_with("MATERIALIZED")
