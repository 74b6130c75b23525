"""What a segment is used for, over HTTP (L2–L4, S12–S15; SPEC §7): log it (answering
`segment log --json`; with delivery, the log commits in the request and its delivery runs
as a job: 202 with the job, `Location: /api/jobs/{id}`), export its contacts (CSV streamed
in the answer; XLSX, or CSV with `async=true`, written by a job whose file is then
downloaded: the rule of `api.transfer`), apply a mailing group, create
opportunities or tasks for its contacts, and its interaction languages.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from rapport.api.answers import answer, plain
from rapport.api.jobs import MEDIA, JobRead, job_answer
from rapport.api.pages import IsoDate, Page, RequestBody
from rapport.api.segments import PROBLEMS, Code, ShortCode, Text
from rapport.api.transfer import ASYNC_RULE, Async, export_responses
from rapport.domain.codes import LARGEST_LINE_NO
from rapport.server.guard import Context, Who
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.interactions import log as interactions
from rapport.services.jobs import starts
from rapport.services.segments import followup, languages, outputs

router = api_router(tags=["segment outputs"])

MEDIA_TYPES = {key: MEDIA[key] for key in ("csv", "xlsx")}
CHANGE_PROBLEMS = {**PROBLEMS, 409: {"description": "The segment's state forbids it"}}


class LogBody(RequestBody):
    deliver: StrictBool = Field(
        default=False, description="Send the e-mails, write the hard copies."
    )
    follow_up: StrictBool = Field(
        default=False, description="A follow-up segment, same contacts (L4)."
    )


class LogAnswer(BaseModel):
    """`segment log --json`."""

    logged_segment: int
    interactions: int
    campaign_entries: int
    delivered: int
    follow_up: str | None
    failed: int
    skipped: int
    archive: str | None


class MailingGroupBody(RequestBody):
    code: ShortCode = Field(examples=["NEWSLETTER"])
    replace: StrictBool = Field(default=False, description="First remove the group from everyone.")


class MailingGroupAnswer(BaseModel):
    segment_no: str
    code: str
    added: int
    removed: int
    message: str


class OpportunitiesBody(RequestBody):
    sales_cycle: Code = Field(examples=["NEW"])
    description: Text | None = Field(default=None, description="Default: the line's.")


class TasksBody(RequestBody):
    type: Literal["", "meeting", "phone_call"]
    date: IsoDate
    description: Text = Field(pattern=r"\S", description="Required: not blank.")
    salesperson: Code | None = Field(default=None, description="Default: each line's.")


class FollowUpAnswer(BaseModel):
    segment_no: str
    created: int
    first_no: str
    last_no: str


class LanguageRead(BaseModel):
    segment_line_no: int
    language_code: str
    description: str
    subject: str
    attachment_no: int


@router.post(
    "/segments/{no}/log",
    summary="Log the segment as interactions (L2), optionally delivering them (L3)",
    response_model=LogAnswer,
    responses={
        **CHANGE_PROBLEMS,
        202: {"model": JobRead, "description": "Logged; the delivery runs as this job"},
    },
)
def log_segment(no: str, ctx: Context, who: Who, body: LogBody | None = None) -> JSONResponse:
    """L2: without delivery, the log's result (200). L3: with `deliver`, the log commits
    here and its delivery runs as a job (202, `Location: /api/jobs/{id}`) whose done/total
    count the recipients; refused before anything is logged without SMTP settings."""
    given = body or LogBody()
    if given.deliver:
        started = starts.log_and_deliver(
            ctx.sessions,
            no,
            follow_up=given.follow_up,
            user=who.account.name,
            settings=ctx.settings,
        )
        ctx.wake_jobs()
        return job_answer(ctx, started.job_id)
    result = interactions.log_segment(
        ctx.sessions, no, follow_up=given.follow_up, user=who.account.name, settings=ctx.settings
    )
    return answer(result)


@router.get(
    "/segments/{no}/export",
    summary="The contacts of the segment's lines as CSV (streamed) or XLSX (a job) (S13)",
    description=ASYNC_RULE,
    response_class=StreamingResponse,
    response_model=None,
    responses={**PROBLEMS, **export_responses(MEDIA_TYPES)},
)
def export(
    no: str,
    ctx: Context,
    who: Who,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    run_async: Async = False,
) -> StreamingResponse | JSONResponse:
    if format == "xlsx" or run_async:
        job_id = starts.export_segment(ctx.sessions, no, file_format=format, by=who.account.name)
        return job_answer(ctx, job_id)
    found = outputs.export_lines(ctx.sessions, no)
    return StreamingResponse(
        found.lines,
        media_type=MEDIA_TYPES[format],
        headers={"content-disposition": f'attachment; filename="{found.segment_no}.csv"'},
    )


@router.post(
    "/segments/{no}/mailing-group",
    summary="Give every contact of the segment a mailing group (S12)",
    response_model=MailingGroupAnswer,
    responses=CHANGE_PROBLEMS,
)
def apply_mailing_group(no: str, body: MailingGroupBody, ctx: Context) -> JSONResponse:
    result = outputs.apply_mailing_group(ctx.sessions, no, code=body.code, replace=body.replace)
    return answer(result)


@router.post(
    "/segments/{no}/opportunities",
    summary="An opportunity for every contact of the segment (S14)",
    response_model=FollowUpAnswer,
    responses=CHANGE_PROBLEMS,
)
def create_opportunities(no: str, body: OpportunitiesBody, ctx: Context) -> JSONResponse:
    with fields_named(sales_cycle_code="sales_cycle"):
        result = followup.create_opportunities(
            ctx.sessions, no, sales_cycle_code=body.sales_cycle, description=body.description
        )
    return answer(result)


@router.post(
    "/segments/{no}/tasks",
    summary="A task for every contact of the segment, with its attendees (S14)",
    response_model=FollowUpAnswer,
    responses=CHANGE_PROBLEMS,
)
def create_tasks(no: str, body: TasksBody, ctx: Context) -> JSONResponse:
    with fields_named(salesperson_code="salesperson"):
        result = followup.create_tasks(
            ctx.sessions,
            no,
            type=body.type,
            date=body.date,
            description=body.description,
            salesperson_code=body.salesperson,
        )
    return answer(result)


@router.get(
    "/segments/{no}/languages",
    summary="The segment's interaction languages, segment-level first (S15)",
    response_model=Page[LanguageRead],
    responses=PROBLEMS,
)
def get_languages(no: str, ctx: Context) -> JSONResponse:
    return JSONResponse({"items": plain(languages.get_all(ctx.sessions, no)), "next": None})


@router.post(
    "/segments/{no}/languages",
    summary="Set the segment's (or one line's) subject and attachment for a language (S15)",
    response_model=list[LanguageRead],
    responses=CHANGE_PROBLEMS,
)
async def set_language(
    no: str,
    ctx: Context,
    language_code: Annotated[str, Form(max_length=10, pattern=r"\S", examples=["NLB"])],
    subject: Annotated[str | None, Form(max_length=100)] = None,
    line: Annotated[int | None, Form(ge=1, le=LARGEST_LINE_NO)] = None,
    file: Annotated[UploadFile | None, File(description="E-mail body or Word template.")] = None,
) -> JSONResponse:
    upload = languages.Upload(file.filename or "", await file.read()) if file else None
    with fields_named(language="language_code", line_no="line"):
        rows = await run_in_threadpool(
            languages.set_language,
            ctx.sessions,
            no,
            language=language_code,
            subject=subject,
            upload=upload,
            line_no=line,
        )
    return answer(rows)
