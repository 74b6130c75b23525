"""`rapport segment delete SEG`: delete a segment as Business Central does (S1).

Registered on the segment sub-app by `cli/segments.py`; the service is imported inside the
command so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict

import typer

from rapport.cli import output
from rapport.cli.options import Segment
from rapport.cli.state import state


def register(app: typer.Typer) -> None:
    """Add the `delete` command to the segment sub-app."""
    app.command("delete")(delete)


def delete(ctx: typer.Context, segment: Segment) -> None:
    """S1: delete a segment with its lines, criteria actions and language variants; its
    lines leave activated campaigns' target groups, its tasks lose their segment no."""
    from rapport.services.segments import deletion

    st = state(ctx)
    result = deletion.delete_segment(st.sessions, segment)
    output.result(
        asdict(result),
        as_json=st.json,
        human=lambda: output.message(
            f"Segment {result.no} is deleted ({output.counted(result.no_of_lines, 'line')}, "
            f"{output.counted(result.tasks_unlinked, 'task')} unlinked)."
        ),
    )
