"""The cyclic garbage collector of a command line process (SPEC §9: start-up).

Start-up makes few objects that die in reference cycles and many that live as long as the
process (modules, tables, the command tree, the connection), so the collector walks them
for nothing. With Python's default threshold (700 new objects) it ran a full collection
while the schema's tables were built. A command line process therefore:

- collects young garbage only after `START_UP_THRESHOLD` new objects while it starts: a
  command that reads one contact makes about 93,000 in all, a criteria action about
  105,000 (the criteria engine and lark), which at 100,000 cost one collection walking
  them all, 21–23 ms of `rapport segment reduce`;
- once it opens its database (`started`, before the connection: creating and migrating a
  new database makes garbage in cycles), freezes what start-up made and collects the
  command's own young garbage after `THRESHOLD` new objects: a 20k-contact `rapport demo`
  on a new file peaks 15 MB higher with 150,000 than with 100,000 (165 against 150 MB),
  about 10 MB higher with 100,000 than with 50,000;
- once the command is done (`done`), freezes its objects: the interpreter's exit then
  frees them without walking them again in its last collections (the exit took a quarter
  of `rapport contacts show`).

Files and connections are closed by the commands themselves (`with`, `State.close`), not
by the collector at exit. A long-running server goes back to the interpreter's own
threshold once started (`serve`): its requests make garbage for hours.
"""

from __future__ import annotations

import gc

START_UP_THRESHOLD = 150_000
THRESHOLD = 100_000
INTERPRETER_THRESHOLD = gc.get_threshold()


def _young(threshold: int) -> None:
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


def starting() -> None:
    """The process starts: young garbage waits for `START_UP_THRESHOLD` new objects."""
    _young(START_UP_THRESHOLD)


def started() -> None:
    """The command opens its database: what start-up made is frozen (which also starts the
    count of new objects again), and the command's own young garbage waits for
    `THRESHOLD`."""
    gc.freeze()
    _young(THRESHOLD)


def done() -> None:
    """The command is done: its objects are frozen for the interpreter's exit."""
    gc.freeze()


def serving() -> None:
    """A server runs for hours: the interpreter's own thresholds."""
    gc.set_threshold(*INTERPRETER_THRESHOLD)
