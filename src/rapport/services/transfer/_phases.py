"""The phases of an import, in the order they run, as its progress names them (K4).

The import's `on_progress(done, total, phase)` follows the rows read, chunk by chunk, while
the file streams in (`READING`); the set-based work after it takes tens of seconds at a
million rows and has no rows to count, so each of its steps is reported by name as it
starts, with the rows read as `done` and no total. A first load of contacts builds the
indexes it dropped (`BUILDING_INDEXES`); no other import does. When the table refuses a
first load's row (a key repeated in the file), the file is read again from its start
through the staging table, whose checks name every such row: that reading counts from 0
as `READING_AGAIN`. `DONE` comes once the transaction has committed, with the rows handled
as both `done` and `total`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    READING = "reading the file"
    READING_AGAIN = "reading the file again (a key repeats)"
    CHECKING = "checking the rows"
    WRITING = "writing the rows"
    BUILDING_INDEXES = "building the indexes"
    ANALYZING = "updating the statistics"
    COMMITTING = "committing"
    DONE = "done"


OnProgress = Callable[[int, int | None, Phase], None]
OnPhase = Callable[[Phase], None]


def nothing(_phase: Phase) -> None:
    """The phase report of an import that nobody follows."""


@dataclass
class Phases:
    """The reports of an import's progress: the records read (in `reading`), and each
    phase after reading as it starts (no total)."""

    on_progress: OnProgress | None
    read: int = 0
    reading: Phase = Phase.READING  # the phase the rows read are reported in

    def __call__(self, phase: Phase) -> None:
        if self.on_progress:
            self.on_progress(self.read, None, phase)

    def rows_read(self, count: int) -> None:
        """Count `count` more records read, and report the records read so far."""
        self.read += count
        if self.on_progress:
            self.on_progress(self.read, None, self.reading)
