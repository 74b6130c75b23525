"""One line's letter before the segment is logged (L3; SPEC §7): the e-mail or the Word
letter a segment line's contact would receive, merged by the delivery's own code path, and
a test e-mail of it to an address of the marketer's choice.

The line's merge record is selected as an interaction log entry's is (`merging`), with the
line's date, subject, description, attachment and salesperson and its segment's no. and
description in place of the entry's (what logging copies to the entry); the record is then
merged and composed by the same functions that deliver an entry (`output`). Nothing is
logged or queued. A test e-mail carries no one-click unsubscribe headers: its recipient is
not the contact, and must not opt the contact out.

Use cases: `preview_letter`, `write_letter`, `send_test_email`.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.orm import Session

from rapport.domain.enums import CorrespondenceType
from rapport.errors import N_, Conflict, Invalid, NotFound
from rapport.services.delivery.merging import MergeSource, merge_select
from rapport.services.delivery.output import (
    NO_ATTACHMENT,
    NO_WORD_TEMPLATE,
    attachment_of,
    document_name,
    email_letter,
    email_of,
    hard_copy_of,
    mail_settings,
    recipient_of,
    subject_of,
)
from rapport.services.delivery.render import Letter, RenderError, docx_text, kind_of
from rapport.services.delivery.smtp import MailConnectionError, Mailer, MailRefused
from rapport.services.segments.engine import read_header
from rapport.services.transfer.files import os_reason
from rapport.settings import Settings
from rapport.storage.db import Sessions, reading
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import SegmentHeader, SegmentLine, table_of

HARD_COPY = CorrespondenceType.HARD_COPY.value
MAX_ADDRESS = 254  # RFC 5321's longest forward path

lines = table_of(SegmentLine)
headers = table_of(SegmentHeader)


@dataclass(frozen=True)
class LetterPreview:
    """What a line's contact would receive: for an e-mail, the address it goes to (blank
    when the contact has none: delivery would skip it), its subject and body; for a hard
    copy, the text of the merged Word letter. `document` names the merged DOCX when the
    attachment is a Word template (blank otherwise)."""

    segment_no: str
    line_no: int
    contact_no: str
    contact_name: str
    correspondence_type: str
    recipient: str
    subject: str
    body: str
    body_type: str  # "html" or "plain"
    document: str


@dataclass(frozen=True)
class MergedLetter:
    """A preview and, for a Word template, the merged DOCX itself."""

    preview: LetterPreview
    document: bytes | None


@dataclass(frozen=True)
class LetterWritten:
    """A line's merged letter written to `path`: the DOCX of a Word template, else the
    e-mail body (`format` "docx", "html" or "plain")."""

    segment_no: str
    line_no: int
    contact_no: str
    path: str
    format: str


@dataclass(frozen=True)
class TestEmailSent:
    """A test e-mail of a line's letter went to `to` (SPEC §6 JSON)."""

    segment_no: str
    line_no: int
    to: str
    subject: str


def _merge_row(session: Session, segment_no: str, line_no: int) -> Any:
    """The merge record of line `line_no` of segment `segment_no`, as its interaction log
    entry would give it."""
    header = read_header(session, segment_no)
    found = session.execute(
        select(lines.c.contact_id).where(on_segment(header.id), lines.c.line_no == line_no)
    ).first()
    if found is None:
        raise NotFound(N_("Segment {no} has no line {line_no}.", no=header.no, line_no=line_no))
    if found.contact_id is None:
        raise Invalid(
            N_("line {line_no} has no contact to write to", line_no=line_no), field="line_no"
        )
    source = MergeSource(
        rows=lines.join(headers, headers.c.id == lines.c.segment_id),
        correlate=lines,
        entry_no=null(),
        date=lines.c.date,
        subject=lines.c.subject,
        description=lines.c.description,
        segment_no=headers.c.no,
        attachment_no=lines.c.attachment_no,
        send_word_docs_as_attmt=lines.c.send_word_doc_as_attmt,
        salesperson_code=lines.c.salesperson_code,
        channel=lines.c.correspondence_type,
        contact_id=lines.c.contact_id,
        segment_description=headers.c.description,
        language_code=lines.c.language_code,
    )
    query = merge_select(session, source).where(on_segment(header.id), lines.c.line_no == line_no)
    return session.execute(query).one()


