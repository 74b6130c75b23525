"""The routers of the two HTTP edges. Every route runs the guards first: the role check
(`guard.authorize`: who asks, their role, the CSRF token of a cookie write) and the refusal
of a NUL character (`text_input.refuse_nul`); an API route also refuses a query parameter it
does not declare (`query_params.refuse_unknown`), where a page ignores it.

The guards are the routers' own dependencies, so each route is built once, when its module
is imported, and `rapport.app` puts the same routes in every app it makes. Included with
`include_router` instead, FastAPI builds each route's parameters again for every app, on the
app's first request (0.3–0.4 s for the 173 routes).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from rapport.server.guard import authorize
from rapport.server.query_params import refuse_unknown
from rapport.server.text_input import refuse_nul

GUARDS = (Depends(authorize), Depends(refuse_nul))
API_GUARDS = (*GUARDS, Depends(refuse_unknown))


def api_router(*, tags: list[str]) -> APIRouter:
    """A router of the REST API (SPEC §7): its routes under /api, in the OpenAPI document."""
    return APIRouter(prefix="/api", tags=list(tags), dependencies=list(API_GUARDS))


def web_router() -> APIRouter:
    """A router of the web UI's pages, which the OpenAPI document leaves out."""
    return APIRouter(dependencies=list(GUARDS), include_in_schema=False)
