"""Arguments and options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Segment = Annotated[str, typer.Argument(help="Segment no., e.g. SEG00001.")]
OutputDir = Annotated[
    Path | None,
    typer.Option(
        "--output", help="Folder for hard copies (default: ./rapport-output/).", file_okay=False
    ),
]
