"""The test suite holds itself to its claims: CI runs every engine, and a parametrisation
that yields no case fails instead of passing silently (issue 11, item 23)."""

from __future__ import annotations

import ast
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
PATCHERS = {"setattr", "setitem", "patch", "object"}


def _product_names(tree: ast.Module) -> set[str]:
    """The names a test module binds to Rapport's own modules, classes and functions."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rapport"):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name.startswith("rapport")
            )
    return names


def _replaces_product(call: ast.Call, product: set[str]) -> bool:
    function = call.func
    if not (isinstance(function, ast.Attribute) and function.attr in PATCHERS) or not call.args:
        return False
    target = call.args[0]
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return target.value.startswith("rapport")
    root = target
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id in product


def test_no_test_replaces_the_products_own_functions():
    """Issue 11, item 20: a test drives the real code to a real failure (a closed port, a
    refusing server, a folder that takes no files) instead of standing in for a function
    of the product (`monkeypatch.setattr(delivery, "deliver", …)`, `mock.patch("rapport…")`).
    Environment variables, standard input and the working folder may still be set."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text())
        product = _product_names(tree)
        found += [
            f"{path.relative_to(TESTS)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _replaces_product(node, product)
        ]
    assert found == []


MAKEFILE = TESTS.parent / "Makefile"


def _test_steps() -> list[str]:
    """The pytest commands of the Makefile's `test` target (the README's test command, which
    `.ci/run` calls), in order."""
    lines = MAKEFILE.read_text().splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("test:"))
    steps = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        if "pytest" in line:
            steps.append(line.strip())
    return steps


def test_x10_make_test_runs_every_test_the_timing_guards_by_themselves():
    """Issue 15, item 4: the ratio guards (marked `alone`) are not left out of CI by being
    taken out of the parallel run: `make test` runs the rest on two workers, then exactly
    them, on one process."""
    first, second = _test_steps()
    assert '-n 2 -m "not alone"' in first
    assert second.endswith("pytest -m alone")
    guards = (TESTS / "test_benchmark_guard.py").read_text()
    assert guards.count("@pytest.mark.alone") == 2
