"""The root `rapport` command: global options, sub-apps per noun, errors → exit status.

This is the CLI's one mapping of the error tree (`rapport.errors`): a `RapportError` becomes
one stderr line, the field it names shown as this command line's own flag, and exit status
1; anything else is an internal error whose traceback goes to a file (exit status 3). The
statuses are listed in `rapport --help`.

Each sub-command's module is imported when it is the one run (`SUB_COMMANDS`): Typer builds
the whole tree of commands, with every parameter, on each start, so `rapport contacts show`
builds the contacts commands only (SPEC §9: start-up). A command line that runs no
sub-command (`rapport --help`, a usage error) builds each group as its outline, without its
commands: the root's help shows a group's name and help only, and converting the 92
commands' parameters was a third of `rapport --help`. Likewise a group's command is the
only one of the group built when it is the one run (`rapport segment list` built the
segment group's 29 commands). `app`, the whole command line, is built on first use (the
reference in docs/cli.md, the tests).
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.main import get_command_name

from rapport.cli import collector
from rapport.cli._typer import install
from rapport.cli.output import error
from rapport.cli.state import State
from rapport.errors import DeliveryFailed, Invalid, NotFound, RapportError, Unconfirmed
from rapport.settings import Settings

install()  # text parameters without pydantic (start-up, SPEC §9)

EXIT_STATUSES = (
    "Exit status: 0 done; 1 a user error (one line on stderr, nothing changed); 2 a usage "
    "error (a bad option or argument); 3 an internal error (one line on stderr naming the "
    "file the details were written to)."
)

# The sub-commands in the order `rapport --help` lists them: a group's module (in
# rapport.cli) and its Typer app, or a command's module and function.
SUB_COMMANDS: dict[str, tuple[str, str]] = {
    "contacts": ("contacts", "app"),
    "segment": ("segments", "app"),
    "campaign": ("campaigns", "app"),
    "opportunities": ("followup", "opportunities"),
    "tasks": ("followup", "tasks"),
    "logged": ("logged", "app"),
    "interactions": ("interactions", "app"),
    "template": ("templates", "app"),
    "criteria": ("criteria", "app"),
    "codes": ("codes", "app"),
    "profile": ("profile", "app"),
    "lake": ("lake", "app"),
    "setup": ("setup", "app"),
    "import": ("transfer", "import_table"),
    "export": ("transfer", "export_table"),
    "demo": ("demo", "demo"),
    "serve": ("serve", "serve"),
    "user": ("users", "users"),
    "token": ("users", "tokens"),
    "audit": ("users", "audit"),
}
# The root options that take a value (the next argument is not a command).
VALUED = {"--db", "--user"}


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


@cache
def build(
    names: tuple[str, ...] = tuple(SUB_COMMANDS), *, outlines: bool = False, only: str = ""
) -> typer.Typer:
    """The root command with the sub-commands `names` (all by default); with `outlines`,
    each group without its commands, with `only`, each group with its command `only`
    alone, when it has one by that name (see the module's docstring)."""
    built = typer.Typer(
        name="rapport",
        help="Rapport: contacts, segments, interactions and campaigns.",
        epilog=EXIT_STATUSES,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    built.callback()(root)
    for name in names:
        module, attribute = SUB_COMMANDS[name]
        target = getattr(import_module(f"rapport.cli.{module}"), attribute)
        if isinstance(target, typer.Typer):
            built.add_typer(outline(target, keep=None if outlines else only), name=name)
        else:
            built.command(name)(target)
    return built


def outline(group: typer.Typer, *, keep: str | None = None) -> typer.Typer:
    """`group` without its commands (its name, help and options: all the root's help and
    a usage error show of it), or with its command (or group) `keep` alone; `group`
    itself when `keep` is "" or names none of its commands."""
    commands = [c for c in group.registered_commands if keep in {None, _name(c)}]
    groups = [g for g in group.registered_groups if keep in {None, g.name}]
    if keep == "" or (keep and not commands and not groups):
        return group
    bare = copy.copy(group)
    bare.registered_commands = [] if keep is None else commands
    bare.registered_groups = [] if keep is None else groups
    return bare


def _name(command: CommandInfo) -> str | None:
    """A command's name as Typer gives it (the function's name, dashed, by default)."""
    if command.name:
        return command.name
    return get_command_name(command.callback.__name__) if command.callback else None


def command_line(argv: Sequence[str]) -> tuple[str | None, str]:
    """The sub-command `argv` runs, when it is one of `SUB_COMMANDS` and no root `--help`
    comes before it (the root's help lists them all), else None; and the argument after
    it, when that is not an option (the command of a group), else ""."""
    position = 0
    while position < len(argv):
        argument = argv[position]
        if argument in VALUED:
            position += 2
        elif argument.startswith("-"):
            if argument in {"--help", "--"}:
                return None, ""
            position += 1
        elif argument not in SUB_COMMANDS:
            return None, ""
        else:
            following = argv[position + 1] if position + 1 < len(argv) else ""
            return argument, "" if following.startswith("-") else following
    return None, ""


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole command line
        return build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from typer.models import CommandInfo

    app: typer.Typer


def _loaded(argv: Iterable[str]) -> typer.Typer:
    name, following = command_line(list(argv))
    return build((name,), only=following) if name else build(outlines=True)


# The service fields and parameters that have another name on the command line.
FLAGS = {
    "database_url": "--db",
    "database": "--db",
    "to_action": "--to",
    "by": "--by",
    "criteria": "--where",
    "where": "--where",
    "table": "TABLE",
    "file": "FILE",
    "contacts": "--contacts",
    "min_score": "--min-score",
    "other_no": "OTHER",
    "engine": "--engine",
    "lake": "--lake",
    "master": "--master",
    "port": "--port",
    "status": "--status",
}


def error_line(exc: RapportError) -> str:
    """The one line a user error prints: the flag (or field) and the position it is about,
    then the message. A record that is not there is said in Business Central's words, which
    name it and its key; the input that named it is put first only when it is a flag or an
    argument the user typed (`OTHER: Contact CT9 does not exist.`), never a service's field
    name the command line does not show."""
    if isinstance(exc, DeliveryFailed):
        return f"{exc.message} Resend with `rapport logged resend {exc.entry_no}`."
    if isinstance(exc, NotFound) and exc.field in FLAGS:
        return f"{FLAGS[exc.field]}: {exc.message}"
    if not isinstance(exc, Invalid):
        return exc.message
    prefix = ""
    if exc.field:
        prefix += f"{FLAGS.get(exc.field, exc.field)}: "
    if exc.position:
        line, column = exc.position
        prefix += f"line {line}, col {column}: "
    return prefix + exc.message


def report_internal_error() -> str:
    """Write the traceback of the exception being handled to a file; return its path."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile(
        "w", prefix="rapport-error-", suffix=".log", delete=False, encoding="utf-8"
    ) as file:
        traceback.print_exc(file=file)
    return file.name


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


def json_first(argv: list[str]) -> list[str]:
    """`--json` where a user writes it: after the command too (`rapport segment show S
    --json`), not only before it, where the option is declared. Every `--json` before a
    `--` becomes the one in front; the arguments keep their order."""
    end = argv.index("--") if "--" in argv else len(argv)
    rest = [argument for argument in argv[:end] if argument != "--json"]
    if len(rest) == end:
        return argv
    return ["--json", *rest, *argv[end:]]


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit status."""
    bad = not_utf8(sys.argv[1:] if argv is None else argv)
    if bad:
        error(bad)
        return 1
    argv = json_first(sys.argv[1:] if argv is None else argv)
    try:
        application = _loaded(argv)
        status = application(args=argv, prog_name="rapport", standalone_mode=False)
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
        # BC's question not answered: the command line answers it with --yes
        error(error_line(exc.named("--yes") if isinstance(exc, Unconfirmed) else exc))
        return 1
    except Exception as exc:
        path = report_internal_error()
        error(f"internal error ({type(exc).__name__}); the details are in {path}")
        return 3
    return status if isinstance(status, int) else 0


def _usage_error(exc: typer.TyperException) -> int:
    """What the argument parser rejects (an unknown command or option, a missing argument):
    Typer's usage message, exit status 2."""
    from typer import rich_utils

    rich_utils.rich_format_error(exc)  # type: ignore[arg-type]
    return int(getattr(exc, "exit_code", 2))


def main() -> None:
    collector.starting()
    status = run()
    collector.done()
    sys.exit(status)
