"""Every `rapport segment` command has its API counterpart (X9, SPEC §7; issue 12 item 3):
the table below maps each command to (method, path), and the test fails for a command
without a row, a row without a route, and a route missing from the role table."""

from __future__ import annotations

import typer
from fastapi.routing import APIRoute

from rapport import api
from rapport.cli import segments as segment_cli
from rapport.domain.enums import Role
from rapport.server.roles import ROUTE_ROLES

COUNTERPARTS: dict[str, tuple[str, str]] = {
    "create": ("POST", "/api/segments"),
    "list": ("GET", "/api/segments"),
    "show": ("GET", "/api/segments/{no}"),
    "set": ("PATCH", "/api/segments/{no}"),
    "delete": ("DELETE", "/api/segments/{no}"),
    "set-line": ("PATCH", "/api/segments/{no}/lines/{line}"),
    "add": ("POST", "/api/segments/{no}/actions"),
    "reduce": ("POST", "/api/segments/{no}/actions"),
    "refine": ("POST", "/api/segments/{no}/actions"),
    "add-contact": ("POST", "/api/segments/{no}/contacts"),
    "remove-contact": ("DELETE", "/api/segments/{no}/contacts/{contact}"),
    "language": ("POST", "/api/segments/{no}/languages"),
    "undo": ("POST", "/api/segments/{no}/undo"),
    "criteria": ("GET", "/api/segments/{no}/criteria"),
    "history": ("GET", "/api/segments/{no}/history"),
    "explain": ("GET", "/api/segments/{no}/explain/{contact}"),
    "save-criteria": ("POST", "/api/segments/{no}/saved-criteria"),
    "reuse-criteria": ("POST", "/api/segments/{no}/reuse-criteria"),
    "reuse-logged": ("POST", "/api/segments/{no}/reuse-logged"),
    "export": ("GET", "/api/segments/{no}/export"),
    "apply-mailing-group": ("POST", "/api/segments/{no}/mailing-group"),
    "create-opportunities": ("POST", "/api/segments/{no}/opportunities"),
    "create-tasks": ("POST", "/api/segments/{no}/tasks"),
    "log": ("POST", "/api/segments/{no}/log"),
    "stats": ("GET", "/api/segments/{no}/stats"),
    "overlap": ("GET", "/api/segments/{no}/overlap"),
    "preview-letter": ("GET", "/api/segments/{no}/lines/{line}/preview"),
    "refresh": ("POST", "/api/segments/{no}/refresh"),
    "exceptions": ("GET", "/api/segments/{no}/exceptions"),
}
READS = {"list", "show", "criteria", "history", "explain", "export", "stats", "overlap"}
READS |= {"preview-letter", "exceptions"}


def segment_commands() -> set[str]:
    group = typer.main.get_command(segment_cli.app)
    return set(getattr(group, "commands", {}))


def api_routes() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for router in api.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def test_x9_every_segment_command_has_an_api_counterpart():
    commands = segment_commands()
    assert commands, "the segment sub-app lists no commands"
    missing = commands - COUNTERPARTS.keys()
    assert missing == set(), "segment commands without an API counterpart"
    assert COUNTERPARTS.keys() - commands == set(), "table rows for commands that do not exist"
    assert set(COUNTERPARTS.values()) - api_routes() == set(), "counterparts that are not routes"


def test_x9_segment_reads_are_open_to_viewers_and_changes_need_a_marketer():
    for command, route in COUNTERPARTS.items():
        least = Role.VIEWER if command in READS else Role.MARKETER
        assert ROUTE_ROLES[route] is least, (command, route)
