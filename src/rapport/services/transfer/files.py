"""Reading and writing import/export files, CSV or XLSX by extension, one row at a time (K4).

A reader yields the header and then each record with the line number a user sees in a text
editor or in Excel, as cell texts; a writer takes rows of cell values. Neither holds more
than one row, so a million-row file costs no more memory than a ten-row one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from rapport.errors import Invalid

FORMATS = (".csv", ".xlsx")
CHUNK = 50_000
Chunk = tuple[list[int], list[list[str]]]


def file_format(path: Path) -> str:
    """`.csv` or `.xlsx` from the file name; Invalid for anything else."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise Invalid(f"{path.name}: expected a .csv or .xlsx file", where="FILE")
    return suffix


@contextmanager
def records(path: Path) -> Iterator[tuple[list[str], Iterator[Chunk]]]:
    """The header of the file at `path` and its non-empty records in chunks, each chunk
    the records' line numbers and their cells."""
    if file_format(path) == ".xlsx":
        with _xlsx_records(path) as opened:
            yield opened
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            first = stream.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            header = next(csv.reader([first], delimiter=delimiter), [])
            yield header, _csv_chunks(csv.reader(stream, delimiter=delimiter))
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"the file is not UTF-8 text (byte {exc.start + 1} of a block cannot be read); "
            "save it as CSV UTF-8",
            where=path.name,
        ) from None


def _csv_chunks(reader: Any) -> Iterator[Chunk]:
    """Chunks read at C speed; a chunk's line numbers are counted row by row only when it
    holds a blank line or a quoted line break."""
    start = 1  # the last line read: the header
    while rows := list(islice(reader, CHUNK)):
        end = reader.line_num + 1
        if end - start == len(rows) and all(rows):
            yield list(range(start + 1, end + 1)), rows
        else:
            yield _numbered(rows, start + 1)
        start = end


def _numbered(rows: list[list[str]], line: int) -> Chunk:
    lines, kept = [], []
    for row in rows:
        if row:
            lines.append(line)
            kept.append(row)
        line += 1 + sum(cell.count("\n") for cell in row)
    return lines, kept


@contextmanager
def _xlsx_records(path: Path) -> Iterator[tuple[list[str], Iterator[Chunk]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise Invalid(f"{path.name}: not a readable Excel workbook ({exc})", where="FILE") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    try:
        header = [cell_text(value) for value in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        yield header, _xlsx_rows(rows, len(header))
    finally:
        rows.close()  # an unfinished sheet reader holds the file open
        book.close()


def _xlsx_rows(rows: Iterable[Sequence[Any]], width: int) -> Iterator[Chunk]:
    lines: list[int] = []
    chunk: list[list[str]] = []
    for line, values in enumerate(rows, start=2):
        cells = [cell_text(value) for value in values]
        while len(cells) > width and not cells[-1]:
            cells.pop()
        if any(cells):
            lines.append(line)
            chunk.append(cells + [""] * (width - len(cells)))
        if len(chunk) >= CHUNK:
            yield lines, chunk
            lines, chunk = [], []
    if chunk:
        yield lines, chunk


def cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV file would hold for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows of cell texts as CSV; the number of rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows of cell texts as a one-sheet workbook, streamed to disk."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
    book.save(path)
    return count
