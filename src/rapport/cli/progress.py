"""Progress bars for long commands (issue 12 item 7): import, log with delivery and export
show a rich bar on stderr while they work, the same done/total the server's jobs report.

A bar is shown only to a person: when stdout is a terminal and the output is not --json;
otherwise the command runs without one (scripts and pipes see only the result). Rich's
progress module is imported when a bar is shown (SPEC §9: start-up).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rapport.cli import output

Update = Callable[[int, int | None], None]


def wanted(*, as_json: bool) -> bool:
    return not as_json and sys.stdout.isatty()


@contextmanager
def bar(description: str, *, as_json: bool) -> Iterator[Update | None]:
    """A bar named `description` while the block runs, fed by the `update(done, total)` it
    yields (total None: not known yet); None when no bar is wanted."""
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

        def update(done: int, total: int | None) -> None:
            shown.update(task, completed=done, total=total)

        yield update
