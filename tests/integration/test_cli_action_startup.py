"""Start-up of a segment action (SPEC §9, S5): an option left at its enumeration default
(`--engine database`) is that member as it is, so a refine given only its criteria does not
import pydantic for Typer's conversion; a value typed on the command line is still
converted, and refused, by Typer's own adapter."""

from __future__ import annotations

import subprocess
import sys

from tests.integration.test_cli_startup import (  # noqa: F401
    database,
    imported_modules,
    loaded,
    with_segment,
)


def test_s5_x10_a_refine_with_its_defaults_builds_no_pydantic_adapter(with_segment):  # noqa: F811
    where = ("--where", "name = Acme")
    modules = imported_modules(
        "--db", with_segment, "--json", "segment", "refine", "SEG00001", *where
    )
    assert "rapport.services.segments.actions" in modules
    assert loaded(modules, ("pydantic",)) == set()


def test_s5_an_engine_typed_on_the_command_line_is_still_checked(database):  # noqa: F811
    done = subprocess.run(
        [
            *(sys.executable, "-m", "rapport", "--db", database, "segment", "refine", "SEG00001"),
            *("--where", "name = Acme", "--engine", "bogus"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "'bogus' is not one of 'database', 'spark'" in done.stderr
