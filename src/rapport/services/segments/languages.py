"""Segment interaction languages (S15): a segment's per-language subject and attachment, and
per-line overrides, kept in step with the lines as Business Central's triggers do
(reference §2.12).

A new segment-level variant is given to the lines with the header template that have an
inherited attachment or none — all of them when it is the segment's first variant, else
those whose contact speaks its language. Changing a variant's subject or attachment
carries the change to the lines that used the old one. A line-level variant is that
line's own: the line takes its language, subject and attachment. Attachments uploaded
here are always new rows, so a template's own attachment is never changed through a
segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.errors import CODE_FIELD, N_, Invalid, does_not_exist, text_of
from rapport.services.segments._lines import contacts, lines
from rapport.services.segments._propagation import active, get_header, inherits_attachment
from rapport.services.segments._reading import missing_line
from rapport.services.templates.cards import check_merge_fields, extension_of, store
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Language, SegmentHeader, SegmentInteractionLanguage, table_of

sil = table_of(SegmentInteractionLanguage)


@dataclass(frozen=True)
class Upload:
    """An e-mail body or Word template given for a language variant."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class LanguageRead:
    segment_line_no: int
    language_code: str
    description: str
    subject: str
    attachment_no: int


def get_all(sessions: Sessions, segment_no: str) -> list[LanguageRead]:
    """The segment's language variants, segment-level (line 0) first."""
    with reading(sessions) as session:
        header = get_header(session, segment_no)
        rows = session.scalars(
            select(SegmentInteractionLanguage)
            .where(SegmentInteractionLanguage.segment_id == header.id)
            .order_by(
                SegmentInteractionLanguage.segment_line_no,
                SegmentInteractionLanguage.language_code,
            )
        ).all()
        return [
            LanguageRead(
                segment_line_no=row.segment_line_no,
                language_code=row.language_code,
                description=row.description,
                subject=row.subject,
                attachment_no=row.attachment_no,
            )
            for row in rows
        ]


def set_language(
    sessions: Sessions,
    segment_no: str,
    *,
    language: str,
    subject: str | None = None,
    upload: Upload | None = None,
    line_no: int | None = None,
) -> list[LanguageRead]:
    """S15: create or change the segment's variant of `language` (or line `line_no`'s own).
    A language or a line that is not there is NotFound naming `language` or `line_no`: the
    segment is there."""
    code = _checked_language_code(language)
    attachment = _checked_upload(upload)
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if session.get(Language, code) is None:
            raise does_not_exist(N_("Language"), (CODE_FIELD, code), field="language")
        new_attachment = store(session, 0, *attachment) if attachment else None
        if line_no:
            _set_line_variant(session, header, line_no, code, subject, new_attachment)
        else:
            _set_segment_variant(session, header, code, subject, new_attachment)
    return get_all(sessions, segment_no)


def _checked_language_code(language: str) -> str:
    try:
        code = normalize_code(language, length=10, field="language")
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc
    if not code:
        raise Invalid(N_("Language Code must have a value."), field="language")
    return code


def _checked_upload(upload: Upload | None) -> tuple[str, str, bytes] | None:
    if upload is None:
        return None
    extension = extension_of(upload.file_name)
    if not upload.content:
        raise Invalid(N_("the file is empty"), field=upload.file_name)
    check_merge_fields(upload.file_name, extension, upload.content)
    return upload.file_name, extension, upload.content


def _set_segment_variant(
    session: Session,
    header: SegmentHeader,
    code: str,
    subject: str | None,
    attachment_no: int | None,
) -> None:
    variant = session.get(SegmentInteractionLanguage, (header.id, 0, code))
    if variant is None:
        first = (
            session.scalar(
                select(sil.c.language_code)
                .where(sil.c.segment_id == header.id, sil.c.segment_line_no == 0)
                .limit(1)
            )
            is None
        )
        variant = SegmentInteractionLanguage(
            segment_id=header.id,
            segment_line_no=0,
            language_code=code,
            description=f"{header.interaction_template_code} {code}".strip(),
            subject=subject or "",
            attachment_no=attachment_no or 0,
        )
        session.add(variant)
        session.flush()
        scope = inherits_attachment(session, header)
        if not first:
            scope = scope & lines.c.contact_id.in_(
                select(contacts.c.id).where(contacts.c.language == code)
            )
        session.execute(
            update(lines)
            .where(*active(header), scope)
            .values(
                language_code=code, subject=variant.subject, attachment_no=variant.attachment_no
            )
        )
    else:
        _change_segment_variant(session, header, variant, subject, attachment_no)
    if code == header.language_code_default:
        header.subject_default = variant.subject
    session.flush()


def _set_line_variant(
    session: Session,
    header: SegmentHeader,
    line_no: int,
    code: str,
    subject: str | None,
    attachment_no: int | None,
) -> None:
    """A line's own variant: the line takes its language, subject and attachment."""
    line = session.execute(
        select(lines.c.id, lines.c.interaction_template_code).where(
            *active(header), lines.c.line_no == line_no
        )
    ).one_or_none()
    if line is None:
        raise missing_line(header.no, line_no, field="line_no")
    if not line.interaction_template_code:
        raise Invalid(
            N_(
                "Interaction Template Code must have a value in Segment Line: Segment No.={no}, "
                "Line No.={line_no}.",
                no=header.no,
                line_no=line_no,
            )
        )
    variant = session.get(SegmentInteractionLanguage, (header.id, line_no, code))
    if variant is None:
        variant = SegmentInteractionLanguage(
            segment_id=header.id,
            segment_line_no=line_no,
            language_code=code,
            description=f"{line.interaction_template_code} {code}",
        )
        session.add(variant)
    if subject is not None:
        variant.subject = subject
    if attachment_no is not None:
        variant.attachment_no = attachment_no
    session.flush()
    session.execute(
        update(lines)
        .where(lines.c.id == line.id)
        .values(language_code=code, subject=variant.subject, attachment_no=variant.attachment_no)
    )


def _change_segment_variant(
    session: Session,
    header: SegmentHeader,
    variant: SegmentInteractionLanguage,
    subject: str | None,
    attachment_no: int | None,
) -> None:
    """The lines that used the variant's old subject or attachment get the new one."""
    same = (
        *active(header),
        lines.c.interaction_template_code == header.interaction_template_code,
        lines.c.language_code == variant.language_code,
    )
    if subject is not None:
        session.execute(
            update(lines).where(*same, lines.c.subject == variant.subject).values(subject=subject)
        )
        variant.subject = subject
    if attachment_no is not None:
        session.execute(
            update(lines)
            .where(*same, lines.c.attachment_no == variant.attachment_no)
            .values(attachment_no=attachment_no)
        )
        variant.attachment_no = attachment_no
