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
it is. Every other value (numbers, dates, booleans, enums typed on the command line,
paths, lists) goes through Typer's adapter as before. Nothing changes when Typer's internals differ
from 0.29's.
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
