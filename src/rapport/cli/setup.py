"""`rapport setup …`: the marketing setup (number series, defaults and inheritance flags)
and `rapport setup series …`, the number series themselves.

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Assignments, OptionalAssignments, assignments
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Marketing setup: show and set its fields.")


@app.command("show")
def show(ctx: typer.Context) -> None:
    """The marketing setup, every field."""
    from rapport.services.setup import marketing

    st = state(ctx)
    row = asdict(marketing.get(st.sessions))
    output.result(row, as_json=st.json, human=lambda: output.fields(row))


@app.command("set")
def set_fields(ctx: typer.Context, values: Assignments) -> None:
    """Change marketing setup fields, e.g. `inherit_language_code=false
    default_salesperson_code=JO`."""
    from rapport.services.setup import marketing

    st = state(ctx)
    row = asdict(marketing.set_setup(st.sessions, values=assignments(values)))
    output.result(row, as_json=st.json, human=lambda: output.fields(row))


series_app = typer.Typer(no_args_is_help=True, help="Number series: list, show, add and set them.")
app.add_typer(series_app, name="series")

SeriesCode = Annotated[str, typer.Argument(help="The number series' code, e.g. SEG.")]


def _series(found: Any, *, as_json: bool) -> None:
    row = asdict(found)
    output.result(row, as_json=as_json, human=lambda: output.fields(row))


@series_app.command("list")
def list_series(ctx: typer.Context) -> None:
    """Every number series with the number it gives next."""
    from rapport.services.setup import series

    st = state(ctx)
    rows = [asdict(item) for item in series.get_all(st.sessions)]
    columns = ["code", "description", "starting_no", "last_no_used", "manual_nos", "next_no"]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, columns))


@series_app.command("show")
def show_series(ctx: typer.Context, code: SeriesCode) -> None:
    """One number series, every field."""
    from rapport.services.setup import series

    st = state(ctx)
    _series(series.get(st.sessions, code), as_json=st.json)


@series_app.command("add")
def add_series(ctx: typer.Context, code: SeriesCode, values: OptionalAssignments = None) -> None:
    """A new number series, e.g. `setup series add QUOTE description=Quotes
    starting_no=QU0001`."""
    from rapport.services.setup import series

    st = state(ctx)
    _series(series.add_series(st.sessions, code, values=assignments(values)), as_json=st.json)


@series_app.command("set")
def set_series(ctx: typer.Context, code: SeriesCode, values: Assignments) -> None:
    """Change a number series' fields, e.g. `setup series set SEG last_no_used=SEG00100
    manual_nos=true`."""
    from rapport.services.setup import series

    st = state(ctx)
    _series(series.set_series(st.sessions, code, values=assignments(values)), as_json=st.json)
