"""`rapport codes …`: the code tables users filter on (salespeople, languages, countries,
industry groups, mailing groups …): list, add, set and delete codes.

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Assignments, OptionalAssignments, assignments
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Code tables: list, add, set, delete codes.")

TableName = Annotated[
    str, typer.Argument(help="Code table, e.g. mailing_groups, salespeople, languages.")
]
Code = Annotated[
    str,
    typer.Argument(
        help="The code; a salutation formula's is its salutation and language codes joined "
        "by a comma (MR,NLB; MR for the one without a language)."
    ),
]


def _one(row: dict[str, Any], *, as_json: bool) -> None:
    output.result(row, as_json=as_json, human=lambda: output.fields(row))


@app.command("list")
def list_codes(ctx: typer.Context, table: TableName) -> None:
    """The codes of a table with every field."""
    from rapport.services.setup import codes

    st = state(ctx)
    found = codes.get_all(st.sessions, table)
    rows = list(found.rows)
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, list(found.columns)))


@app.command("add")
def add(
    ctx: typer.Context, table: TableName, code: Code, values: OptionalAssignments = None
) -> None:
    """A new code, e.g. `codes add mailing_groups NEWS description=Newsletter`."""
    from rapport.services.setup import codes

    st = state(ctx)
    _one(codes.add_code(st.sessions, table, code, values=assignments(values)), as_json=st.json)


@app.command("set")
def set_fields(ctx: typer.Context, table: TableName, code: Code, values: Assignments) -> None:
    """Change a code's fields, e.g. `codes set salespeople JO email=jo@example.com`."""
    from rapport.services.setup import codes

    st = state(ctx)
    _one(codes.set_code(st.sessions, table, code, values=assignments(values)), as_json=st.json)


@app.command("delete")
def delete(ctx: typer.Context, table: TableName, code: Code) -> None:
    """Delete a code that no contact or other record uses."""
    from rapport.services.setup import codes

    st = state(ctx)
    _one(codes.delete_code(st.sessions, table, code), as_json=st.json)
