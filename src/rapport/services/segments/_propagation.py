"""Segment headers: reading them, inserting them, and applying one header field with
Business Central's validation and propagation to the lines (reference §1.1.1), with the
quirk fixes of SPEC §4. Bulk line updates are single UPDATE statements over the lines in
scope. The use cases that call these live in `services.segments`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from rapport.services.segments._fields import HEADER_TO_LINE, check_reference, convert_header_value
from rapport.services.segments._lines import contacts, line_defaults, lines
from rapport.services.segments._reading import key, missing, no_of_criteria_actions, no_of_lines
from rapport.services.segments.results import SegmentRead as SegmentRead
from rapport.storage import schema
from rapport.storage.number_series import next_no, setup_series
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import (
    SegmentHeader,
    SegmentInteractionLanguage,
    table_of,
)

TEMPLATE_FIELDS = (
    "language_code_default",
    "interaction_group_code",
    "unit_cost",
    "unit_duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type_default",
    "ignore_contact_corres_type",
    "word_template_code",
)


ATTACHMENT_COLUMNS = ("language_code", "attachment_no", "subject", "word_template_code")


def get_header(
    session: Session, no: str, *, lock: bool = False, field: str | None = None
) -> SegmentHeader:
    """The segment `no`, or NotFound (naming `field`, the input that gave `no`, when the
    caller acts on another segment); `lock` serializes concurrent actions on it (SPEC §10)."""
    query = select(SegmentHeader).where(SegmentHeader.no == key(no))
    if lock:
        query = query.with_for_update()
    header = session.scalars(query).one_or_none()
    if header is None:
        raise missing(no, field=field)
    return header


def read(session: Session, header: SegmentHeader) -> SegmentRead:
    values = {
        name: getattr(header, name)
        for name in SegmentRead.__dataclass_fields__
        if hasattr(header, name)
    }
    # the count as stored now: statements through Core move it under the mapped header
    values["no_of_lines"] = no_of_lines(session, header.id)
    return SegmentRead(**values, no_of_criteria_actions=no_of_criteria_actions(session, header.id))


def new_header(session: Session, *, description: str, user: str) -> SegmentHeader:
    """Insert a header as BC's OnInsert does: number series, default salesperson, today."""
    series = setup_series(session, "segment_nos")
    # User ids compare case-insensitively (BC's User Name is a Code field): `--user jim`
    # finds the user stored as "jim" or "JIM".
    users = schema.users
    account = session.execute(
        select(users.c.salesperson_code)
        .where(func.upper(users.c.name) == user.strip().upper())
        .order_by(users.c.name)
    ).first()
    header = SegmentHeader(
        no=next_no(session, series, SegmentHeader.no),
        no_series=series,
        description=description.strip(),
        date=dt.date.today(),
        salesperson_code=account.salesperson_code if account else "",
    )
    session.add(header)
    session.flush()
    return header


# The header fields a dynamic segment's membership reads (X4): those that give a new line its
# correspondence type, which consent checks. Any other edit (description, salesperson, cost
# …) leaves the definition as it was, and the next refresh reads only the contacts changed.
MEMBERSHIP_FIELDS = frozenset(
    {"correspondence_type_default", "ignore_contact_corres_type", "interaction_template_code"}
)


def apply_header_field(
    session: Session, header: SegmentHeader, field: str, text: str, *, update_lines: bool
) -> None:
    value = convert_header_value(field, text)
    check_reference(session, field, value)
    old = getattr(header, field)
    if field in MEMBERSHIP_FIELDS:
        # X4: these decide who may be added (the correspondence type a contact opted out
        # of): the next refresh of a dynamic segment evaluates every contact.
        header.refreshed_seq = None
    if field == "interaction_template_code":
        change_template(session, header, value, update_lines=update_lines)
    elif field == "language_code_default":
        change_language(session, header, value, update_lines=update_lines)
    elif field == "subject_default":
        change_subject(session, header, old, value, update_lines=update_lines)
    else:
        setattr(header, field, value)
        if field == "campaign_no" and not value:
            header.campaign_target = header.campaign_response = False
        session.flush()
        if update_lines and field in HEADER_TO_LINE:
            propagate(session, header, {HEADER_TO_LINE[field]: value})
        if update_lines and field == "ignore_contact_corres_type":
            rederive(session, header, header_scope(header), ("correspondence_type",))


def header_scope(header: SegmentHeader) -> ColumnElement[bool]:
    """The lines a header change reaches: those with the header's template (reference §1.1.1)."""
    return lines.c.interaction_template_code == header.interaction_template_code


def active(header: SegmentHeader) -> list[ColumnElement[bool]]:
    return [on_segment(header.id)]


def propagate(
    session: Session,
    header: SegmentHeader,
    values: dict[str, Any],
    scope: ColumnElement[bool] | None = None,
) -> None:
    session.execute(
        update(lines)
        .where(*active(header), header_scope(header) if scope is None else scope)
        .values(**values)
    )


def rederive(
    session: Session, header: SegmentHeader, scope: ColumnElement[bool], columns: Sequence[str]
) -> None:
    """Recompute line columns from each line's contact with the header's current defaults."""
    defaults = line_defaults(session, header)
    values = {
        column: select(defaults[column])
        .where(contacts.c.id == lines.c.contact_id)
        .scalar_subquery()
        for column in columns
    }
    session.execute(
        update(lines)
        .where(*active(header), scope, lines.c.contact_id.is_not(None))
        .values(**values)
    )


