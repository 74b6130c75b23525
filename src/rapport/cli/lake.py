"""`rapport lake export|check`: the contact base as a Parquet lake for the Spark engine
(issue 16), and the check of a lake written by Rapport or by other tools.

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

app = typer.Typer(
    no_args_is_help=True, help="The Parquet lake the Spark engine reads: export, check."
)

Folder = Annotated[Path, typer.Argument(help="The lake's folder.", file_okay=False)]


@app.command("export")
def export(ctx: typer.Context, folder: Folder) -> None:
    """Write the contact base and every table the criteria read as Parquet."""
    from rapport.services.lake.exports import export_lake

    st = state(ctx)
    written = export_lake(st.sessions, folder=folder)
    output.result(
        written,
        as_json=st.json,
        human=lambda: output.table(written.tables, ["table", "rows"], title=written.folder),
    )


@app.command("check")
def check(ctx: typer.Context, folder: Folder) -> None:
    """Check a lake against the schema; count its contacts the database does not have."""
    from rapport.services.lake.checks import check_lake

    st = state(ctx)
    checked = check_lake(st.sessions, folder=folder)

    def human() -> None:
        output.table(checked.tables, ["table", "rows"], title=checked.folder)
        sample = ", ".join(checked.unknown_sample)
        output.stdout.print(
            f"Contact nos. not in the database: {checked.unknown_contacts}"
            + (f" ({sample})" if sample else "")
            + "."
        )

    output.result(checked, as_json=st.json, human=human)
