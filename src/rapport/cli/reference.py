"""The CLI reference (docs/cli.md), generated from the real --help output of every command."""

from __future__ import annotations

import os

import typer
from typer.testing import CliRunner


def _commands(group: object, path: list[str]) -> list[list[str]]:
    found = [path]
    commands = getattr(group, "commands", {})
    for name in sorted(commands):
        found.extend(_commands(commands[name], [*path, name]))
    return found


def cli_reference() -> str:
    """Markdown with the --help text of `rapport` and of each sub-command, in name order."""
    from rapport.cli.main import app

    os.environ["COLUMNS"] = "100"
    os.environ["TERMINAL_WIDTH"] = "100"
    runner = CliRunner()
    root = typer.main.get_command(app)
    parts = [
        "# rapport command line\n\nGenerated from `--help` by `make docs`; "
        "a test fails when it is stale.\n"
    ]
    for path in _commands(root, []):
        result = runner.invoke(
            app,
            [*path, "--help"],
            prog_name="rapport",
            env={"NO_COLOR": "1", "COLUMNS": "100", "TERMINAL_WIDTH": "100"},
        )
        title = " ".join(["rapport", *path])
        body = "\n".join(line.rstrip() for line in result.output.splitlines()).strip()
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def main() -> None:
    """Write docs/cli.md (used by `make docs`)."""
    from pathlib import Path

    Path("docs/cli.md").write_text(cli_reference())


if __name__ == "__main__":
    main()
