"""Merging an interaction's attachment for one contact (L3): e-mail bodies and Word documents.

Merge fields are Jinja expressions (`{{ contact.name }}`, `{{ contact.company_name }}`,
`{{ contact.salutation }}`, `{{ salesperson.name }}`, `{{ segment.description }}`,
`{{ interaction.subject }}`, `{{ unsubscribe_url }}`), rendered in a sandboxed environment
so a template can never reach Python internals; HTML bodies and Word XML are autoescaped,
so a contact named `<b>` stays text. An unknown field is an error that names it, not a
silent blank. An e-mail whose contact has an unsubscribe link carries it as RFC 8058
one-click headers too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

DOCX_MIME = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
HTML_EXTENSIONS = frozenset({"html", "htm"})
WORD_EXTENSIONS = frozenset({"docx", "docm", "dotx"})


class RenderError(Exception):
    """The attachment cannot be merged for this entry (permanent: a retry fails the same)."""


@dataclass(frozen=True)
class Letter:
    """What one entry's attachment becomes: an e-mail body and, optionally, a Word file."""

    body: str
    subtype: str  # "plain" or "html"
    document: bytes | None = None


def kind_of(extension: str) -> str:
    """`html`, `word` or `text` for an attachment's file extension."""
    ext = extension.strip().lstrip(".").lower()
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in WORD_EXTENSIONS:
        return "word"
    return "text"


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=autoescape, undefined=StrictUndefined)


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)


def render_text(content: bytes, fields: dict[str, Any], *, html: bool) -> str:
    """An HTML (autoescaped) or plain-text body merged with `fields`."""
    env = _HTML if html else _TEXT
    try:
        return env.from_string(content.decode("utf-8-sig")).render(fields)
    except (TemplateError, UnicodeDecodeError) as exc:
        raise RenderError(f"cannot merge the attachment: {exc}") from exc


def render_docx(content: bytes, fields: dict[str, Any]) -> bytes:
    """A Word template merged with `fields` by docxtpl, as DOCX bytes."""
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(content))
        template.render(fields, jinja_env=_environment(autoescape=True))
        out = io.BytesIO()
        template.save(out)
    except TemplateError as exc:
        raise RenderError(f"cannot merge the Word template: {exc}") from exc
    except Exception as exc:  # a corrupt file surfaces as zipfile/lxml errors
        raise RenderError(f"cannot read the Word template: {exc}") from exc
    return out.getvalue()


def docx_text(content: bytes) -> str:
    """The paragraphs of a DOCX as plain text (the body of a Word letter sent inline)."""
    from docx import Document

    document = Document(io.BytesIO(content))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def letter(
    content: bytes, extension: str, fields: dict[str, Any], *, as_attachment: bool
) -> Letter:
    """The e-mail form of an attachment: HTML or text body, or a merged Word document sent
    inline as text or, with *send Word docs as attachment*, attached."""
    kind = kind_of(extension)
    if kind == "html":
        return Letter(render_text(content, fields, html=True), "html")
    if kind == "text":
        return Letter(render_text(content, fields, html=False), "plain")
    document = render_docx(content, fields)
    if as_attachment:
        return Letter(str(fields["interaction"]["subject"]), "plain", document)
    return Letter(docx_text(document), "plain")


def message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    content: Letter,
    file_name: str,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """The e-mail for one entry, with the one-click unsubscribe headers of RFC 8058 when the
    contact has an unsubscribe link (the link answers a POST by opting out)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = subject
    if unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(content.body, subtype=content.subtype)
    if content.document is not None:
        mail.add_attachment(
            content.document, maintype=DOCX_MIME[0], subtype=DOCX_MIME[1], filename=file_name
        )
    return mail


NO_UNSUBSCRIBE = (
    "{{ unsubscribe_url }} needs the server's address and a secret key: "
    "set RAPPORT_BASE_URL and RAPPORT_SECRET_KEY"
)


def merge_fields(row: Any, *, unsubscribe_url: str | None = None) -> dict[str, Any]:
    """The merge record of one entry (contact, salesperson, segment, interaction, and the
    contact's unsubscribe link: using it without one configured fails with what to set).
    `contact.salutation` is the greeting `merging.merge_select` chose, in the interaction's
    language where its salutation has a formula for it, followed by the contact's name."""
    greeting = (row.formal_greeting or "").strip()
    link = unsubscribe_url or StrictUndefined(hint=NO_UNSUBSCRIBE, name="unsubscribe_url")
    return {
        "unsubscribe_url": link,
        "contact": {
            "no": row.contact_no,
            "name": row.contact_name,
            "company_name": row.company_name,
            "salutation": f"{greeting} {row.contact_name}".strip()
            if greeting
            else row.contact_name,
            "email": row.contact_email,
            "address": row.address,
            "post_code": row.post_code,
            "city": row.city,
            "country": row.country,
        },
        "salesperson": {"code": row.salesperson_code, "name": row.salesperson_name or ""},
        "segment": {
            "no": row.segment_no,
            "description": row.segment_description or row.description,
        },
        "interaction": {
            "entry_no": row.entry_no,
            "subject": row.subject or row.description,
            "description": row.description,
            "date": row.date,
        },
    }
