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


ERRORS_SHOWN = 20  # the errors a refusal's message lists; its `bad_rows` keeps every one


def rows_of(bad_rows: Iterable[BadRow]) -> int:
    """How many rows of the file are bad: a row with several bad cells is one bad row, with
    one `BadRow` per error (K4)."""
    return len({bad.line for bad in bad_rows})


def refusal(rows: int, errors: int) -> Text:
    """K4: an import's refusal in a sentence, the one way it is worded (the error's headline,
    the command line's, a failed import job's on its page): its `rows` bad rows, and its
    `errors` when a row has several; nothing imported."""
    if rows == errors:
        if rows == 1:
            return N_("1 bad row; nothing imported")
        return N_("{count} bad rows; nothing imported", count=rows)
    if rows == 1:
        return N_("1 bad row ({errors} errors); nothing imported", errors=errors)
    return N_("{count} bad rows ({errors} errors); nothing imported", count=rows, errors=errors)


class BadFile(Invalid):
    """The file has bad rows; nothing was imported. `bad_rows` lists every error, in line
    and column order (a row may hold several); the message counts the rows (`headline`, the
    `refusal`) and lists the first `ERRORS_SHOWN` errors, so a file refused on every row
    does not drown its reader."""

    def __init__(self, name: str, bad_rows: Iterable[BadRow]) -> None:
        self.bad_rows = tuple(sorted(bad_rows))
        self.headline = refusal(rows_of(self.bad_rows), len(self.bad_rows))
        listed = [bad.text() for bad in self.bad_rows[:ERRORS_SHOWN]]
        more = len(self.bad_rows) - ERRORS_SHOWN
        if more > 0:
            listed.append(N_("… and {count} more", count=more))
        super().__init__([self.headline, *listed], field=name, joined="\n")
