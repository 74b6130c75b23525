"""One delivery run's work on single entries (L3): e-mail one contact, or write one hard copy.

The run holds what every entry shares — the SMTP connection, the throttle, the output
folder, the attachments already read — and turns each entry into an `Outcome` that the
queue records. Hard copies are one merged DOCX per contact in
`<output_dir>/Logged segment <N>/`, bundled into `<output_dir>/Logged segment <N>.zip`,
with a PDF beside each when LibreOffice is on the PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.domain.enums import CorrespondenceType
from rapport.errors import N_, Invalid
from rapport.services.contacts.consent import unsubscribe_url
from rapport.services.delivery.claims import Outcome
from rapport.services.delivery.render import (
    Letter,
    RenderError,
    kind_of,
    letter,
    merge_fields,
    message,
    render_docx,
)
from rapport.services.delivery.smtp import (
    MailConnectionError,
    Mailer,
    MailRefused,
    SmtpTarget,
    Throttle,
    parse_smtp_url,
)
from rapport.services.transfer.files import os_reason
from rapport.settings import Settings
from rapport.storage.db import Sessions
from rapport.storage.tables import Attachment

EMAIL, HARD_COPY = CorrespondenceType.EMAIL.value, CorrespondenceType.HARD_COPY.value
DEFAULT_OUTPUT = Path("rapport-output")
NO_EMAIL = "the contact has no e-mail address (nor an active alternate address with one)"
NO_ATTACHMENT = "The interaction template has no attachment for the selected language code."
NO_WORD_TEMPLATE = "a hard copy needs a Word template"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class Run:
    """The shared state of one delivery run of one logged segment."""

    sessions: Sessions
    segment: int
    folder: Path
    sender: str = ""
    mailer: Mailer | None = None
    throttle: Throttle | None = None
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    documents: list[Path] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    on_hand_off: Callable[[int], None] = lambda _entry_no: None
    _stopped: set[str] = field(default_factory=set)
    _attachments: dict[int, tuple[bytes, str] | None] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        sessions: Sessions,
        *,
        due_channels: set[str],
        segment: int,
        settings: Settings,
        output_dir: Path | None,
    ) -> Run:
        """Check the configuration the due channels need before anything is sent."""
        run = cls(
            sessions=sessions,
            segment=segment,
            folder=(output_dir or DEFAULT_OUTPUT) / f"Logged segment {segment}",
            settings=settings,
        )
        if EMAIL in due_channels:
            target, run.sender = mail_settings(settings)
            run.mailer = Mailer(target)
        return run

    def pace(self, rate: float, clock: Any, sleep: Any) -> None:
        self.throttle = Throttle(rate, clock=clock, sleep=sleep)

    def stopped(self, channel: str) -> bool:
        """True once the channel's server was unreachable: its other entries wait."""
        return channel in self._stopped

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.mailer is not None:
            self.mailer.close()

    def _attachment(self, no: int) -> tuple[bytes, str] | None:
        if no not in self._attachments:
            with self.sessions.begin() as session:
                self._attachments[no] = attachment_of(session, no)
        return self._attachments[no]

    def deliver_one(self, row: Any) -> Outcome:
        """Deliver one claimed entry and count its outcome."""
        try:
            if row.channel == EMAIL:
                outcome = self._email(row)
            elif row.channel == HARD_COPY:
                outcome = self._hard_copy(row)
            else:
                outcome = Outcome(
                    "failed", f"cannot deliver by correspondence type {row.channel!r}"
                )
        except RenderError as exc:
            outcome = Outcome("failed", str(exc))
        except MailRefused as exc:
            outcome = Outcome("failed", str(exc), retry=not exc.permanent)
        except MailConnectionError as exc:
            self._stopped.add(EMAIL)
            outcome = Outcome("failed", str(exc), retry=True)
        if outcome.status == "sent":
            self.sent += 1
        elif outcome.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1
        return outcome

    def _email(self, row: Any) -> Outcome:
        recipient = recipient_of(row)
        if not recipient:
            return Outcome("skipped", NO_EMAIL)
        attachment = self._attachment(row.attachment_no)
        if attachment is None:
            return Outcome("failed", NO_ATTACHMENT)
        mail = email_of(
            row, attachment, settings=self.settings, sender=self.sender, recipient=recipient
        )
        if self.mailer is None or self.throttle is None:
            return Outcome("failed", "delivery by e-mail is not configured")
        self.throttle.wait()
        self.on_hand_off(row.entry_no)
        self.mailer.send(mail)
        return Outcome("sent", recipient=recipient)

    def _hard_copy(self, row: Any) -> Outcome:
        attachment = self._attachment(row.attachment_no)
        if attachment is None:
            return Outcome("failed", NO_ATTACHMENT)
        if kind_of(attachment[1]) != "word":
            return Outcome("failed", NO_WORD_TEMPLATE)
        document = hard_copy_of(row, attachment, settings=self.settings)
        path = self.folder / f"{row.entry_no} {_safe(row.contact_no)}.docx"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(document)
        except OSError as exc:  # a full disk, a folder removed or locked since the check
            if path.is_file():
                path.unlink()  # half written
            return Outcome("failed", f"cannot write {path}: {os_reason(exc)}", retry=True)
        self.documents.append(path)
        return Outcome("sent", recipient=path.name)

    def finish(self) -> Path | None:
        """PDFs when a converter is available, and the zip of every hard copy so far."""
        if not self.documents:
            return None
        self.documents.extend(_to_pdf(self.documents, self.folder))
        archive = self.folder.with_name(f"{self.folder.name}.zip")
        partial = archive.with_suffix(".zip.part")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
                for path in sorted(self.folder.iterdir()):
                    if path.suffix in (".docx", ".pdf"):
                        bundle.write(path, arcname=path.name)
            partial.replace(archive)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise Invalid(
                N_(
                    "the hard copies are in {folder}, but {archive} cannot be written ({reason})",
                    folder=self.folder,
                    archive=archive,
                    reason=os_reason(exc),
                )
            ) from exc
        return archive


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("_") or "document"


