"""`rapport logged …`: logged segments — list, cancel, un-cancel, delete the canceled ones,
resend what was not delivered (L5).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import OutputDir
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Logged segments: list, cancel, delete, resend.")

Entry = Annotated[int, typer.Argument(help="Logged segment entry no.")]
COLUMNS = [
    "entry_no",
    "segment_no",
    "description",
    "no_of_interactions",
    "no_of_campaign_entries",
    "canceled",
    "creation_date",
    "user_id",
]


def show(row: dict[str, Any], as_json: bool) -> None:
    output.result(row, as_json=as_json, human=lambda: output.fields(row))


@app.command("list")
def list_logged(ctx: typer.Context) -> None:
    """L5: every logged segment with its interaction and campaign entry counts."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    rows = [asdict(row) for row in logged_segments.get_all(st.sessions)]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, COLUMNS))


@app.command("cancel")
def cancel(ctx: typer.Context, entry: Entry) -> None:
    """L5: cancel a logged segment with its interactions and campaign entries."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    show(asdict(logged_segments.cancel_log(st.sessions, entry)), st.json)


@app.command("uncancel")
def uncancel(ctx: typer.Context, entry: Entry) -> None:
    """L5: remove the canceled mark from a logged segment and its entries."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    show(asdict(logged_segments.uncancel_log(st.sessions, entry)), st.json)


@app.command("delete-canceled")
def delete_canceled(
    ctx: typer.Context,
    entry: Annotated[
        int | None, typer.Option("--entry", help="Only this logged segment (if canceled).")
    ] = None,
) -> None:
    """L5: delete the canceled logged segments; their interactions and campaign entries
    stay, canceled."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    deleted = logged_segments.delete_canceled(st.sessions, entry_no=entry)
    output.result(
        {"deleted": deleted},
        as_json=st.json,
        human=lambda: output.message(f"{deleted} Logged Segment has been deleted."),
    )


@app.command("resend")
def resend(
    ctx: typer.Context,
    entry: Entry,
    output_dir: OutputDir = None,
) -> None:
    """L5: deliver again what was not sent (failed, skipped, never queued); an entry
    already sent is never sent twice."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    result = logged_segments.resend(st.sessions, entry, settings=st.settings, output_dir=output_dir)
    data = {
        "sent": result.sent,
        "failed": result.failed,
        "skipped": result.skipped,
        "archive": str(result.archive) if result.archive else None,
    }
    show(data, st.json)
