"""The one place the CLI writes: results on stdout (text or JSON), messages on stderr.

Services return typed results (frozen dataclasses); they are written as JSON by one
function, `plain` (their fields, as `dataclasses.asdict` gives them), so the JSON shapes of
SPEC §6 are the results' fields and no command reshapes them.

Rich is imported when text is written for people on a terminal (a table, a line, a
message), not for JSON nor for text written to a file or a pipe, where a card's fields and
a table's rows are plain aligned columns and a line is written as it is (SPEC §9: start-up;
a script that runs `rapport segment add … >> log` does not load rich); a warning and an
error are drawn by rich wherever they go. `json` is imported when JSON is written
(`rapport --help` needs neither). The two rich consoles are made on first use; `stderr` is
the progress bars'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import is_dataclass
from decimal import Decimal
from functools import cache
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    stderr: Console


@cache
def _console(name: str) -> Console:
    from rich.console import Console

    # Markup and emoji codes off: names, codes and messages hold user text, and a `[/b]` or
    # `:smile:` in a contact's name must print as itself, not as a style or a picture.
    return Console(
        stderr=name == "stderr", soft_wrap=True, highlight=False, markup=False, emoji=False
    )


def __getattr__(name: str) -> Any:
    if name == "stderr":
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def plain(value: Any) -> Any:
    """A typed result (a dataclass) as plain data: its fields, by name, in order, and the
    results, lists and tuples inside it alike (as `dataclasses.asdict`, without its copy of
    every value: a membership log of 500,000 events spent 170 s copying)."""
    if type(value) in _LEAVES:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if type(value) in (list, tuple):
        return type(value)(plain(item) for item in value)
    if type(value) is dict:
        return {key: plain(item) for key, item in value.items()}
    return value


_LEAVES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, Decimal})


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # with its offset, as the API writes it
        from rapport.domain.dates import in_utc

        return in_utc(value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if is_dataclass(value) and not isinstance(value, type):
        return plain(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def write_json_lines(rows: Iterable[Any]) -> None:
    """A JSON array written row by row, so a million rows never sit in memory together."""
    import json

    out = sys.stdout
    out.write("[")
    for index, row in enumerate(rows):
        out.write(
            ("," if index else "") + "\n  " + json.dumps(row, default=_default, ensure_ascii=False)
        )
    out.write("\n]\n")


def write_json_with_rows(fields: Mapping[str, Any], key: str, rows: Iterable[Any]) -> None:
    """A JSON object whose `key` holds rows written one by one (flat memory)."""
    import json

    head = json.dumps(dict(fields), default=_default, ensure_ascii=False, indent=2)
    sys.stdout.write(head[:-2] + f',\n  "{key}": ')
    write_json_lines(rows)
    sys.stdout.write("}\n")


def counted(number: int, noun: str, plural: str = "") -> str:
    """`number` and `noun` in its number: "1 line", "2 lines" ("0 lines"); `plural` when it
    is not the noun with an s ("entry", "entries")."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def say(text: str = "") -> None:
    """A line for people on stdout, never read as markup: through rich on a terminal (which
    expands tabs and drops control characters), written as it is to a file or a pipe."""
    _line(sys.stdout, "stdout", text)


def message(text: str) -> None:
    """A human message: stderr, so stdout stays machine-readable with --json."""
    _line(sys.stderr, "stderr", text)


def _line(stream: TextIO, name: str, text: str) -> None:
    if stream.isatty():
        _console(name).print(text)
    else:
        stream.write(text + "\n")


def warning(text: str) -> None:
    """A warning: the command ran, but something in its input deserves a look (stderr)."""
    from rich.markup import escape

    _console("stderr").print(
        f"[bold yellow]warning:[/] {escape(text)}", markup=True, highlight=False
    )


def error(text: str) -> None:
    from rich.markup import escape

    _console("stderr").print(f"[bold red]error:[/] {escape(text)}", markup=True, highlight=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(_default(value)) if isinstance(value, dt.date | Decimal) else str(value)


def table(rows: Iterable[Any], columns: Sequence[str], *, title: str = "") -> None:
    """Rows (typed results or mappings) as a table of `columns`: drawn by rich on a
    terminal, as plain aligned columns (every value whole) in a file or a pipe."""
    cells = ([_cell(value.get(column)) for column in columns] for value in map(plain, rows))
    if not sys.stdout.isatty():
        _plain_table(cells, columns, title=title)
        return
    from rich.table import Table

    grid = Table(title=title or None, show_lines=False)
    for column in columns:
        grid.add_column(column)
    for values in cells:
        grid.add_row(*values)
    _console("stdout").print(grid)


WIDTH_ROWS = 1_000  # a plain table's column widths come from its first rows


def _plain_table(cells: Iterator[list[str]], columns: Sequence[str], *, title: str) -> None:
    """Aligned columns, every value whole, streamed: the widths are those of the header and
    the first WIDTH_ROWS rows, and a longer value further down widens its own line only, so
    a table of a million rows never sits in memory."""
    first = list(islice(cells, WIDTH_ROWS))
    widths = [max([len(c), *(len(row[i]) for row in first)]) for i, c in enumerate(columns)]
    out = sys.stdout
    if title:
        out.write(f"\n{title}\n")
    for values in chain([list(columns)], first, cells):
        line = "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()
        out.write(line + "\n")


def result(data: Any, *, as_json: bool, human: Callable[[], None]) -> None:
    """Print `data` as JSON with --json, else call `human` to render it for people."""
    if as_json:
        write_json(data)
    else:
        human()


def fields(values: Mapping[str, Any]) -> None:
    """One `field  value` line each: through rich on a terminal, as plain text otherwise."""
    width = max((len(k) for k in values), default=0)
    for key, value in values.items():
        say(f"{key.ljust(width)}  {_cell(value)}")


def counts(values: Mapping[str, int], *, none: str = "none") -> str:
    """The non-zero counts in words: `{"sent": 2, "opted_out": 1}` → "2 sent, 1 opted out"."""
    words = [f"{n} {name.replace('_', ' ')}" for name, n in values.items() if n]
    return ", ".join(words) or none
