"""Progress bars for long commands (issue 12 item 7): import, log with delivery and export
show a rich bar on stderr while they work, the same done/total the server's jobs report.

An import names its phase beside the bar: reading the file, then each step of the work
after it (checking, writing, building the indexes, …), which has no rows to count.

A bar is shown only to a person: when stdout is a terminal and the output is not --json;
otherwise the command runs without one (scripts and pipes see only the result). Rich's
progress module is imported when a bar is shown (SPEC §9: start-up).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rapport.cli import output


class Update(Protocol):
    """How far the work is: `done` of `total` (None: not known), and the `phase` it is in
    when it names one."""

    def __call__(self, done: int, total: int | None, phase: str | None = None) -> None: ...


def wanted(*, as_json: bool) -> bool:
    return not as_json and sys.stdout.isatty()


@contextmanager
def bar(description: str, *, as_json: bool) -> Iterator[Update | None]:
    """A bar named `description` while the block runs, fed by the `update(done, total,
    phase)` it yields (total None: not known yet; the phase, if any, follows the
    description); None when no bar is wanted."""
    if not wanted(as_json=as_json):
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=output.stderr, transient=True) as shown:
        task = shown.add_task(description, total=None)

        def update(done: int, total: int | None, phase: str | None = None) -> None:
            named = f"{description}: {phase}" if phase else description
            shown.update(task, completed=done, total=total, description=named)

        yield update
