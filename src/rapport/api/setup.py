"""Setup over HTTP (SPEC §2 Setup; admin): the marketing setup, the number series and the
code tables users filter on (salespeople, languages, countries, industry groups, mailing
groups …).

Answers are the JSON of `rapport setup show --json`, `rapport setup series … --json` and
`rapport codes … --json`; a code, a number series and the setup carry their version as
`ETag`, and a `PATCH` naming an older one in
`If-Match` is refused with 412 and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from rapport.api.answers import answer, expected_versions, plain
from rapport.api.field_values import Values, assignments, changes, values_body
from rapport.api.pages import DEFAULT_LIMIT, After, Limit, Page, cut, page_of
from rapport.api.segments import IfMatch
from rapport.api.shapes import documented
from rapport.errors import Invalid
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.setup import codes, marketing, series
from rapport.services.setup.marketing import SetupRead
from rapport.services.setup.series import SeriesRead

router = api_router(tags=["setup"])

Table = Annotated[
    str, Path(min_length=1, max_length=40, description="A code table.", examples=["salespeople"])
]
Code = Annotated[str, Path(min_length=1, max_length=30, examples=["JO"])]
STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "Another user has modified the record"}
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such table or code"},
    422: {"description": "A field is not valid (RFC 9457 problem with `errors`)"},
}


class CodeRead(BaseModel):
    """A code with every field of its table (`rapport codes list TABLE --json`): the fields
    differ by table; `code` names the row (in a table keyed on more than one field, its key
    fields joined by commas: `MR,NLB`)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"code": "JO", "name": "Jo Smith", "email": "jo@example.com", "blocked": False}
            ]
        },
    )

    code: str


@router.get(
    "/setup", summary="The marketing setup, with its ETag", response_model=documented(SetupRead)
)
def get_setup(ctx: Context) -> JSONResponse:
    """Number series, defaults and the inheritance flags (`rapport setup show`)."""
    found = marketing.get_versioned(ctx.sessions)
    return answer(found.value, version=found.version)


