"""Interaction templates over HTTP (L1): the list, one template with its language variants,
and a variant's attachment uploaded as a file (an e-mail body or a Word template). Answers
are the JSON of `rapport template … --json`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from rapport.api.pages import DEFAULT_LIMIT, After, Limit, cut, page_of
from rapport.api.shapes import answer, documented
from rapport.server.guard import Context
from rapport.services.templates import cards
from rapport.services.templates.cards import TemplateLanguageRead, TemplateRead

router = APIRouter(prefix="/api", tags=["templates"])

Code = Annotated[str, Path(min_length=1, max_length=10, examples=["ABSTRACT"])]


@router.get(
    "/templates", summary="Interaction templates, by code", response_model=page_of(TemplateRead)
)
def list_templates(
    request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    """L1: every interaction template with its language variants."""
    rows = cards.get_all(ctx.sessions)
    return cut(request, rows, limit=limit, after=after, key=lambda row: row.code)


@router.get(
    "/templates/{code}", summary="An interaction template", response_model=documented(TemplateRead)
)
def get_template(code: Code, ctx: Context) -> JSONResponse:
    """L1: its defaults and its language variants with their attachments."""
    return answer(cards.get(ctx.sessions, code))


@router.post(
    "/templates/{code}/attachments",
    summary="Attach a file to a language variant",
    response_model=documented(TemplateLanguageRead),
)
def attach(
    code: Code,
    file: Annotated[UploadFile, Form(description=".html/.htm/.txt e-mail body or .docx.")],
    ctx: Context,
    language: Annotated[
        str | None,
        Form(max_length=10, description="The variant's language (default: the template's)."),
    ] = None,
) -> JSONResponse:
    """L1: create or replace the language variant with this attachment; its merge fields
    ({{ contact.name }} …) are checked first."""
    variant = cards.attach(
        ctx.sessions,
        code,
        file_name=file.filename or "",
        content=file.file.read(),
        language_code=language,
    )
    return answer(variant)
