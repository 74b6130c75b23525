"""Arguments and options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rapport.errors import Invalid

Segment = Annotated[str, typer.Argument(help="Segment no., e.g. SEG00001.")]
OutputDir = Annotated[
    Path | None,
    typer.Option(
        "--output", help="Folder for hard copies (default: ./rapport-output/).", file_okay=False
    ),
]
Assignments = Annotated[list[str], typer.Argument(help="FIELD=VALUE, applied in order.")]
OptionalAssignments = Annotated[
    list[str] | None, typer.Argument(help="FIELD=VALUE, applied in order.", show_default=False)
]


def assignments(pairs: list[str] | None) -> list[tuple[str, str]]:
    """FIELD=VALUE arguments, in the order given."""
    result = []
    for pair in pairs or []:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise Invalid(f"expected FIELD=VALUE, got {pair!r}")
        result.append((field.strip(), value))
    return result
