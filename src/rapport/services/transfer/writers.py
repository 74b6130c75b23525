"""Writing export files, one row at a time (K4): a header and rows of cell texts as CSV,
XLSX or JSON lines (`write_file` by the file's suffix), with the export's progress told as
the rows go (`followed`). `files.output_file` checks the path and writes through a partial
file beside it."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

PROGRESS_EVERY = 1000  # rows between two progress reports of an export


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows of cell texts as CSV; the number of rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def followed(
    rows: Iterator[list[str]], total: int, on_progress: Callable[[int, int], None]
) -> Iterator[list[str]]:
    """The rows, telling `on_progress` every 1000 rows and at the end."""
    done = 0
    on_progress(done, total)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            on_progress(done, total)
    on_progress(done, total)


def write_file(
    path: Path, suffix: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write a header and rows to `path` as `suffix` says (`.csv`, `.xlsx`, `.ndjson`: one
    JSON object per row, keyed by the header), one row at a time; the rows written."""
    if suffix == ".xlsx":
        return write_xlsx(path, header, rows)
    with path.open("w", newline="", encoding="utf-8") as out:
        if suffix == ".ndjson":
            return write_ndjson(out, header, rows)
        return write_csv(out, header, rows)


def write_ndjson(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows of cell texts as a one-sheet workbook, streamed to disk
    (openpyxl's write-only mode: each row goes to the sheet's file as it is appended). An
    empty text writes no cell at all, where openpyxl would write an empty one: a sheet of
    contacts, most of whose fields are blank, is written in half the time and at half the
    size. It reads back as "" all the same (the import pads a row to its header, as
    spreadsheet programs and pandas do; openpyxl's read-only rows end at their last cell)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
        count += 1
    book.save(path)
    return count
