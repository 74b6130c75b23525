"""Arguments and options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
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


Where = Annotated[str, typer.Option("--where", help="Criteria (see docs/criteria-language.md).")]
Preview = Annotated[bool, typer.Option("--preview", help="Show the counts; change nothing.")]
EntireCompanies = Annotated[
    bool, typer.Option("--entire-companies", help="Match and remove whole companies.")
]
KeepCriteria = Annotated[
    bool,
    typer.Option(
        "--keep-criteria", help="Keep the criteria actions when the segment becomes empty."
    ),
]
Yes = Annotated[bool, typer.Option("--yes", help="Go ahead although the segment has criteria.")]


class EngineName(StrEnum):
    """Where criteria run: in the database, or on Spark over a Parquet lake."""

    DATABASE = "database"
    SPARK = "spark"


Engine = Annotated[
    EngineName,
    typer.Option(
        "--engine",
        help="Where the criteria run: database, or spark over a Parquet lake (the spark extra).",
    ),
]
Lake = Annotated[
    Path | None,
    typer.Option("--lake", help="The lake's folder (--engine spark; see `rapport lake`)."),
]
Master = Annotated[
    str,
    typer.Option(
        "--master",
        help="Spark master: local[*], spark://HOST:PORT, yarn …, sc://HOST:PORT (lake serve).",
    ),
]