@router.patch(
    "/setup",
    summary="Change marketing setup fields, optionally based on an ETag",
    response_model=documented(SetupRead),
    responses={**PROBLEMS, **STALE},
)
def update_setup(
    ctx: Context,
    body: Annotated[
        Values,
        values_body(
            {"inherit_language_code": False, "default_salesperson_code": "JO"},
            "Fields and their new values, applied in this order.",
        ),
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """`rapport setup set FIELD=VALUE…`: each value is checked and a code must exist."""
    marketing.set_setup(
        ctx.sessions, values=changes(body), expected_version=expected_versions(if_match)
    )
    found = marketing.get_versioned(ctx.sessions)
    return answer(found.value, version=found.version)


SeriesCode = Annotated[str, Path(min_length=1, max_length=series.CODE_LENGTH, examples=["SEG"])]


@router.get("/setup/series", summary="The number series", response_model=page_of(SeriesRead))
def list_series(
    request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    """`rapport setup series list`: every number series with the number it gives next."""
    rows = [plain(item) for item in series.get_all(ctx.sessions)]
    return cut(request, rows, limit=limit, after=after, key=lambda row: str(row["code"]))


@router.post(
    "/setup/series",
    summary="Add a number series",
    status_code=201,
    response_model=documented(SeriesRead),
    responses={**PROBLEMS, 409: {"description": "The code exists"}},
)
def add_series(
    ctx: Context,
    body: Annotated[
        Values,
        values_body(
            {"code": "QUOTE", "description": "Quotes", "starting_no": "QU0001"},
            "The new series' code (`code`) and its other fields; `starting_no` is needed.",
        ),
    ],
) -> JSONResponse:
    """`rapport setup series add CODE FIELD=VALUE…`."""
    fields = dict(body)
    code = fields.pop("code", None)
    if not isinstance(code, str):
        raise Invalid("the new series' code is required, as text", field="code")
    made = series.add_series(ctx.sessions, code, values=assignments(fields))
    found = series.get_versioned(ctx.sessions, made.code)
    return answer(found.value, status=201, version=found.version)


@router.get(
    "/setup/series/{code}",
    summary="One number series, with its ETag",
    response_model=documented(SeriesRead),
    responses=PROBLEMS,
)
def get_series(code: SeriesCode, ctx: Context) -> JSONResponse:
    """`rapport setup series show CODE`."""
    found = series.get_versioned(ctx.sessions, code)
    return answer(found.value, version=found.version)


@router.patch(
    "/setup/series/{code}",
    summary="Change a number series' fields, optionally based on an ETag",
    response_model=documented(SeriesRead),
    responses={**PROBLEMS, **STALE},
)
def update_series(
    code: SeriesCode,
    ctx: Context,
    body: Annotated[
        Values,
        values_body(
            {"last_no_used": "SEG00100", "manual_nos": True},
            "Fields and their new values (not `code`).",
        ),
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """`rapport setup series set CODE FIELD=VALUE…`: a number must hold digits."""
    series.set_series(
        ctx.sessions, code, values=changes(body), expected_version=expected_versions(if_match)
    )
    found = series.get_versioned(ctx.sessions, code)
    return answer(found.value, version=found.version)


@router.get(
    "/codes/{table}",
    summary="The codes of a code table",
    response_model=Page[CodeRead],
    responses=PROBLEMS,
)
def list_codes(
    table: Table,
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
) -> JSONResponse:
    """`rapport codes list TABLE`: every code with every field, by code."""
    rows = codes.get_all(ctx.sessions, table).rows
    return cut(request, rows, limit=limit, after=after, key=lambda row: str(row["code"]))


@router.post(
    "/codes/{table}",
    summary="Add a code to a code table",
    status_code=201,
    response_model=CodeRead,
    responses={**PROBLEMS, 409: {"description": "The code exists"}},
)
def add_code(
    table: Table,
    ctx: Context,
    body: Annotated[
        Values,
        values_body(
            {"code": "NEWS", "description": "Newsletter"},
            "The new code (`code`) and its other fields.",
        ),
    ],
) -> JSONResponse:
    """`rapport codes add TABLE CODE FIELD=VALUE…`."""
    fields = dict(body)
    code = fields.pop("code", None)
    if code is None:  # a composite key by its fields, as its rows are read
        key = {name: fields.pop(name) for name in codes.key_fields(table) if name in fields}
        code = codes.code_of(table, key) if key else None
    if not isinstance(code, str):
        raise Invalid("the new code is required, as text", field="code")
    row = codes.add_code(ctx.sessions, table, code, values=assignments(fields))
    found = codes.get_code(ctx.sessions, table, str(row["code"]))
    return answer(found.value, status=201, version=found.version)


@router.get(
    "/codes/{table}/{code}",
    summary="One code, with its ETag",
    response_model=CodeRead,
    responses=PROBLEMS,
)
def get_code(table: Table, code: Code, ctx: Context) -> JSONResponse:
    """A code with every field."""
    found = codes.get_code(ctx.sessions, table, code)
    return answer(found.value, version=found.version)


@router.patch(
    "/codes/{table}/{code}",
    summary="Change a code's fields, optionally based on an ETag",
    response_model=CodeRead,
    responses={**PROBLEMS, **STALE},
)
def update_code(
    table: Table,
    code: Code,
    ctx: Context,
    body: Annotated[
        Values,
        values_body({"email": "jo@example.com"}, "Fields and their new values (not `code`)."),
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """`rapport codes set TABLE CODE FIELD=VALUE…`."""
    codes.set_code(
        ctx.sessions,
        table,
        code,
        values=changes(body),
        expected_version=expected_versions(if_match),
    )
    found = codes.get_code(ctx.sessions, table, code)
    return answer(found.value, version=found.version)


@router.delete(
    "/codes/{table}/{code}",
    summary="Delete a code that nothing uses",
    response_model=CodeRead,
    responses={**PROBLEMS, 409: {"description": "The code is in use"}},
)
def delete_code(table: Table, code: Code, ctx: Context) -> Response:
    """`rapport codes delete TABLE CODE`: answers the deleted code."""
    return answer(codes.delete_code(ctx.sessions, table, code))