# One entry's merge, shared by the delivery and by the preview of a line before it is
# logged (`preview`): `row` has the columns of `merging.merge_select`, `attachment` is
# the (content, file extension) of the entry's attachment.


def attachment_of(session: Session, no: int) -> tuple[bytes, str] | None:
    """The (content, file extension) of attachment `no`, None when there is none."""
    row = session.execute(
        select(Attachment.content, Attachment.file_extension).where(Attachment.no == no)
    ).first()
    return (bytes(row[0]), str(row[1])) if row is not None else None


def recipient_of(row: Any) -> str:
    """The address an entry's e-mail goes to: its active alternate address's, else the
    contact's ('' when neither has one)."""
    return str(row.alt_email or row.contact_email or "")


def subject_of(row: Any) -> str:
    return str(row.subject or row.description)


def document_name(row: Any) -> str:
    """The file name of an entry's merged Word document."""
    return f"{_safe(row.description or 'letter')}.docx"


def email_letter(row: Any, attachment: tuple[bytes, str], *, settings: Settings) -> Letter:
    """The merged e-mail form of an entry's attachment (an HTML or text body, or a Word
    document inline or attached); RenderError when it cannot be merged."""
    link = unsubscribe_url(settings, row.contact_no)
    return letter(
        attachment[0],
        attachment[1],
        merge_fields(row, unsubscribe_url=link),
        as_attachment=row.send_word_docs_as_attmt,
    )


def email_of(
    row: Any,
    attachment: tuple[bytes, str],
    *,
    settings: Settings,
    sender: str,
    recipient: str,
    content: Letter | None = None,
    one_click: bool = True,
) -> EmailMessage:
    """The e-mail of an entry to `recipient`, with the contact's one-click unsubscribe
    headers unless `one_click` is off (a test e-mail to someone else)."""
    link = unsubscribe_url(settings, row.contact_no) if one_click else None
    return message(
        sender=sender,
        recipient=recipient,
        subject=subject_of(row),
        content=content or email_letter(row, attachment, settings=settings),
        file_name=document_name(row),
        unsubscribe_url=link,
    )


def hard_copy_of(row: Any, attachment: tuple[bytes, str], *, settings: Settings) -> bytes:
    """An entry's Word template merged for its contact, as DOCX bytes."""
    link = unsubscribe_url(settings, row.contact_no)
    return render_docx(attachment[0], merge_fields(row, unsubscribe_url=link))


def _to_pdf(documents: list[Path], folder: Path) -> list[Path]:
    """A PDF beside each DOCX when LibreOffice is installed (optional, SPEC L3)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return []
    command = [office, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    command += [str(path) for path in documents]
    try:
        # The converter is a fixed program found on PATH and the arguments are our own files.
        subprocess.run(command, check=True, capture_output=True, timeout=600)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return []
    pdfs = [path.with_suffix(".pdf") for path in documents]
    return [path for path in pdfs if path.exists()]


def mail_settings(settings: Settings) -> tuple[SmtpTarget, str]:
    """The SMTP server and the sender that e-mail delivery needs, or Invalid saying which
    setting is missing."""
    target = parse_smtp_url(settings.smtp_url)
    if not settings.mail_from:
        raise Invalid(N_("delivery by e-mail needs a sender address: set RAPPORT_MAIL_FROM"))
    return target, settings.mail_from
