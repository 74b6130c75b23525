"""A reason a row of an imported file cannot be imported, and the refusal of a file with such
rows (K4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapport.errors import N_, Invalid, Text, text_data


@dataclass(frozen=True)
class BadRow:
    """One reason a row of a file cannot be imported; line 1 is the header. The reason is a
    `Text`: English as `str(reason)`, said in a reader's language where it is shown."""

    line: int
    column: str
    reason: Text

    def __lt__(self, other: BadRow) -> bool:
        """In line and column order (then by reason, for two on one cell)."""
        if (self.line, self.column) != (other.line, other.column):
            return (self.line, self.column) < (other.line, other.column)
        return str(self.reason) < str(other.reason)

    def text(self) -> Text:
        """The bad row in a sentence ("line 3, column country: …")."""
        if self.column:
            return N_(
                "line {line}, column {column}: {reason}",
                line=self.line,
                column=self.column,
                reason=self.reason,
            )
        return N_("line {line}: {reason}", line=self.line, reason=self.reason)

    def data(self) -> dict[str, Any]:
        """The bad row as JSON data: its reason in English, and kept as its template and
        values (`reason_text`, `errors.text_data`) for a reader in another language."""
        return {
            "line": self.line,
            "column": self.column,
            "reason": str(self.reason),
            "reason_text": text_data(self.reason),
        }

    def __str__(self) -> str:
        return str(self.text())


class BadFile(Invalid):
    """The file has bad rows; nothing was imported. `bad_rows` lists every one."""

    def __init__(self, name: str, bad_rows: Iterable[BadRow]) -> None:
        self.bad_rows = tuple(sorted(bad_rows))
        count = len(self.bad_rows)
        if count == 1:
            headline = N_("1 bad row; nothing imported")
        else:
            headline = N_("{count} bad rows; nothing imported", count=count)
        super().__init__(
            [headline, *(bad.text() for bad in self.bad_rows)], field=name, joined="\n"
        )
