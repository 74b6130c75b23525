"""Import in the browser (K4, admin): upload a CSV or Excel file into a table (offered by its
page name in the page's language, sent by its name); the import runs as a job whose page
follows its progress and shows its outcome, with every bad row's line, column and reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.errors import Invalid, RapportError
from rapport.server import uploads
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.transfer.tables import TABLES
from rapport.web.captions import table_caption
from rapport.web.render import page, told_with_field, translator

router = web_router()
SUFFIXES = (".csv", ".xlsx")


def tables_of(request: Request) -> list[str]:
    """The tables one imports into, by their captions in the page's language."""
    translate = translator(request)
    return sorted(TABLES, key=lambda name: translate(table_caption(name)).casefold())


@router.get("/import")
def import_page(request: Request, who: Who) -> Response:
    del who
    return page(request, "imports/page.html", tables=tables_of(request), error=None, chosen="")


@router.post("/import")
def start_import(
    request: Request,
    ctx: Context,
    who: Who,
    table: Annotated[str, Form(max_length=60)],
    file: Annotated[UploadFile, Form()],
    skip_bad_rows: Annotated[bool, Form()] = False,
    update: Annotated[bool, Form()] = False,
) -> Response:
    """K4: the file is kept in a folder of its own until the import job has read it; a
    file that is not a CSV or a workbook, or whose header lacks the table's columns, is
    refused beside the form, nothing queued."""
    try:
        if table not in TABLES:
            raise Invalid(f"choose one of {', '.join(sorted(TABLES))}", field="table")
        if not (file.filename or "").lower().endswith(SUFFIXES):
            raise Invalid("choose a .csv or .xlsx file with a header row", field="file")
        job_id = uploads.start_import(
            ctx,
            file,
            table=table,
            skip_bad_rows=skip_bad_rows,
            update=update,
            by=who.account.name,
        )
    except RapportError as exc:
        return page(
            request,
            "imports/page.html",
            status_code=422,
            tables=tables_of(request),
            error=told_with_field(request, exc),
            chosen=table,
        )
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
