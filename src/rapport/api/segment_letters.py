"""One line's letter before logging, over HTTP (L3; SPEC §7): the e-mail or Word letter a
segment line's contact would receive, merged as the delivery merges it, as JSON (the JSON
of `rapport segment preview-letter --json`) or as the merged DOCX; and a test e-mail of it
sent over the configured SMTP server to an address of the marketer's choice."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from rapport.api.answers import answer
from rapport.api.pages import RequestBody
from rapport.api.segment_lines import LineNo
from rapport.api.segments import PROBLEMS
from rapport.api.shapes import documented, file_content
from rapport.errors import Invalid
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.delivery import preview
from rapport.services.delivery.preview import LetterPreview, TestEmailSent

router = api_router(tags=["segment letters"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TestEmailBody(RequestBody):
    to: str = Field(min_length=1, max_length=254, examples=["me@example.com"])


@router.get(
    "/segments/{no}/lines/{line}/preview",
    summary="A line's e-mail or letter, merged for its contact (L3)",
    response_model=documented(LetterPreview),
    responses={**PROBLEMS, 200: {"content": file_content(DOCX), "description": "The preview"}},
)
def preview_letter(
    no: str,
    line: LineNo,
    ctx: Context,
    shape: Annotated[
        Literal["json", "docx"],
        Query(
            alias="format",
            description="`docx`: the merged Word document itself (a Word template only).",
        ),
    ] = "json",
) -> Response:
    """L3: merged from the line's template variant as the delivery would merge it, before
    the segment is logged; nothing is logged or sent."""
    merged = preview.preview_letter(ctx.sessions, no, line, settings=ctx.settings)
    if shape == "json":
        return answer(merged.preview)
    if merged.document is None:
        raise Invalid(
            f"line {line}'s attachment is an e-mail body, not a Word template", field="format"
        )
    name = merged.preview.document
    return Response(
        merged.document,
        media_type=DOCX,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/segments/{no}/lines/{line}/test-email",
    summary="Send a line's merged e-mail to an address of your choice (L3)",
    response_model=documented(TestEmailSent),
    responses={
        **PROBLEMS,
        409: {"description": "The mail server could not take it now; nothing was sent"},
    },
)
def send_test_email(no: str, line: LineNo, body: TestEmailBody, ctx: Context) -> JSONResponse:
    """L3: over the configured SMTP server, without the contact's unsubscribe headers;
    nothing is logged. A bad or refused address is a 422 naming `to`."""
    sent = preview.send_test_email(ctx.sessions, no, line, to=body.to, settings=ctx.settings)
    return answer(sent)
