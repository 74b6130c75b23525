"""The REST API under /api (SPEC §7): one router per noun over the services.

Each module's router (`server.routers.api_router`) carries the full `/api` prefix and the
guards itself (`server.guard.authorize`, the refusal of a NUL), so a route's template is the
path the role table (`server.roles`) names; `rapport.app` puts the routes of `ROUTERS` in
the app. Bodies and answers are the JSON shapes of SPEC §6; errors are RFC 9457 problem
documents.
"""

from __future__ import annotations

from fastapi import APIRouter

from rapport.api import (
    campaigns,
    contacts,
    docs,
    duplicates,
    followup,
    health,
    interactions,
    jobs,
    logged,
    saved_criteria,
    segment_actions,
    segment_analytics,
    segment_dynamic,
    segment_history,
    segment_letters,
    segment_lines,
    segment_outputs,
    segments,
    session,
    setup,
    templates,
    transfer,
    users,
    webhooks,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    session.router,
    users.router,
    segments.router,
    segment_lines.router,
    segment_actions.router,
    segment_dynamic.router,
    segment_history.router,
    segment_outputs.router,
    segment_analytics.router,
    segment_letters.router,
    saved_criteria.router,
    duplicates.router,
    contacts.router,
    logged.router,
    interactions.router,
    campaigns.router,
    templates.router,
    setup.router,
    transfer.router,
    followup.router,
    webhooks.router,
    jobs.router,
    docs.router,
)

__all__ = ["ROUTERS"]
