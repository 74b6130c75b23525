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


def on_segment_world(url: str, capsys: Any, *, user: str = "admin") -> CommandLine:
    """`call(*args)`: `rapport --db url --user USER *args` on the segment world
    (tests/integration/segment_world.py), built in the database first."""
    from sqlalchemy.orm import sessionmaker

    from rapport.storage.db import make_engine
    from tests.integration.segment_world import build_world

    engine = make_engine(url)
    with sessionmaker(engine).begin() as session:
        build_world(session)
    engine.dispose()
    call = command_line(url, capsys)
    return lambda *args: call("--user", user, *args)
