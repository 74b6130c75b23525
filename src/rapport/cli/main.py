"""The root `rapport` command: global options, sub-apps per noun, errors → exit status.

Exit status: 0 success; 1 a user error (one line on stderr, nothing changed), a bad option
or argument value included; 2 a usage error rejected by the argument parser (an unknown
command or option, a missing argument).
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from rapport.cli import (
    campaigns,
    codes,
    contacts,
    criteria,
    demo,
    followup,
    interactions,
    logged,
    segments,
    serve,
    setup,
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


app.add_typer(contacts.app, name="contacts")
app.add_typer(segments.app, name="segment")
app.add_typer(campaigns.app, name="campaign")
app.add_typer(followup.opportunities, name="opportunities")
app.add_typer(followup.tasks, name="tasks")
app.add_typer(logged.app, name="logged")
app.add_typer(interactions.app, name="interactions")
app.add_typer(templates.app, name="template")
app.add_typer(criteria.app, name="criteria")
app.add_typer(codes.app, name="codes")
app.add_typer(setup.app, name="setup")
app.command("import")(transfer.import_table)
app.command("export")(transfer.export_table)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.add_typer(users.users, name="user")
app.add_typer(users.tokens, name="token")
app.add_typer(users.audit, name="audit")


def not_utf8(argv: list[str]) -> str | None:
    """The message for the first argument that is not UTF-8 text (Python hands its bytes
    over as lone surrogates, which no database, file or terminal accepts), else None."""
    for position, argument in enumerate(argv, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raw = argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return f"argument {position} ({raw}) is not valid UTF-8 text"
    return None


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit status."""
    bad = not_utf8(sys.argv[1:] if argv is None else argv)
    if bad:
        error(bad)
        return 1
    try:
        status = app(args=argv, prog_name="rapport", standalone_mode=False)
    except typer.BadParameter as exc:
        if type(exc) is not typer.BadParameter:  # a missing parameter: a usage error
            return _usage_error(exc)
        # SPEC §6: a bad option or argument value is a user error, like any other bad input.
        error(exc.format_message())
        return 1
    except typer.TyperException as exc:
        return _usage_error(exc)
    except typer.Abort:
        error("aborted")
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RapportError as exc:
        error(exc.message)
        return 1
    except Exception:
        logging.getLogger("rapport").exception("unexpected error")
        return 3
    return status if isinstance(status, int) else 0


def _usage_error(exc: typer.TyperException) -> int:
    """What the argument parser rejects (an unknown command or option, a missing argument):
    Typer's usage message, exit status 2."""
    from typer import rich_utils

    rich_utils.rich_format_error(exc)  # type: ignore[arg-type]
    return int(getattr(exc, "exit_code", 2))


def main() -> None:
    sys.exit(run())
