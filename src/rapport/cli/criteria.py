"""`rapport criteria …`: the saved segment criteria (S9): list, show and delete.

Criteria are saved from a segment with `rapport segment save-criteria` and replayed with
`rapport segment reuse-criteria`. Services are imported inside the commands so that
`rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Saved segment criteria: list, show, delete.")

Code = Annotated[str, typer.Argument(help="Saved criteria code.")]


@app.command("list")
def list_criteria(ctx: typer.Context) -> None:
    """S9: every saved criteria with its number of actions."""
    from rapport.services.segments import saved

    st = state(ctx)
    rows = [asdict(row) for row in saved.get_all(st.sessions)]
    for row in rows:
        del row["actions"]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(rows, ["code", "description", "user_id", "no_of_actions"]),
    )


@app.command("show")
def show(ctx: typer.Context, code: Code) -> None:
    """S9: one saved criteria with its actions in the order they are replayed."""
    from rapport.services.segments import saved

    st = state(ctx)
    found = asdict(saved.get(st.sessions, code))

    def human() -> None:
        output.fields({k: v for k, v in found.items() if k != "actions"})
        output.table(found["actions"], ["line_no", "action", "criteria", "entire_companies"])

    output.result(found, as_json=st.json, human=human)


@app.command("delete")
def delete(ctx: typer.Context, code: Code) -> None:
    """S9: delete a saved criteria."""
    from rapport.services.segments import saved

    st = state(ctx)
    found = asdict(saved.delete_criteria(st.sessions, code))
    del found["actions"]
    output.result(
        found,
        as_json=st.json,
        human=lambda: output.message(f"Saved criteria {found['code']} is deleted."),
    )
