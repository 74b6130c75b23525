"""`rapport setup …`: the marketing setup: number series, defaults and inheritance flags.

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict

import typer

from rapport.cli import output
from rapport.cli.options import Assignments, assignments
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
