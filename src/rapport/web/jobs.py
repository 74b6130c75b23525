"""Progress of long work in the browser (log with delivery, import, export): a page per
job that follows it until it is done (htmx polls its fragment every second while it runs)
and then offers an export's file, and the list of one's recent jobs, so a page left can be
found again. Its moments are written in the page's language; a job one may not see is
not there, said as a sentence (the API keeps its own words)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import FileResponse, Response

from rapport.domain.enums import Role
from rapport.errors import N_, NotFound, Text
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.jobs import files as job_files
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import IMPORT, LIVE
from rapport.services.transfer import imports
from rapport.web.captions import moment
from rapport.web.render import language_of, page

router = web_router()


def _no_job(job_id: int) -> Text:
    return N_("There is no job {job_id}.", job_id=job_id)


def _job(ctx: Context, who: Who, job_id: int) -> jobs.JobRead:
    """The job, if it is the user's (an admin's: any); else NotFound, said as a page says it
    (the queue's message is the API's: "there is no job 7")."""
    try:
        job = jobs.get(ctx.sessions, job_id, live=LIVE)
    except NotFound as exc:
        raise NotFound(_no_job(job_id)) from exc
    if who.account.role != Role.ADMIN and job.created_by.lower() != who.account.name.lower():
        raise NotFound(_no_job(job_id))
    return job


@router.get("/jobs")
def job_list(request: Request, ctx: Context, who: Who) -> Response:
    mine = None if who.account.role == Role.ADMIN else who.account.name
    found = jobs.get_all(ctx.sessions, by=mine)
    language = language_of(request)
    created = {job.id: moment(job.created_at, language) for job in found}
    return page(request, "jobs/list.html", jobs=found, created=created)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, ctx: Context, who: Who) -> Response:
    job = _job(ctx, who, job_id)
    template = "jobs/_progress.html" if request.headers.get("hx-request") else "jobs/page.html"
    kept = job.result.get("kept_until") if job.kind == "export" and job.result else None
    return page(
        request,
        template,
        job=job,
        finished=job.state in jobs.FINISHED,
        kept_until=moment(kept, language_of(request)) if kept else "",
        refused=_refusal(job),
        BAD_ROWS_SHOWN=BAD_ROWS_SHOWN,
    )


def _refusal(job: jobs.JobRead) -> Text | None:
    """K4: a failed import's refusal of its file, worded as the import words it
    (`imports.refusal`), counted from the bad rows its result keeps; None for another job."""
    result = job.result or {}
    bad_rows = result.get("bad_rows")
    if job.kind != IMPORT or job.state != jobs.FAILED or not bad_rows:
        return None
    return imports.refusal(int(result.get("no_of_bad_rows", len(bad_rows))), len(bad_rows))


BAD_ROWS_SHOWN = 500  # an import's bad rows listed on its page (the API's job has them all)


@router.get("/jobs/{job_id}/file")
def job_file(job_id: int, ctx: Context, who: Who) -> Response:
    """K4, S13: the file a finished export job wrote, under its own name."""
    _job(ctx, who, job_id)
    found = job_files.get(ctx.sessions, ctx.settings, job_id)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename)
