"""Saved segment criteria over HTTP (S9): the list, one with its actions in the order they
are replayed, and delete. Criteria are saved from a segment at
`POST /api/segments/{no}/saved-criteria` and replayed at `…/reuse-criteria`. Answers are
the JSON of `rapport criteria … --json` (the list and a deletion without the actions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from rapport.api.answers import answer, plain
from rapport.api.pages import DEFAULT_LIMIT, After, Limit, cut, page_of
from rapport.api.shapes import documented
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.segments import saved
from rapport.services.segments.saved import SavedCriteriaRead

router = api_router(tags=["saved criteria"])

Code = Annotated[str, Path(min_length=1, max_length=10, examples=["RETAIL"])]
PROBLEMS: dict[int | str, dict[str, Any]] = {404: {"description": "No such saved criteria"}}


class SavedCriteriaSummary(BaseModel):
    """A saved criteria without its actions, as `criteria list --json` lists it."""

    code: str
    description: str
    user_id: str
    no_of_actions: int


def summary(found: SavedCriteriaRead) -> dict[str, Any]:
    shape: dict[str, Any] = plain(found)
    del shape["actions"]
    return shape


@router.get(
    "/saved-criteria",
    summary="Saved segment criteria, by code (S9)",
    response_model=page_of(SavedCriteriaSummary),
)
def list_saved_criteria(
    request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    """S9: every saved criteria with its number of actions."""
    rows = [summary(found) for found in saved.get_all(ctx.sessions)]
    return cut(request, rows, limit=limit, after=after, key=lambda row: str(row["code"]))


@router.get(
    "/saved-criteria/{code}",
    summary="A saved criteria with its actions (S9)",
    response_model=documented(SavedCriteriaRead),
    responses=PROBLEMS,
)
def get_saved_criteria(code: Code, ctx: Context) -> JSONResponse:
    """S9: its actions in the order `reuse-criteria` replays them."""
    return answer(saved.get(ctx.sessions, code))


@router.delete(
    "/saved-criteria/{code}",
    summary="Delete a saved criteria (S9)",
    response_model=SavedCriteriaSummary,
    responses=PROBLEMS,
)
def delete_saved_criteria(code: Code, ctx: Context) -> JSONResponse:
    """S9: it and its actions go; answers what was deleted."""
    return answer(summary(saved.delete_criteria(ctx.sessions, code)))
