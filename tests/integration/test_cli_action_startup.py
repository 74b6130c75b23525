"""Start-up of a segment action (SPEC §9, S5, S8): an option left at its enumeration default
(`--engine database`) is that member as it is, and a whole number written plainly
(`undo --to 0`) is that number, so neither command imports pydantic for Typer's
conversion; any other value typed on the command line is still converted, and refused, by
Typer's own adapter (a bounded number, a word where a number goes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


def test_s8_x10_an_undo_to_a_whole_number_builds_no_pydantic_adapter(with_segment):  # noqa: F811
    add = ("segment", "add", "SEG00001", "--where", "name = Acme")
    subprocess.run([sys.executable, "-m", "rapport", "--db", with_segment, *add], check=True)
    undo = ("segment", "undo", "SEG00001", "--to", "0")
    modules = imported_modules("--db", with_segment, "--json", *undo)
    assert "rapport.services.segments.history" in modules
    assert loaded(modules, ("pydantic",)) == set()
    show = ("--json", "segment", "show", "SEG00001")
    shown = subprocess.run(
        [sys.executable, "-m", "rapport", "--db", with_segment, *show],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"no_of_lines": 0' in shown.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("segment", "undo", "SEG00001", "--to", "x"), "Input should be a valid integer"),
        (("contacts", "list", "--limit", "-1"), "greater than or equal to 0"),
    ],
    ids=["a-word", "below-its-bound"],
)
def test_x10_a_number_typer_must_check_is_still_refused_in_its_words(database, args, words):  # noqa: F811
    done = subprocess.run(
        [sys.executable, "-m", "rapport", "--db", database, *args], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert f"Invalid value for '{args[-2]}': " in done.stderr
    assert words in done.stderr
