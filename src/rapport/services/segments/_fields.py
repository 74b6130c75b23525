"""The editable fields of segment headers and lines: their types, references and propagation.

One table says, for each field a user may set (`segment set`, `segment set-line`), how its
text is converted and validated, which table a code must exist in, and which line field a
header field propagates to (reference §1.1.1).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.domain.enums import CorrespondenceType, Evaluation, InformationFlow, InitiatedBy
from rapport.domain.enums import parse_enum as _parse_enum
from rapport.domain.number_rules import ranges_of
from rapport.domain.rules import DATE_FORM, TEXT_LENGTH
from rapport.domain.schedule import interval
from rapport.errors import CODE_FIELD, N_, NO_FIELD, Invalid, Text, does_not_exist, text_of
from rapport.storage import schema

Converter = Callable[[str, str], Any]


def _text(field: str, value: str) -> str:
    # the header's and the lines' texts (description, subject) are all Text[100]
    TEXT_LENGTH.check(field, value, schema.column_length(schema.segment_headers, "description"))
    return value


def _code(field: str, value: str) -> str:
    try:
        return normalize_code(value, field=field)
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc


def _bool(field: str, value: str) -> bool:
    text = value.strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no", ""}:
        return False
    raise Invalid(N_("{value!r} is not true or false", value=value), field=field)


def _amount(table: str) -> Converter:
    """A cost or a duration of `table`'s rows, within its rule's range (zero or more)."""
    ranges = ranges_of(table)

    def convert(field: str, value: str) -> Decimal:
        try:
            amount = Decimal(value.strip() or "0")
        except InvalidOperation as exc:
            raise Invalid(N_("{value!r} is not a number", value=value), field=field) from exc
        if not amount.is_finite():
            raise Invalid(N_("{value!r} is not a number", value=value), field=field)
        ranges[field].check(amount)
        return amount

    return convert


HEADER_AMOUNT = _amount("segment_headers")
LINE_AMOUNT = _amount("segment_lines")


def _date(field: str, value: str) -> dt.date | None:
    return DATE_FORM.check(field, value)


def _enum(enum: Any) -> Converter:
    def convert(field: str, value: str) -> str:
        try:
            return str(_parse_enum(enum, value, field=field).value)
        except ValueError as exc:
            raise Invalid(text_of(exc)) from exc

    return convert


def _schedule(field: str, value: str) -> str:
    interval(value, field=field)
    return value.strip().lower()


CORRESPONDENCE = _enum(CorrespondenceType)

HEADER_FIELDS: dict[str, Converter] = {
    "description": _text,
    "campaign_no": _code,
    "salesperson_code": _code,
    "correspondence_type_default": CORRESPONDENCE,
    "interaction_template_code": _code,
    "unit_cost": HEADER_AMOUNT,
    "unit_duration": HEADER_AMOUNT,
    "date": _date,
    "campaign_target": _bool,
    "information_flow": _enum(InformationFlow),
    "initiated_by": _enum(InitiatedBy),
    "campaign_response": _bool,
    "language_code_default": _code,
    "send_word_docs_as_attmt": _bool,
    "ignore_contact_corres_type": _bool,
    "subject_default": _text,
    "dynamic": _bool,
    "refresh_every": _schedule,
}

# Header field → the line field it propagates to (reference §1.1.1).
HEADER_TO_LINE = {
    "description": "description",
    "campaign_no": "campaign_no",
    "salesperson_code": "salesperson_code",
    "correspondence_type_default": "correspondence_type",
    "unit_cost": "cost",
    "unit_duration": "duration",
    "date": "date",
    "campaign_target": "campaign_target",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "campaign_response": "campaign_response",
    "interaction_group_code": "interaction_group_code",
    "send_word_docs_as_attmt": "send_word_doc_as_attmt",
    "word_template_code": "word_template_code",
}

LINE_EDITABLE: dict[str, Converter] = {
    "contact_no": _code,
    "description": _text,
    "campaign_no": _code,
    "salesperson_code": _code,
    "correspondence_type": CORRESPONDENCE,
    "interaction_template_code": _code,
    "cost": LINE_AMOUNT,
    "duration": LINE_AMOUNT,
    "date": _date,
    "campaign_target": _bool,
    "campaign_response": _bool,
    "information_flow": _enum(InformationFlow),
    "initiated_by": _enum(InitiatedBy),
    "evaluation": _enum(Evaluation),
    "language_code": _code,
    "subject": _text,
    "attempt_failed": _bool,
    "send_word_doc_as_attmt": _bool,
}

# Line columns shown by `segment show`, in the reference's order.
LINE_FIELDS = (
    "salesperson_code",
    "correspondence_type",
    "interaction_template_code",
    "interaction_group_code",
    "language_code",
    "campaign_no",
    "campaign_target",
    "campaign_response",
    "description",
    "subject",
    "date",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "evaluation",
    "attachment_no",
    "word_template_code",
    "contact_alt_address_code",
    "send_word_doc_as_attmt",
    "attempt_failed",
)

# Code field → (its code table's key column, what to call the table and its key field in
# messages: marked for translation and said in the reader's language).
REFERENCES: dict[str, tuple[Column[Any], Text, Text]] = {
    "campaign_no": (schema.campaigns.c.no, N_("Campaign"), NO_FIELD),
    "salesperson_code": (schema.salespeople.c.code, N_("Salesperson/Purchaser"), CODE_FIELD),
    "interaction_template_code": (
        schema.interaction_templates.c.code,
        N_("Interaction Template"),
        CODE_FIELD,
    ),
    "language_code_default": (schema.languages.c.code, N_("Language"), CODE_FIELD),
    "language_code": (schema.languages.c.code, N_("Language"), CODE_FIELD),
    "interaction_group_code": (
        schema.interaction_groups.c.code,
        N_("Interaction Group"),
        CODE_FIELD,
    ),
}


def _unknown(field: str, known: dict[str, Converter], template: str) -> Invalid:
    close = difflib.get_close_matches(field, list(known), n=1)
    hint = N_(" — did you mean {name!r}?", name=close[0]) if close else Text("")
    return Invalid(N_(template, field=field, hint=hint, editable=", ".join(known)))


_UNKNOWN_HEADER_FIELD = N_("unknown segment field '{field}'{hint} (editable: {editable})")
_UNKNOWN_LINE_FIELD = N_("unknown segment line field '{field}'{hint} (editable: {editable})")


def convert_header_value(field: str, text: str) -> Any:
    if field not in HEADER_FIELDS:
        raise _unknown(field, HEADER_FIELDS, _UNKNOWN_HEADER_FIELD.template)
    return HEADER_FIELDS[field](field, text)


def convert_line_value(field: str, text: str) -> Any:
    if field not in LINE_EDITABLE:
        raise _unknown(field, LINE_EDITABLE, _UNKNOWN_LINE_FIELD.template)
    return LINE_EDITABLE[field](field, text)


def check_reference(session: Session, field: str, value: Any) -> None:
    """A non-blank code must exist in its table (else BC's words, naming the record's key
    field: a campaign's is its No., the others' their Code); a salesperson must not be
    blocked. A missing one is NotFound naming `field`: the input, not the segment, is at
    fault."""
    if field not in REFERENCES or not value:
        return
    key, caption, key_caption = REFERENCES[field]
    row = session.execute(select(key.table).where(key == value)).one_or_none()
    if row is None:
        raise does_not_exist(caption, (key_caption, value), field=field)
    if key.table is schema.salespeople and row.blocked:
        raise Invalid(N_("Salesperson {value} is blocked.", value=value), field=field)
