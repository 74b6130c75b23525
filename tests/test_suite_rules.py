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
