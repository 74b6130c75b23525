"""A reason a row of an imported file cannot be imported, and the refusal of a file with such
rows (K4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapport.errors import Invalid


@dataclass(frozen=True, order=True)
class BadRow:
    """One reason a row of a file cannot be imported; line 1 is the header."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.reason}"


class BadFile(Invalid):
    """The file has bad rows; nothing was imported. `bad_rows` lists every one."""

    def __init__(self, name: str, bad_rows: Iterable[BadRow]) -> None:
        self.bad_rows = tuple(sorted(bad_rows))
        count = len(self.bad_rows)
        lines = "\n".join(str(bad) for bad in self.bad_rows)
        super().__init__(
            f"{count} bad row{'s' if count != 1 else ''}; nothing imported\n{lines}", field=name
        )
