"""The web UI (SPEC §8): server-rendered pages (Jinja2) with htmx, one module per noun.

Each module's router (`server.routers.web_router`) runs the guards (`server.guard.authorize`
and the role table) and stays out of the OpenAPI document; `rapport.app` puts the routes of
`ROUTERS` in the app. An anonymous request for a page is sent to /login. Pages call the
same services as the CLI and the API; each partial template (`_name.html`) is included by
its page and returned alone to htmx.
"""

from __future__ import annotations

from fastapi import APIRouter

from rapport.web import (
    admin,
    campaigns,
    codes,
    contacts,
    duplicates,
    home,
    imports,
    interactions,
    itemplates,
    jobs,
    logged,
    saved_criteria,
    segment_charts,
    segment_criteria,
    segment_lines,
    segment_outputs,
    segments,
    setup,
    signin,
    unsubscribe,
)

ROUTERS: tuple[APIRouter, ...] = (
    signin.router,
    home.router,
    jobs.router,
    duplicates.router,
    contacts.router,
    logged.router,
    interactions.router,
    campaigns.router,
    itemplates.router,
    imports.router,
    admin.router,
    setup.router,
    codes.router,
    saved_criteria.router,
    unsubscribe.router,
    segments.router,
    segment_criteria.router,
    segment_lines.router,
    segment_outputs.router,
    segment_charts.router,
)

__all__ = ["ROUTERS"]
