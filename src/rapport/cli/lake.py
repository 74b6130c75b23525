"""`rapport lake export|check|serve`: the contact base as a Parquet lake for the Spark engine
(issue 16), the check of a lake written by Rapport or by other tools, and the Spark Connect
server that runs the lake's jobs for the commands, started once (`--master sc://HOST:PORT`).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

app = typer.Typer(
    no_args_is_help=True,
    help="The Parquet lake the Spark engine reads: export, check; serve the Spark engine.",
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
        output.say(
            f"Contact nos. not in the database: {checked.unknown_contacts}"
            + (f" ({sample})" if sample else "")
            + "."
        )

    output.result(checked, as_json=st.json, human=human)


@app.command("serve")
def serve(
    ctx: typer.Context,
    master: Annotated[
        str, typer.Option("--master", help="The Spark master the server runs on.")
    ] = "local[*]",
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (no authentication: loopback).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 15002,
    memory: Annotated[str, typer.Option("--memory", help="The server's JVM heap.")] = "2g",
) -> None:
    """Run Spark for the lake's actions until Ctrl-C: start-up and JIT are paid once."""
    import signal

    from rapport.errors import Conflict
    from rapport.storage import spark_connect

    st = state(ctx)
    plan = spark_connect.ServerPlan(master, host, port, memory)

    # SIGTERM stops it as Ctrl-C does (the server runs in its own session: this process
    # stops it, so that it is never left running).
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with spark_connect.running(plan) as server:
            ready = ServerReady(plan.url, plan.master, server.pid)
            output.result(ready, as_json=st.json, human=lambda: _print_ready(ready))
            status = server.wait()
    except KeyboardInterrupt:
        output.message("The Spark Connect server stopped.")
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    raise Conflict(f"the Spark Connect server stopped by itself (exit status {status})")


@dataclass(frozen=True)
class ServerReady:
    """A Spark Connect server that listens: the `--master` to give, the master it runs on,
    its process."""

    master: str
    spark_master: str
    pid: int


def _print_ready(ready: ServerReady) -> None:
    output.say(f"--master {ready.master}")
    output.message(
        f"Spark Connect serves the lake engine on {ready.spark_master} (process {ready.pid}): "
        f"run the lake's actions with --engine spark --master {ready.master}. "
        "Ctrl-C stops it."
    )
