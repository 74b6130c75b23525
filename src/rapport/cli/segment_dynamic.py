"""`rapport segment refresh` and `segment exceptions`: dynamic segments (X4).

Registered on the segment sub-app by `cli/segments.py`; the services are imported inside the
commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from rapport.cli import output
from rapport.cli.options import Engine, EngineName, Lake, Master
from rapport.cli.state import state

if TYPE_CHECKING:
    from rapport.services.segments.dynamic import RefreshResult


def register(app: typer.Typer) -> None:
    """Add `refresh` and `exceptions` to the segment sub-app."""
    app.command("refresh")(refresh)
    app.command("exceptions")(exceptions)


def refresh(
    ctx: typer.Context,
    segment: Annotated[
        str | None, typer.Argument(help="Segment no. (or --all).", show_default=False)
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every dynamic segment, in dependency order (cron).")
    ] = False,
    engine: Engine = EngineName.DATABASE,
    lake: Lake = None,
    master: Master = "local[*]",
) -> None:
    """X4: apply what changed since the last refresh to a dynamic segment as one recorded
    action; --all goes on past a segment that fails and exits 1 if any failed. With
    --engine spark one segment's definition is evaluated in full on Spark over the lake and
    the difference applied."""
    from rapport.services.segments import dynamic

    st = state(ctx)
    if every == (segment is not None):
        raise typer.BadParameter("name one segment, or give --all", param_hint="SEGMENT")
    if segment is not None and engine is EngineName.SPARK:
        from rapport.cli.segment_actions import lake_folder, print_lake_action
        from rapport.services.segments import on_lake

        run = on_lake.refresh_on_lake(
            st.sessions, segment, lake=lake_folder(lake), master=master, user=st.user
        )
        print_lake_action(run, st.json, show=_print_refresh)
        return
    if engine is EngineName.SPARK:
        raise typer.BadParameter("--engine spark refreshes one segment", param_hint="--all")
    if segment is not None:
        result = dynamic.refresh(st.sessions, segment, user=st.user)
        output.result(asdict(result), as_json=st.json, human=lambda: _print_refresh(result))
        return
    outcomes = dynamic.refresh_all(st.sessions, user=st.user)
    rows = [asdict(outcome) for outcome in outcomes]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(rows, ["segment", "added", "removed", "no_of_lines", "error"]),
    )
    failed = [outcome.segment for outcome in outcomes if outcome.error]
    if failed:
        if not st.json:
            output.error(f"{len(failed)} segment(s) failed to refresh: {', '.join(failed)}")
        raise typer.Exit(code=1)


def _print_refresh(result: RefreshResult) -> None:
    output.message(
        f"{result.segment} refresh: {result.added} added, {result.removed} removed "
        f"({output.counted(result.no_of_lines, 'line')})."
    )


def exceptions(
    ctx: typer.Context,
    segment: Annotated[str, typer.Argument(help="Segment no.")],
    remove: Annotated[
        str | None,
        typer.Option("--remove", help="Take this contact off the list (a refresh may add it)."),
    ] = None,
) -> None:
    """X4: the contacts removed by hand from a dynamic segment, which refreshes leave out."""
    from rapport.services.segments import dynamic

    st = state(ctx)
    if remove is None:
        found = dynamic.get_exceptions(st.sessions, segment)
    else:
        found = dynamic.remove_exception(st.sessions, segment, contact_no=remove)
    rows = [asdict(row) for row in found]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(rows, ["contact_no", "contact_name", "action_no"]),
    )
