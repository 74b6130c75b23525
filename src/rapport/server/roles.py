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
    ("POST", "/api/segments/{no}/refresh"): MARKETER,
    ("GET", "/api/segments/{no}/exceptions"): VIEWER,
    ("DELETE", "/api/segments/{no}/exceptions/{contact}"): MARKETER,
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
    # API: contacts (K1, K2)
    ("GET", "/api/contacts"): VIEWER,
    ("POST", "/api/contacts"): MARKETER,
    ("GET", "/api/contacts/{no}"): VIEWER,
    ("PATCH", "/api/contacts/{no}"): MARKETER,
    ("DELETE", "/api/contacts/{no}"): MARKETER,
    ("POST", "/api/contacts/{no}/assignments"): MARKETER,
    ("DELETE", "/api/contacts/{no}/assignments/{relation}/{code}"): MARKETER,
    ("POST", "/api/contacts/{no}/opt-outs"): MARKETER,
    ("DELETE", "/api/contacts/{no}/opt-outs/{type}"): MARKETER,
    # API: logged segments (L5, X8)
    ("GET", "/api/logged-segments"): VIEWER,
    ("GET", "/api/logged-segments/{entry_no:int}"): VIEWER,
    ("POST", "/api/logged-segments/{entry_no:int}/cancel"): MARKETER,
    ("POST", "/api/logged-segments/{entry_no:int}/uncancel"): MARKETER,
    ("POST", "/api/logged-segments/delete-canceled"): MARKETER,
    ("POST", "/api/logged-segments/{entry_no:int}/resend"): MARKETER,
    # API: interaction log entries (L6)
    ("GET", "/api/interaction-log-entries"): VIEWER,
    ("GET", "/api/interaction-log-entries/totals"): VIEWER,
    ("GET", "/api/interaction-log-entries/{entry_no:int}"): VIEWER,
    ("POST", "/api/interaction-log-entries/cancel"): MARKETER,
    ("POST", "/api/interaction-log-entries/uncancel"): MARKETER,
    ("POST", "/api/interaction-log-entries/{entry_no:int}/evaluate"): MARKETER,
    ("POST", "/api/interaction-log-entries/{entry_no:int}/attempt-failed"): MARKETER,
    # API: campaigns (C1–C3); statuses are setup
    ("GET", "/api/campaigns"): VIEWER,
    ("POST", "/api/campaigns"): MARKETER,
    ("GET", "/api/campaigns/{no}"): VIEWER,
    ("GET", "/api/campaigns/{no}/entries"): VIEWER,
    ("POST", "/api/campaigns/{no}/activate"): MARKETER,
    ("POST", "/api/campaigns/{no}/deactivate"): MARKETER,
    ("GET", "/api/campaign-statuses"): VIEWER,
    ("POST", "/api/campaign-statuses"): ADMIN,
    # API: interaction templates (L1)
    ("GET", "/api/templates"): VIEWER,
    ("GET", "/api/templates/{code}"): VIEWER,
    ("POST", "/api/templates/{code}/attachments"): MARKETER,
    # API: imports and exports (K4)
    ("POST", "/api/imports/{table}"): MARKETER,
    ("GET", "/api/exports/{table}"): VIEWER,
    # API: opportunities and tasks (S14)
    ("GET", "/api/opportunities"): VIEWER,
    ("GET", "/api/tasks"): VIEWER,
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
    # Web: segments (viewers read; marketers change)
    ("GET", "/segments"): VIEWER,
    ("POST", "/segments"): MARKETER,
    ("GET", "/segments/{no}"): VIEWER,
    ("POST", "/segments/{no}/header"): MARKETER,
    ("POST", "/segments/{no}/undo"): MARKETER,
    ("POST", "/segments/{no}/refresh"): MARKETER,
    ("POST", "/segments/{no}/actions"): MARKETER,
    ("GET", "/segments/{no}/preview"): VIEWER,
    ("GET", "/criteria-builder/fields"): VIEWER,
    ("GET", "/criteria-builder/tree"): VIEWER,
    ("GET", "/criteria-builder/text"): VIEWER,
    ("GET", "/segments/{no}/lines"): VIEWER,
    ("GET", "/segments/{no}/lines/{line_no}"): VIEWER,
    ("GET", "/segments/{no}/lines/{line_no}/edit"): MARKETER,
    ("POST", "/segments/{no}/lines/{line_no}"): MARKETER,
    ("POST", "/segments/{no}/lines/{line_no}/remove"): MARKETER,
    ("GET", "/segments/{no}/explain"): VIEWER,
    ("GET", "/segments/{no}/history"): VIEWER,
    ("POST", "/segments/{no}/save-criteria"): MARKETER,
    ("POST", "/segments/{no}/reuse-criteria"): MARKETER,
    ("POST", "/segments/{no}/reuse-logged"): MARKETER,
    ("POST", "/segments/{no}/log"): MARKETER,
    ("GET", "/segments/{no}/export"): VIEWER,
    ("POST", "/segments/{no}/mailing-group"): MARKETER,
    ("POST", "/segments/{no}/opportunities"): MARKETER,
    ("POST", "/segments/{no}/tasks"): MARKETER,
    ("GET", "/segments/{no}/chart"): VIEWER,
    ("GET", "/segment-overlap"): VIEWER,
    ("GET", "/contacts"): VIEWER,
    ("GET", "/contacts/{no}"): VIEWER,
    ("POST", "/contacts/{no}"): MARKETER,
    ("GET", "/logged-segments"): VIEWER,
    ("GET", "/logged-segments/{entry_no}"): VIEWER,
    ("POST", "/logged-segments/{entry_no}/cancel"): MARKETER,
    ("POST", "/logged-segments/{entry_no}/uncancel"): MARKETER,
    ("POST", "/logged-segments/{entry_no}/resend"): MARKETER,
    ("POST", "/logged-segments/{entry_no}/delete"): MARKETER,
    ("GET", "/interactions"): VIEWER,
    ("POST", "/interactions/{entry_no}/cancel"): MARKETER,
    ("POST", "/interactions/{entry_no}/uncancel"): MARKETER,
    ("POST", "/interactions/{entry_no}/evaluate"): MARKETER,
    ("GET", "/campaigns"): VIEWER,
    ("GET", "/campaigns/{no}"): VIEWER,
    ("POST", "/campaigns/{no}/activate"): MARKETER,
    ("POST", "/campaigns/{no}/deactivate"): MARKETER,
    ("GET", "/templates"): VIEWER,
    ("GET", "/templates/{code}"): VIEWER,
    ("POST", "/templates/{code}/attachment"): MARKETER,
    ("GET", "/import"): ADMIN,
    ("POST", "/import"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("POST", "/admin/users/{name}/role"): ADMIN,
    ("POST", "/admin/users/{name}/disable"): ADMIN,
    ("POST", "/admin/tokens"): ADMIN,
    ("POST", "/admin/tokens/{token_id}/revoke"): ADMIN,
}


def least_role(method: str, path: str) -> tuple[bool, Role | None]:
    """(known, least role) of a route template; HEAD is allowed where GET is."""
    key = ("GET" if method == "HEAD" else method, path)
    if key in ROUTE_ROLES:
        return True, ROUTE_ROLES[key]
    return False, None
