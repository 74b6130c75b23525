"""Import in the browser (K4, admin): upload a CSV or Excel file into a table; the import
runs as a job whose page follows its progress and shows its outcome, with every bad row's
line, column and reason."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.errors import Invalid, RapportError
from rapport.server.guard import Context, Who
from rapport.services.jobs import starts
from rapport.services.transfer.tables import TABLES
from rapport.web.render import page

router = APIRouter()
UNSAFE = re.compile(r"[^\w.() -]")
SUFFIXES = (".csv", ".xlsx")


@router.get("/import")
def import_page(request: Request, who: Who) -> Response:
    del who
    return page(request, "imports/page.html", tables=sorted(TABLES), error=None, chosen="")


def _safe_name(given: str) -> str:
    """The upload's own file name, kept to plain characters (only ever a name in its folder)."""
    name = UNSAFE.sub("_", PurePath(given.replace("\\", "/")).name)[:200].lstrip(".")
    if not name.lower().endswith(SUFFIXES):
        raise Invalid("choose a .csv or .xlsx file with a header row", field="file")
    return name


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
        name = _safe_name(file.filename or "")
        path = Path(tempfile.mkdtemp(prefix="rapport-import-")) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        try:
            job_id = starts.import_upload(
                ctx.sessions,
                table=table,
                path=path,
                skip_bad_rows=skip_bad_rows,
                update=update,
                by=who.account.name,
            )
        finally:
            if not path.exists():
                shutil.rmtree(path.parent, ignore_errors=True)
    except RapportError as exc:
        return page(
            request,
            "imports/page.html",
            status_code=422,
            tables=sorted(TABLES),
            error=str(exc),
            chosen=table,
        )
    ctx.wake_jobs()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
