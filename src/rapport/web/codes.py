"""The code tables in the browser (SPEC §2 Setup, §8): the list of tables, a table's codes
with a form to add one, and a code's card to change or delete it, all through the `codes`
service that `rapport codes` uses. Everyone signed in reads them; an admin changes them. A
code still in use is refused with where it is used, nothing changed. A table keyed on more
than one field (salutation formulas) asks a new row for each key field, and its card shows
them; its address names the row as the service does (`MR,NLB`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.errors import RapportError
from rapport.server.auth import Identity
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.setup import codes, forms
from rapport.web.captions import caption_of, table_caption
from rapport.web.render import page, told
from rapport.web.setup import field_rows, form_pairs, may_set_up

router = web_router()


@router.get("/setup/codes")
def code_tables(request: Request, ctx: Context, who: Who) -> Response:
    """Every code table with its number of codes."""
    del who
    tables = [
        (name, table_caption(name), len(codes.get_all(ctx.sessions, name).rows))
        for name in codes.CODE_TABLES
    ]
    return page(request, "setup/code_tables.html", tables=tables)


def _table_page(
    request: Request, ctx: Context, who: Identity, table: str, **extra: Any
) -> Response:
    found = codes.get_all(ctx.sessions, table)
    posted = extra.pop("posted", {})
    return page(
        request,
        "setup/codes.html",
        status_code=extra.pop("status_code", 200),
        table=found.table,
        caption=table_caption(found.table),
        columns=[(name, caption_of(name)) for name in found.columns],
        rows=found.rows,
        fields=field_rows(forms.code_table_fields(found.table), posted),
        keys=field_rows(forms.code_table_keys(found.table), posted),
        code=posted.get("code", ""),
        may_change=may_set_up(who),
        done=request.query_params.get("done", ""),
        **extra,
    )


@router.get("/setup/codes/{table}")
def code_table(request: Request, table: str, ctx: Context, who: Who) -> Response:
    """The codes of one table, and a form to add one (admin)."""
    return _table_page(request, ctx, who, table)


@router.post("/setup/codes/{table}")
async def add_code(request: Request, table: str, ctx: Context, who: Who) -> Response:
    pairs = await form_pairs(request, forms.code_table_fields(table))
    form = await request.form()
    key = {name: str(form.get(name) or "") for name in codes.key_fields(table)}
    try:
        made = codes.add_code(ctx.sessions, table, codes.code_of(table, key), values=pairs)
    except RapportError as exc:
        posted = dict(pairs) | key
        return _table_page(
            request, ctx, who, table, status_code=422, error=told(request, exc), posted=posted
        )
    return RedirectResponse(f"/setup/codes/{table}?done={made['code']}", status_code=303)


def _code_card(
    request: Request, ctx: Context, who: Identity, table: str, code: str, **extra: Any
) -> Response:
    row = codes.get_code(ctx.sessions, table, code).value
    return page(
        request,
        "setup/code_card.html",
        status_code=422 if extra.get("error") else 200,
        table=codes.spec_of(table).name,
        caption=table_caption(codes.spec_of(table).name),
        code=row["code"],
        keys=field_rows(forms.code_table_keys(table), row),
        fields=field_rows(forms.code_table_fields(table), row | extra.pop("posted", {})),
        may_change=may_set_up(who),
        **extra,
    )


@router.get("/setup/codes/{table}/{code}")
def code_card(request: Request, table: str, code: str, ctx: Context, who: Who) -> Response:
    """One code with its fields (a form and "Delete" for an admin)."""
    return _code_card(request, ctx, who, table, code)


@router.post("/setup/codes/{table}/{code}")
async def set_code(request: Request, table: str, code: str, ctx: Context, who: Who) -> Response:
    pairs = await form_pairs(request, forms.code_table_fields(table))
    try:
        changed = codes.set_code(ctx.sessions, table, code, values=pairs)
    except RapportError as exc:
        return _code_card(
            request, ctx, who, table, code, error=told(request, exc), posted=dict(pairs)
        )
    return RedirectResponse(f"/setup/codes/{table}?done={changed['code']}", status_code=303)


@router.post("/setup/codes/{table}/{code}/delete")
def delete_code(request: Request, table: str, code: str, ctx: Context, who: Who) -> Response:
    """Delete a code no record uses; one in use is refused naming where."""
    try:
        codes.delete_code(ctx.sessions, table, code)
    except RapportError as exc:
        return _code_card(request, ctx, who, table, code, error=told(request, exc))
    return RedirectResponse(f"/setup/codes/{table}?done=deleted", status_code=303)
