"""The command line as a test runs it: `rapport --db URL ARGS…` in the test's process,
answering its exit status, what it wrote to stdout and what to stderr."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapport.cli.main import run

CommandLine = Callable[..., tuple[int, str, str]]


def command_line(url: str, capsys: Any) -> CommandLine:
    """`call(*args)`: `rapport --db url *args`, its (exit status, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = run(["--db", url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call
