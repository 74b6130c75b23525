"""Interaction templates (L1): their defaults and their language variants with attachments.

A template has one variant per language (Interaction Tmpl. Language, reference §1.9), each
with an attachment: an e-mail body (.html, .htm, .txt) or a Word template (.docx) whose
merge fields (`{{ contact.name }}` …) are Jinja, as docxtpl reads them. Attaching checks
the merge fields' syntax and reports where it is wrong. An attachment that was logged is
read-only (reference §2.11): replacing a variant's read-only attachment stores a new one,
so the logged interactions keep the document they were sent.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.errors import CODE_FIELD, N_, Invalid, Text, does_not_exist, text_of
from rapport.services._versions import Versioned, version_of
from rapport.services.templates.merge_fields import unknown_fields
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import (
    Attachment,
    InteractionTemplate,
    InteractionTemplateLanguage,
    Language,
)

EMAIL_BODIES = {"html", "htm", "txt"}
WORD_TEMPLATES = {"docx"}


@dataclass(frozen=True)
class TemplateLanguageRead:
    """A language variant and its attachment."""

    language_code: str
    description: str
    attachment_no: int
    file_name: str
    file_extension: str
    read_only: bool
    word_template_code: str


@dataclass(frozen=True)
class TemplateRead:
    """An interaction template with its defaults and language variants (reference §1.9)."""

    code: str
    interaction_group_code: str
    description: str
    unit_cost: Decimal
    unit_duration: Decimal
    information_flow: str
    initiated_by: str
    campaign_no: str
    campaign_target: bool
    campaign_response: bool
    correspondence_type_default: str
    language_code_default: str
    ignore_contact_corres_type: bool
    wizard_action: str
    word_template_code: str
    languages: tuple[TemplateLanguageRead, ...]


def variants(session: Session, codes: list[str]) -> dict[str, list[TemplateLanguageRead]]:
    itl = InteractionTemplateLanguage
    rows = session.execute(
        select(
            itl.interaction_template_code,
            itl.language_code,
            itl.description,
            itl.attachment_no,
            Attachment.file_name,
            Attachment.file_extension,
            Attachment.read_only,
            itl.word_template_code,
        )
        .outerjoin(Attachment, Attachment.no == itl.attachment_no)
        .where(itl.interaction_template_code.in_(codes))
        .order_by(itl.interaction_template_code, itl.language_code)
    ).all()
    found: dict[str, list[TemplateLanguageRead]] = defaultdict(list)
    for code, language, description, no, name, extension, read_only, word in rows:
        found[code].append(
            TemplateLanguageRead(
                language, description, no, name or "", extension or "", bool(read_only), word
            )
        )
    return found


def read(template: InteractionTemplate, languages: list[TemplateLanguageRead]) -> TemplateRead:
    fields = {
        name: getattr(template, name)
        for name in TemplateRead.__dataclass_fields__
        if name != "languages"
    }
    return TemplateRead(**fields, languages=tuple(languages))


def find(session: Session, code: str) -> InteractionTemplate:
    key = code.strip().upper()
    template = session.get(InteractionTemplate, key)
    if template is None:
        raise does_not_exist(N_("Interaction Template"), (CODE_FIELD, key))
    return template


def get_all(sessions: Sessions) -> list[TemplateRead]:
    """L1: every interaction template with its language variants, by code."""
    with reading(sessions) as session:
        templates = session.scalars(
            select(InteractionTemplate).order_by(InteractionTemplate.code)
        ).all()
        found = variants(session, [t.code for t in templates])
        return [read(t, found.get(t.code, [])) for t in templates]


def get(sessions: Sessions, code: str) -> TemplateRead:
    """L1: one template with its language variants."""
    return get_versioned(sessions, code).value


def get_versioned(sessions: Sessions, code: str) -> Versioned[TemplateRead]:
    """L1: one template with its language variants, and the version of its fields that a
    change names (`edits.set_template`)."""
    with reading(sessions) as session:
        template = find(session, code)
        found = read(template, variants(session, [template.code]).get(template.code, []))
        return Versioned(found, version_of(template))


def extension_of(file_name: str) -> str:
    extension = PurePath(file_name).suffix.lower().lstrip(".")
    if extension not in EMAIL_BODIES | WORD_TEMPLATES:
        if not extension:
            raise Invalid(
                N_(
                    "an attachment is an e-mail body (.html, .htm, .txt) or a Word template "
                    "(.docx), not a file without extension"
                ),
                field=file_name,
            )
        raise Invalid(
            N_(
                "an attachment is an e-mail body (.html, .htm, .txt) or a Word template (.docx), "
                "not .{extension}",
                extension=extension,
            ),
            field=file_name,
        )
    return extension


def check_merge_fields(file_name: str, extension: str, content: bytes) -> None:
    """The merge fields must be valid Jinja and each one a field delivery provides (SPEC §6);
    the error says where (line, or paragraph) and, for an unknown field, what was meant."""
    import jinja2

    if extension in EMAIL_BODIES:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid(N_("an e-mail body must be UTF-8 text"), field=file_name) from exc
        try:
            tree = jinja2.Environment(autoescape=True).parse(text)
        except jinja2.TemplateSyntaxError as exc:
            raise Invalid(_on_line(exc.lineno, exc.message), field=file_name) from exc
        unknown = unknown_fields(tree)
        if unknown:
            raise Invalid(_on_line(unknown[0].line, unknown[0].message), field=file_name)
        return
    check_word_template(file_name, content)


class _Recording(SandboxedEnvironment):
    """A Jinja environment that keeps the syntax tree of what it parses."""

    trees: list[Any]

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        tree = super().parse(*args, **kwargs)
        self.trees = [*getattr(self, "trees", []), tree]
        return tree


def check_word_template(file_name: str, content: bytes) -> None:
    import jinja2
    from docxtpl import DocxTemplate

    env = _Recording(autoescape=True)
    try:
        DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(jinja_env=env)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Invalid(N_("not a Word document (.docx)"), field=file_name) from exc
    except jinja2.TemplateSyntaxError as exc:
        paragraph = paragraph_of_error(content)
        raise Invalid(
            N_("merge fields: {reason}", reason=exc.message)
            if paragraph is None
            else N_("paragraph {paragraph}: {reason}", paragraph=paragraph, reason=exc.message),
            field=file_name,
        ) from exc
    unknown = [field for tree in env.trees for field in unknown_fields(tree)]
    if unknown:
        paragraph = paragraph_of_field(content, unknown[0].written)
        reason = unknown[0].message
        raise Invalid(
            reason
            if paragraph is None
            else N_("paragraph {paragraph}: {reason}", paragraph=paragraph, reason=reason),
            where=file_name,
        )


def _on_line(line: int | None, reason: str | Text | None) -> Text:
    return N_("line {line}: {reason}", line=line, reason=reason)


def paragraph_of_error(content: bytes) -> int | None:
    """The paragraph of the document where the merge-field syntax breaks, if it shows there."""
    import jinja2

    try:
        jinja2.Environment(autoescape=True).parse("\n".join(paragraphs_of(content)))
    except jinja2.TemplateSyntaxError as exc:
        return exc.lineno
    return None


def paragraph_of_field(content: bytes, written: str) -> int | None:
    """The first paragraph that uses the merge field, if one shows it."""
    import jinja2

    try:
        tree = jinja2.Environment(autoescape=True).parse("\n".join(paragraphs_of(content)))
    except jinja2.TemplateSyntaxError:
        return None
    return next((f.line for f in unknown_fields(tree) if f.written == written), None)


def paragraphs_of(content: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


def attach(
    sessions: Sessions,
    code: str,
    *,
    file_name: str,
    content: bytes,
    language_code: str | None = None,
) -> TemplateLanguageRead:
    """L1: create or replace the variant of `language_code` (default: the template's default
    language) with this e-mail body or Word template. A read-only (logged) attachment is
    never changed: the variant gets a new one. The first variant of a template without a
    default language makes its language the default (it must be one of the variants)."""
    name = PurePath(file_name).name
    extension = extension_of(name)
    if not content:
        raise Invalid(N_("the file is empty"), field=name)
    check_merge_fields(name, extension, content)
    with sessions.begin() as session:
        template = find(session, code)
        language = language_of(session, template, language_code)
        variant = session.get(InteractionTemplateLanguage, (template.code, language))
        if variant is None:
            variant = InteractionTemplateLanguage(
                interaction_template_code=template.code,
                language_code=language,
                description=f"{template.description} {language}".strip()[:50],
            )
            session.add(variant)
        variant.attachment_no = store(session, variant.attachment_no, name, extension, content)
        if not template.language_code_default:
            template.language_code_default = language
        session.flush()
        found = variants(session, [template.code])[template.code]
        return next(v for v in found if v.language_code == language)


def language_of(session: Session, template: InteractionTemplate, given: str | None) -> str:
    """The language of the variant to attach to: `given` (the input `language_code`, which
    must name a language: NotFound naming it, the template being there), else the
    template's default."""
    if given is None:
        return template.language_code_default
    try:
        language = normalize_code(given, length=10, field="language")
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc
    if language and session.get(Language, language) is None:
        raise does_not_exist(N_("Language"), (CODE_FIELD, language), field="language_code")
    return language


def store(session: Session, attachment_no: int, name: str, extension: str, content: bytes) -> int:
    """Replace the attachment's content in place unless it is read-only; else a new one."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    current = session.get(Attachment, attachment_no) if attachment_no else None
    if current is not None and not current.read_only:
        current.file_name, current.file_extension = name, extension
        current.content, current.created_at = content, now
        session.flush()
        return current.no
    attachment = Attachment(
        file_name=name, file_extension=extension, content=content, read_only=False, created_at=now
    )
    session.add(attachment)
    session.flush()
    return attachment.no
