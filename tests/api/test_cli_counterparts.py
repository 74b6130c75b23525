"""Every use case over HTTP (SPEC §7, X9): each command of the CLI has its API counterpart.

The test walks the real Typer app, so a new command fails it until the table below names
its routes (or says why it has no HTTP sense). The `segment` group is checked by the
segment routes' own test, next to those routes."""

from __future__ import annotations

import typer
from fastapi.routing import APIRoute

from rapport import api
from rapport.cli.main import app
from rapport.server.roles import ROUTE_ROLES

NO_HTTP = {
    "demo": "loads the demo company into a database; the server never loads demo data",
    "serve": "starts the server itself",
    "lake export": "writes a folder of Parquet files on the machine that runs it (issue 16)",
    "lake check": "reads a lake folder on the machine that runs it (issue 16)",
    "lake serve": "starts the Spark Connect server the lake's commands use (issue 16)",
}
ELSEWHERE = ("segment",)  # groups whose counterparts their own test checks

COUNTERPARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "audit list": (("GET", "/api/audit"),),
    "campaign activate": (("POST", "/api/campaigns/{no}/activate"),),
    "campaign add-status": (("POST", "/api/campaign-statuses"),),
    "campaign create": (("POST", "/api/campaigns"),),
    "campaign deactivate": (("POST", "/api/campaigns/{no}/deactivate"),),
    "campaign entries": (("GET", "/api/campaigns/{no}/entries"),),
    "campaign list": (("GET", "/api/campaigns"),),
    "campaign set": (("PATCH", "/api/campaigns/{no}"),),
    "campaign show": (("GET", "/api/campaigns/{no}"),),
    "campaign statuses": (("GET", "/api/campaign-statuses"),),
    "codes add": (("POST", "/api/codes/{table}"),),
    "codes delete": (("DELETE", "/api/codes/{table}/{code}"),),
    "codes list": (("GET", "/api/codes/{table}"),),
    "codes set": (("PATCH", "/api/codes/{table}/{code}"),),
    "contacts add": (("POST", "/api/contacts"),),
    "contacts assign": (
        ("POST", "/api/contacts/{no}/assignments"),
        ("DELETE", "/api/contacts/{no}/assignments/{relation}/{code}"),
    ),
    "contacts delete": (("DELETE", "/api/contacts/{no}"),),
    "contacts opt-out": (("POST", "/api/contacts/{no}/opt-outs"),),
    "contacts opt-in": (("DELETE", "/api/contacts/{no}/opt-outs/{type}"),),
    "contacts list": (("GET", "/api/contacts"),),
    "contacts duplicates": (("GET", "/api/contact-duplicates"),),
    "contacts merge": (("POST", "/api/contacts/{no}/merge"),),
    "profile update-ratings": (("POST", "/api/profiles/update-ratings"),),
    "logged show": (
        ("GET", "/api/logged-segments/{entry_no:int}"),
        ("GET", "/api/logged-segments/{entry_no:int}/deliveries"),
    ),
    "contacts set": (("PATCH", "/api/contacts/{no}"),),
    "contacts show": (("GET", "/api/contacts/{no}"),),
    "criteria delete": (("DELETE", "/api/saved-criteria/{code}"),),
    "criteria list": (("GET", "/api/saved-criteria"),),
    "criteria show": (("GET", "/api/saved-criteria/{code}"),),
    "export": (("GET", "/api/exports/{table}"),),
    "import": (("POST", "/api/imports/{table}"),),
    "interactions attempt-failed": (
        ("POST", "/api/interaction-log-entries/{entry_no:int}/attempt-failed"),
    ),
    "interactions cancel": (("POST", "/api/interaction-log-entries/cancel"),),
    "interactions evaluate": (("POST", "/api/interaction-log-entries/{entry_no:int}/evaluate"),),
    "interactions list": (("GET", "/api/interaction-log-entries"),),
    "interactions totals": (("GET", "/api/interaction-log-entries/totals"),),
    "interactions uncancel": (("POST", "/api/interaction-log-entries/uncancel"),),
    "logged cancel": (("POST", "/api/logged-segments/{entry_no:int}/cancel"),),
    "logged delete-canceled": (("POST", "/api/logged-segments/delete-canceled"),),
    "logged list": (("GET", "/api/logged-segments"),),
    "logged resend": (("POST", "/api/logged-segments/{entry_no:int}/resend"),),
    "logged uncancel": (("POST", "/api/logged-segments/{entry_no:int}/uncancel"),),
    "opportunities list": (("GET", "/api/opportunities"),),
    "setup set": (("PATCH", "/api/setup"),),
    "setup show": (("GET", "/api/setup"),),
    "setup series add": (("POST", "/api/setup/series"),),
    "setup series list": (("GET", "/api/setup/series"),),
    "setup series set": (("PATCH", "/api/setup/series/{code}"),),
    "setup series show": (("GET", "/api/setup/series/{code}"),),
    "tasks list": (("GET", "/api/tasks"),),
    "template attach": (("POST", "/api/templates/{code}/attachments"),),
    "template create": (("POST", "/api/templates"),),
    "template list": (("GET", "/api/templates"),),
    "template set": (("PATCH", "/api/templates/{code}"),),
    "template show": (("GET", "/api/templates/{code}"),),
    "token create": (("POST", "/api/tokens"),),
    "token list": (("GET", "/api/tokens"),),
    "token revoke": (("DELETE", "/api/tokens/{token_id}"),),
    "user add": (("POST", "/api/users"),),
    "user disable": (("PATCH", "/api/users/{name}"),),
    "user list": (("GET", "/api/users"),),
    "user set-password": (("PATCH", "/api/users/{name}"),),
    "user set-role": (("PATCH", "/api/users/{name}"),),
}


def cli_commands() -> set[str]:
    """Every command a user can run (the leaves of the command tree), as `group command`."""
    found: set[str] = set()

    def visit(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            found.add(" ".join(path))
            return
        for name, child in children.items():
            visit(child, [*path, name])

    visit(typer.main.get_command(app), [])
    return found


def api_routes() -> set[tuple[str, str]]:
    routes = set()
    for router in api.ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            routes.update((method, route.path) for method in route.methods)
    return routes


def test_x9_every_cli_command_has_its_api_counterpart_or_a_reason_it_has_none():
    commands = {c for c in cli_commands() if c.split()[0] not in ELSEWHERE}
    missing = sorted(commands - COUNTERPARTS.keys() - NO_HTTP.keys())
    assert missing == [], f"CLI commands without an API counterpart in this table: {missing}"
    stale = sorted((COUNTERPARTS.keys() | NO_HTTP.keys()) - commands)
    assert stale == [], f"table entries for commands the CLI does not have: {stale}"


def test_x9_every_counterpart_is_a_route_of_the_api_in_the_role_table():
    routes = api_routes()
    named = {route for pair in COUNTERPARTS.values() for route in pair}
    assert sorted(named - routes) == [], "counterparts that are not routes"
    assert sorted(named - ROUTE_ROLES.keys()) == [], "counterparts missing from the role table"


def test_x9_the_walk_finds_the_commands_of_every_group():
    commands = cli_commands()
    assert {"contacts list", "segment add", "serve", "token revoke"} <= commands
    assert not any(c in commands for c in ("contacts", "segment", "token"))
