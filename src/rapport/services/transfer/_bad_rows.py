"""A reason a row of an imported file cannot be imported (K4)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class BadRow:
    """One reason a row of a file cannot be imported; line 1 is the header."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.reason}"
