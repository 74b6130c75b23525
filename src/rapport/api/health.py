"""GET /api/health: is the server up and is its database reachable (no sign-in needed)."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services import health

router = api_router(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get(
    "/health",
    summary="Whether the server runs and reaches its database",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database cannot be reached"}},
)
def get_health(ctx: Context) -> JSONResponse:
    reachable = health.database_reachable(ctx.sessions)
    body = Health(status="ok" if reachable else "degraded", database="ok" if reachable else "down")
    return JSONResponse(body.model_dump(), status_code=200 if reachable else 503)
