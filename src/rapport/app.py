"""The composition root of `rapport serve`: one FastAPI application serving the REST API
under /api and the web UI under /, on one database (SPEC §7, §8).

Errors are mapped once here: for /api, an RFC 9457 problem document; for a page, the
error page (or an htmx fragment) with the same message; nobody signed in → 401 for the API
and a redirect to /login for a page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rapport import api, web
from rapport.errors import RapportError
from rapport.server import openapi, problems
from rapport.server.background import accelerator_loop, job_loop, refresh_loop, webhook_loop
from rapport.server.context import ServerContext
from rapport.server.guard import SignInRequired, TooManyAttempts
from rapport.server.idempotency import Idempotency
from rapport.server.security import RefreshSession, SecurityHeaders
from rapport.services.segments.accelerator import Accelerator, server_limits
from rapport.settings import Settings, secret_key
from rapport.storage.db import Sessions
from rapport.web.render import error_page, status_page, told

log = logging.getLogger("rapport.server")
STATIC = Path(web.__file__).with_name("static")
# What a script author reads first in the OpenAPI document (SPEC §7).
API_DESCRIPTION = (
    "Scripts sign in with an API token, `Authorization: Bearer <token>` (`rapport token "
    "create USER --name NAME`); the web UI's session cookie works too, its writes carrying "
    'the `X-CSRF-Token` of `/api/login`. Lists answer `{"items": [...], "next": URL | '
    "null}`, paged by `?limit=` and the opaque `?after=` of `next`. Errors are RFC 9457 "
    "problem documents (`application/problem+json`) whose `errors` name the field; a query "
    "parameter an operation does not declare is refused (422), so a misspelt filter never "
    "answers everything, and a body naming a record that does not exist is a 422 naming its "
    "field (404 is for the record the address names). Long work answers 202 with a job and "
    "`Location: /api/jobs/{id}`."
)


def create_app(
    settings: Settings, sessions: Sessions, *, background: bool = True, accelerate: bool = False
) -> FastAPI:
    """The application for one database; `sessions` is already migrated. With `background`
    the app runs jobs and sends the webhooks' outbox while it runs; with `accelerate` it
    keeps the preview accelerator (X2, X6), built in the background once it starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = app.state.rapport
        loops = (
            [job_loop(context), webhook_loop(context), refresh_loop(context)] if background else []
        )
        keeping = accelerator_loop(context)
        for loop in [*loops, keeping] if keeping else loops:
            loop.start()
        if background:
            context.wake_jobs = loops[0].wake
        app.state.loops = loops
        yield
        for loop in loops:
            loop.stop()
        if keeping is not None and context.accelerator is not None:
            keeping.stop()
            context.accelerator.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Rapport",
        summary="Contacts, segments, interactions and campaigns over HTTP.",
        description=API_DESCRIPTION,
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    context = ServerContext(
        settings=settings,
        sessions=sessions,
        secret_key=secret_key(settings),
        accelerator=Accelerator(sessions, limits=server_limits()) if accelerate else None,
    )
    app.state.rapport = context
    for router in (*api.ROUTERS, *web.ROUTERS):  # built once, guards included (server.routers)
        app.router.routes.extend(router.routes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Idempotency)
    app.add_middleware(RefreshSession)
    app.add_middleware(SecurityHeaders)
    _handle_errors(app)
    openapi.install(app)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _answer(
    request: Request, status: int, message: str, errors: list[dict[str, object]] | None = None
) -> Response:
    if _is_api(request):
        return problems.problem(status, message, errors=errors)
    return status_page(request, status, message)


def _methods_of(path: str) -> list[str]:
    """Every method the routes at `path` answer (a 405's Allow header)."""
    methods = {
        method
        for router in (*api.ROUTERS, *web.ROUTERS)
        for route in router.routes
        if isinstance(route, APIRoute) and route.path_regex.match(path)
        for method in route.methods or ()
    }
    return sorted(methods)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(RapportError)
    async def service_error(request: Request, exc: RapportError) -> Response:
        status = problems.status_of(exc)
        if not _is_api(request):  # a page says it in the page's language
            return error_page(request, status, told(request, exc))
        return _answer(request, status, exc.message, problems.error_entries(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return problems.from_validation(exc)
        return status_page(request, 422, "the form is not complete or not valid")

    _handle_http_errors(app)


def _handle_http_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _exc: SignInRequired) -> Response:
        if _is_api(request):
            return problems.problem(
                401,
                "sign in first: a session cookie or an Authorization: Bearer token",
                headers={"www-authenticate": 'Bearer realm="rapport"'},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(TooManyAttempts)
    async def too_many(request: Request, exc: TooManyAttempts) -> Response:
        response = _answer(request, 429, str(exc))
        response.headers["retry-after"] = str(exc.retry_after)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _answer(request, exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        if exc.status_code == 405:
            response.headers["allow"] = ", ".join(_methods_of(request.url.path))
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _answer(request, 500, "an internal error occurred; it has been logged")
