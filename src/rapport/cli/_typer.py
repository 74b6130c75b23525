"""Typer without pydantic for the parameters a command is not given (SPEC §9: start-up).

Typer 0.29 converts each parameter through a pydantic `TypeAdapter`, built on first use,
even for an option left out (whose value is None and needs no conversion): importing
pydantic and building the adapters of `--db`, `--user`, `--help` and a contact no. took a
fifth of `rapport contacts show`. `install` makes that conversion lazy: a value that is
None stays None (as Typer's own conversion returns it) without building anything, and a
`str` (without a parser of its own) takes Typer's pass-through conversion — command-line
text is already `str`, and Typer's adapter for `str` only turns bytes into text, which
Python 3 never passes. A value that already is a member of the parameter's enumeration
(a default such as `--engine database`) is that member, which Typer's adapter returns as
it is. A whole number written plainly (`--to 0`, an entry no.: digits, an optional minus,
no leading zero, at most 18 digits) for an `int` without bounds is that number, which Typer's
adapter gives too: importing pydantic and building it took 60–70 ms of `rapport segment
undo SEG --to 0`. Every other value (other numbers, bounded ones, dates, booleans, enums
typed on the command line, paths, lists) goes through Typer's adapter as before, which also
words every refusal. Nothing changes when Typer's internals differ from 0.29's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


def install() -> None:
    """Make Typer's parameter conversion lazy (see the module's docstring)."""
    from typer import _coercion, core

    build: Any = getattr(core, "build_runtime_param", None)
    base: Any = getattr(_coercion, "RuntimeParam", None)
    passthrough: Any = getattr(_coercion, "PassThroughRuntimeParam", None)
    if build is None or base is None or passthrough is None or getattr(build, "lazy", False):
        return

    @dataclass(frozen=True)
    class LazyRuntimeParam(base):  # type: ignore[misc]
        """Typer's conversion, built when a value that is not None needs it."""

        descriptor: Any = None
        built: list[Any] = field(default_factory=list)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = self.descriptor.annotation
            if isinstance(kind, type) and issubclass(kind, Enum) and isinstance(value, kind):
                return value
            if kind is int and _plain_whole(value) and _unbounded(self.descriptor.parameter_info):
                return int(value)
            if not self.built:
                self.built.append(build(self.descriptor))
            return self.built[0]._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        args = {"annotation": descriptor.annotation, "parameter_info": info}
        if descriptor.file_annotation is not None:
            return build(descriptor)
        if descriptor.annotation is str and getattr(info, "parser", None) is None:
            return passthrough(**args)
        return LazyRuntimeParam(**args, descriptor=descriptor)

    build_runtime_param.lazy = True  # type: ignore[attr-defined]
    setattr(core, "build_runtime_param", build_runtime_param)  # noqa: B010


def _plain_whole(value: Any) -> bool:
    """Whether `value` is text of a whole number as anyone writes it: an optional minus,
    then ASCII digits without a leading zero (or 0 alone), at most 18 of them."""
    if type(value) is not str:
        return False
    digits = value[1:] if value.startswith("-") else value
    if not digits or len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
        return False
    return digits == "0" or not digits.startswith("0")


def _unbounded(info: Any) -> bool:
    """Whether a parameter has no bounds for Typer's adapter to check (min, max)."""
    return getattr(info, "min", None) is None and getattr(info, "max", None) is None
