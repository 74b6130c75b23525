"""The one table of routes and the least role each needs (SPEC §7, §10).

`None` marks the few public routes (health, the OpenAPI document and its page, sign-in,
the one-click unsubscribe link and the static files). A route missing from the table is
refused for everyone, and a house-rule test fails for it; the role-matrix test reads this
same table to call every route as anonymous, viewer, marketer and admin.
"""

from __future__ import annotations

from rapport.domain.enums import Role

VIEWER, MARKETER, ADMIN = Role.VIEWER, Role.MARKETER, Role.ADMIN

ROUTE_ROLES: dict[tuple[str, str], Role | None] = {
    # API: public
    ("GET", "/api/health"): None,
    ("GET", "/api/openapi.json"): None,
    ("GET", "/api/docs"): None,
    ("POST", "/api/login"): None,
    # API: the signed-in user
    ("POST", "/api/logout"): VIEWER,
    ("GET", "/api/me"): VIEWER,
    # API: users, tokens, audit (admin)
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("GET", "/api/users/{name}"): ADMIN,
    ("PATCH", "/api/users/{name}"): ADMIN,
    ("GET", "/api/tokens"): ADMIN,
    ("POST", "/api/tokens"): ADMIN,
    ("DELETE", "/api/tokens/{token_id}"): ADMIN,
    ("GET", "/api/audit"): ADMIN,
    # API: segments (viewers read, marketers change)
    ("GET", "/api/segments"): VIEWER,
    ("POST", "/api/segments"): MARKETER,
    ("GET", "/api/segments/{no}"): VIEWER,
    ("PATCH", "/api/segments/{no}"): MARKETER,
    ("DELETE", "/api/segments/{no}"): MARKETER,
    ("GET", "/api/segments/{no}/lines"): VIEWER,
    ("GET", "/api/segments/{no}/lines/{line}"): VIEWER,
    ("PATCH", "/api/segments/{no}/lines/{line}"): MARKETER,
    ("DELETE", "/api/segments/{no}/lines/{line}"): MARKETER,
    ("POST", "/api/segments/{no}/actions"): MARKETER,
    ("POST", "/api/segments/{no}/contacts"): MARKETER,
    ("DELETE", "/api/segments/{no}/contacts/{contact}"): MARKETER,
    ("POST", "/api/segments/{no}/undo"): MARKETER,
    ("POST", "/api/segments/{no}/reuse-criteria"): MARKETER,
    ("POST", "/api/segments/{no}/reuse-logged"): MARKETER,
    ("GET", "/api/segments/{no}/criteria"): VIEWER,
    ("GET", "/api/segments/{no}/history"): VIEWER,
    ("GET", "/api/segments/{no}/explain/{contact}"): VIEWER,
    ("POST", "/api/segments/{no}/saved-criteria"): MARKETER,
    ("POST", "/api/segments/{no}/log"): MARKETER,
    ("GET", "/api/segments/{no}/export"): VIEWER,
    ("POST", "/api/segments/{no}/mailing-group"): MARKETER,
    ("POST", "/api/segments/{no}/opportunities"): MARKETER,
    ("POST", "/api/segments/{no}/tasks"): MARKETER,
    ("GET", "/api/segments/{no}/languages"): VIEWER,
    ("POST", "/api/segments/{no}/languages"): MARKETER,
    # API: jobs (their own; an admin's: everyone's)
    ("GET", "/api/jobs"): VIEWER,
    ("GET", "/api/jobs/{job_id}"): VIEWER,
    ("GET", "/api/jobs/{job_id}/events"): VIEWER,
    # API: webhooks (admin)
    ("GET", "/api/webhooks"): ADMIN,
    ("POST", "/api/webhooks"): ADMIN,
    ("DELETE", "/api/webhooks/{webhook_id}"): ADMIN,
    # Web: public
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("GET", "/static/{path:path}"): None,
    ("GET", "/unsubscribe/{token}"): None,
    ("POST", "/unsubscribe/{token}"): None,
    # Web: pages
    ("POST", "/logout"): VIEWER,
    ("GET", "/"): VIEWER,
    ("GET", "/jobs"): VIEWER,
    ("GET", "/jobs/{job_id}"): VIEWER,
}


def least_role(method: str, path: str) -> tuple[bool, Role | None]:
    """(known, least role) of a route template; HEAD is allowed where GET is."""
    key = ("GET" if method == "HEAD" else method, path)
    if key in ROUTE_ROLES:
        return True, ROUTE_ROLES[key]
    return False, None