def _read(sessions: Sessions, segment_no: str, line_no: int) -> tuple[Any, tuple[bytes, str]]:
    with reading(sessions) as session:
        row = _merge_row(session, segment_no, line_no)
        attachment = attachment_of(session, row.attachment_no) if row.attachment_no else None
    if attachment is None:
        raise Invalid(NO_ATTACHMENT, field="attachment_no")
    if row.channel == HARD_COPY and kind_of(attachment[1]) != "word":
        raise Invalid(NO_WORD_TEMPLATE, field="attachment_no")
    return row, attachment


def _merge(
    row: Any, attachment: tuple[bytes, str], settings: Settings, line_no: int
) -> tuple[MergedLetter, Letter]:
    """The preview of the line, and its e-mail form (a hard copy's: the letter attached)."""
    try:
        word = kind_of(attachment[1]) == "word"
        document = hard_copy_of(row, attachment, settings=settings) if word else None
        if row.channel == HARD_COPY and document is not None:
            content = Letter(subject_of(row), "plain", document)
            body = Letter(docx_text(document), "plain", document)
        else:
            content = body = email_letter(row, attachment, settings=settings)
    except RenderError as exc:
        raise Invalid(str(exc), field="attachment_no") from exc
    preview = LetterPreview(
        segment_no=row.segment_no,
        line_no=line_no,
        contact_no=row.contact_no,
        contact_name=row.contact_name,
        correspondence_type=row.channel,
        recipient="" if row.channel == HARD_COPY else recipient_of(row),
        subject=subject_of(row),
        body=body.body,
        body_type=body.subtype,
        document=document_name(row) if document is not None else "",
    )
    return MergedLetter(preview, document), content


def preview_letter(
    sessions: Sessions, segment_no: str, line_no: int, *, settings: Settings
) -> MergedLetter:
    """L3: line `line_no`'s e-mail or letter merged for its contact exactly as delivering
    its interaction would merge it (the line's template variant, its subject, the
    contact's salutation and addresses); nothing is logged."""
    row, attachment = _read(sessions, segment_no, line_no)
    return _merge(row, attachment, settings, line_no)[0]


def write_letter(
    sessions: Sessions, segment_no: str, line_no: int, *, path: Path, settings: Settings
) -> LetterWritten:
    """L3: line `line_no`'s merged letter written to `path` (through a partial file that
    replaces it only once complete): the DOCX of a Word template, else the e-mail body."""
    merged = preview_letter(sessions, segment_no, line_no, settings=settings)
    content = merged.document
    kind = "docx" if content is not None else merged.preview.body_type
    if content is None:
        content = merged.preview.body.encode("utf-8")
    if path.is_dir():
        raise Invalid(N_("{path} is a folder, not a file", path=path), field="path")
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as exc:
        raise Invalid(
            N_("cannot write {path}: {reason}", path=path, reason=os_reason(exc)), field="path"
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    preview = merged.preview
    return LetterWritten(preview.segment_no, line_no, preview.contact_no, str(path), kind)


def check_address(to: str) -> str:
    """One e-mail address (`name@domain`), or Invalid naming `to`."""
    text = to.strip()
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):
        address = None
    bad = any(c.isspace() or c in ",;<>" for c in text) or len(text) > MAX_ADDRESS
    if address is None or bad or not address.username or not address.domain:
        raise Invalid(N_("{to!r} is not an e-mail address", to=to), field="to")
    return text


def send_test_email(
    sessions: Sessions, segment_no: str, line_no: int, *, to: str, settings: Settings
) -> TestEmailSent:
    """L3: send line `line_no`'s merged e-mail (a Word letter: attached) to `to` over the
    configured SMTP server, so the marketer sees it as the contact would; nothing is logged.
    A refused recipient is Invalid, an unreachable server a Conflict; either sends nothing."""
    address = check_address(to)
    target, sender = mail_settings(settings)
    row, attachment = _read(sessions, segment_no, line_no)
    content = _merge(row, attachment, settings, line_no)[1]
    mail = email_of(
        row,
        attachment,
        settings=settings,
        sender=sender,
        recipient=address,
        content=content,
        one_click=False,
    )
    try:
        with Mailer(target) as mailer:
            mailer.send(mail)
    except MailRefused as exc:
        if exc.permanent:
            raise Invalid(str(exc), field="to") from exc
        raise Conflict(
            N_("the mail server did not take the test e-mail now: {reason}", reason=str(exc))
        ) from exc
    except MailConnectionError as exc:
        raise Conflict(N_("{reason}; no test e-mail was sent", reason=str(exc))) from exc
    return TestEmailSent(row.segment_no, line_no, address, subject_of(row))
