"""Interaction templates over HTTP (L1): the list, one template with its language variants,
a template created or its fields changed, and a variant's attachment uploaded as a file (an
e-mail body or a Word template). Answers are the JSON of `rapport template … --json`; a
template carries its version as `ETag`, and a `PATCH` naming an older one in `If-Match` is
refused with 412 and changes nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from rapport.api import answers
from rapport.api.field_values import Values, assignments, changes, values_body
from rapport.api.pages import DEFAULT_LIMIT, After, Limit, cut, page_of
from rapport.api.segments import IfMatch
from rapport.api.shapes import answer, documented
from rapport.errors import Invalid
from rapport.server.guard import Context
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.templates import cards, edits
from rapport.services.templates.cards import TemplateLanguageRead, TemplateRead

router = api_router(tags=["templates"])

Code = Annotated[str, Path(min_length=1, max_length=10, examples=["ABSTRACT"])]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such template"},
    422: {"description": "A field is not valid (RFC 9457 problem with `errors`)"},
}


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
    """L1: its defaults and its language variants with their attachments, with its ETag."""
    found = cards.get_versioned(ctx.sessions, code)
    return answers.answer(found.value, version=found.version)


@router.post(
    "/templates",
    summary="Create an interaction template",
    status_code=201,
    response_model=documented(TemplateRead),
    responses={**PROBLEMS, 409: {"description": "The code is taken"}},
)
def create_template(
    ctx: Context,
    body: Annotated[
        Values,
        values_body(
            {
                "code": "NEWS",
                "interaction_group_code": "LETTER",
                "description": "Newsletter",
                "correspondence_type_default": "email",
            },
            "The new template's code (`code`) and fields; `interaction_group_code` is required.",
        ),
    ],
) -> JSONResponse:
    """L1: `rapport template create CODE FIELD=VALUE…`; its language variants are attached
    afterwards (`/api/templates/{code}/attachments`)."""
    fields = dict(body)
    code = fields.pop("code", None)
    if not isinstance(code, str):
        raise Invalid("the new template's code is required, as text", field="code")
    made = edits.create_template(ctx.sessions, code, values=assignments(fields))
    found = cards.get_versioned(ctx.sessions, made.code)
    return answers.answer(
        found.value,
        status=201,
        version=found.version,
        headers={"location": f"/api/templates/{made.code}"},
    )


@router.patch(
    "/templates/{code}",
    summary="Change a template's fields, optionally based on an ETag",
    response_model=documented(TemplateRead),
    responses={**PROBLEMS, 412: {"description": "Another user has modified the template"}},
)
def update_template(
    code: Code,
    ctx: Context,
    body: Annotated[
        Values,
        values_body({"unit_cost": 2.5}, "Fields and their new values, in this order."),
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """L1: `rapport template set CODE FIELD=VALUE…`; segments already made from it keep
    their copies of its defaults."""
    edits.set_template(
        ctx.sessions,
        code,
        values=changes(body),
        expected_version=answers.expected_versions(if_match),
    )
    found = cards.get_versioned(ctx.sessions, code)
    return answers.answer(found.value, version=found.version)


@router.post(
    "/templates/{code}/attachments",
    summary="Attach a file to a language variant",
    response_model=documented(TemplateLanguageRead),
)
def attach(
    code: Code,
    file: Annotated[UploadFile, File(description=".html/.htm/.txt e-mail body or .docx.")],
    ctx: Context,
    language: Annotated[
        str | None,
        Form(max_length=10, description="The variant's language (default: the template's)."),
    ] = None,
) -> JSONResponse:
    """L1: create or replace the language variant with this attachment; its merge fields
    ({{ contact.name }} …) are checked first."""
    with fields_named(language_code="language"):
        variant = cards.attach(
            ctx.sessions,
            code,
            file_name=file.filename or "",
            content=file.file.read(),
            language_code=language,
        )
    return answer(variant)
