"""The test suite holds itself to its claims: CI runs every engine, and a parametrisation
that yields no case fails instead of passing silently (issue 11, item 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import running_in_ci

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "github-actions"])
def test_any_non_empty_ci_value_is_ci(value):
    assert running_in_ci({"CI": value})


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "  "}])
def test_no_ci_value_is_not_ci(environ):
    assert not running_in_ci(environ)


def test_an_empty_parametrisation_fails_at_collection(pytester):
    pytester.makepyfile(
        test_empty="""
        import pytest

        @pytest.mark.parametrize("value", [])
        def test_nothing(value):
            assert value
        """
    )
    result = pytester.runpytest_subprocess(
        "-c",
        str(PYPROJECT),
        "--rootdir",
        str(pytester.path),
        "-p",
        "no:cacheprovider",
        "test_empty.py",
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*Empty parameter set*"])


TESTS = Path(__file__).resolve().parent
STAND_INS = ("monkeypatch.setattr(", "mock.patch", "MagicMock(", "patch.object(")


def test_no_test_replaces_the_products_own_functions():
    """Issue 11, item 20: a test drives the real code to a real failure (a closed port, a
    refusing server, a folder that takes no files) instead of standing in for a function
    of the product. Environment variables and the working folder may still be set."""
    found = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_suite_rules.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(stand_in in line for stand_in in STAND_INS)
    ]
    assert found == []