def change_template(
    session: Session, header: SegmentHeader, code: str, *, update_lines: bool
) -> None:
    """Header template change: copy the template's defaults to the header, re-create the
    segment's language variants from the template's, and (when updating lines) carry the
    template and its defaults to every line, re-deriving each line's correspondence type
    (SPEC §4 fixes quirk 5). A line with an attachment of its own (its template or its
    language variant differs from the header's) keeps its language, subject and attachment;
    the others take the new header's (BC's UpdateSegLinesByFieldNo, test scenario 295002)."""
    inherited = inherits_attachment(session, header)
    templates = schema.interaction_templates
    template = (
        session.execute(select(templates).where(templates.c.code == code)).one_or_none()
        if code
        else None
    )
    header.interaction_template_code = code
    header.subject_default = ""
    for name in TEMPLATE_FIELDS:
        setattr(
            header, name, getattr(template, name) if template else type(getattr(header, name))()
        )
    if template is not None and template.campaign_no:
        header.campaign_no = template.campaign_no
    session.flush()
    create_language_variants(session, header, template)
    if not update_lines:
        return
    everything = lines.c.segment_id == header.id
    # Before the template reaches the lines: `inherited` compares with the old template.
    rederive(session, header, inherited, ATTACHMENT_COLUMNS)
    propagate(
        session,
        header,
        {
            "interaction_template_code": code,
            **{
                HEADER_TO_LINE[name]: getattr(header, name)
                for name in TEMPLATE_FIELDS
                if name in HEADER_TO_LINE
            },
            "campaign_no": header.campaign_no,
        },
        scope=everything,
    )
    rederive(session, header, everything, ("correspondence_type",))


def inherits_attachment(session: Session, header: SegmentHeader) -> ColumnElement[bool]:
    """The lines that take the header's language variant: those with the header's template,
    no variant of their own, and no attachment or one of the segment's shared variants
    (BC's AttachmentInherited), evaluated now, before the header changes."""
    sil = table_of(SegmentInteractionLanguage)
    shared = [
        int(no)
        for no in session.scalars(
            select(sil.c.attachment_no).where(
                sil.c.segment_id == header.id, sil.c.segment_line_no == 0
            )
        )
    ]
    own = select(sil.c.segment_line_no).where(
        sil.c.segment_id == header.id, sil.c.segment_line_no != 0
    )
    return (
        (lines.c.interaction_template_code == header.interaction_template_code)
        & lines.c.line_no.not_in(own)
        & or_(lines.c.attachment_no == 0, lines.c.attachment_no.in_(shared))
    )


def create_language_variants(
    session: Session, header: SegmentHeader, template: Row[Any] | None
) -> None:
    """BC's CreateSegInteractions: the segment's variants become the template's."""
    sil = table_of(SegmentInteractionLanguage)
    session.execute(delete(sil).where(sil.c.segment_id == header.id, sil.c.segment_line_no == 0))
    if template is None:
        return
    itl = schema.interaction_template_languages
    session.execute(
        insert(sil).from_select(
            [
                "segment_id",
                "segment_line_no",
                "language_code",
                "description",
                "attachment_no",
                "word_template_code",
            ],
            select(
                literal(header.id),
                literal(0),
                itl.c.language_code,
                itl.c.description,
                itl.c.attachment_no,
                itl.c.word_template_code,
            ).where(itl.c.interaction_template_code == template.code),
        )
    )


def change_language(
    session: Session, header: SegmentHeader, language: str, *, update_lines: bool
) -> None:
    """Header default language: the segment gets a variant for it (BC asks, default yes) and
    takes its subject; lines with the header template follow (SPEC §4 fixes quirk 4)."""
    header.language_code_default = language
    variant = session.get(SegmentInteractionLanguage, (header.id, 0, language))
    if variant is None:
        variant = SegmentInteractionLanguage(
            segment_id=header.id,
            segment_line_no=0,
            language_code=language,
            description=f"{header.interaction_template_code} {language}".strip(),
        )
        session.add(variant)
        header.subject_default = ""
    else:
        header.subject_default = variant.subject
    session.flush()
    if update_lines:
        propagate(
            session,
            header,
            {
                "language_code": language,
                "subject": variant.subject,
                "attachment_no": variant.attachment_no,
            },
        )


def change_subject(
    session: Session, header: SegmentHeader, old: str, new: str, *, update_lines: bool
) -> None:
    """Header subject: stored on the default-language variant; lines with the header
    template, the default language and the old subject get the new one (reference §1.1)."""
    header.subject_default = new
    sil = table_of(SegmentInteractionLanguage)
    session.execute(
        update(sil)
        .where(
            sil.c.segment_id == header.id,
            sil.c.segment_line_no == 0,
            sil.c.language_code == header.language_code_default,
        )
        .values(subject=new)
    )
    session.flush()
    if update_lines:
        propagate(
            session,
            header,
            {"subject": new},
            scope=(
                (lines.c.interaction_template_code == header.interaction_template_code)
                & (lines.c.language_code == header.language_code_default)
                & (lines.c.subject == old)
            ),
        )
