"""The root `rapport` command: global options, sub-apps per noun, errors → exit status.

Exit status: 0 success; 1 a user error (one line on stderr, nothing changed); 2 a usage
error rejected by the argument parser.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from rapport.cli import (
    campaigns,
    contacts,
    demo,
    followup,
    interactions,
    logged,
    segments,
    serve,
    templates,
    transfer,
    users,
)
from rapport.cli.output import error
from rapport.cli.state import State
from rapport.errors import RapportError
from rapport.settings import Settings

app = typer.Typer(
    name="rapport",
    help="Rapport: contacts, segments, interactions and campaigns.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (default: sqlite:///rapport.db; or RAPPORT_DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout.")
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Act as this user (default: $USER).")
    ] = None,
) -> None:
    """Relationship management for marketing and sales teams."""
    ctx.obj = State(Settings.load(database_url=db, user=user), json=json_output)
    ctx.call_on_close(ctx.obj.close)


app.add_typer(contacts.app, name="contacts")
app.add_typer(segments.app, name="segment")
app.add_typer(campaigns.app, name="campaign")
app.add_typer(followup.opportunities, name="opportunities")
app.add_typer(followup.tasks, name="tasks")
app.add_typer(logged.app, name="logged")
app.add_typer(interactions.app, name="interactions")
app.add_typer(templates.app, name="template")
app.command("import")(transfer.import_table)
app.command("export")(transfer.export_table)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.add_typer(users.users, name="user")
app.add_typer(users.tokens, name="token")
app.add_typer(users.audit, name="audit")


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit status."""
    try:
        app(args=argv, prog_name="rapport")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RapportError as exc:
        error(exc.message)
        return 1
    except Exception:
        logging.getLogger("rapport").exception("unexpected error")
        return 3
    return 0


def main() -> None:
    sys.exit(run())
