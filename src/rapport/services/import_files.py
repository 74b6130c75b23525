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
from pathlib import Path
from typing import Any, TextIO

from rapport.errors import Invalid

FORMATS = (".csv", ".xlsx")
Record = tuple[int, list[str]]


def file_format(path: Path) -> str:
    """`.csv` or `.xlsx` from the file name; Invalid for anything else."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise Invalid(f"{path.name}: expected a .csv or .xlsx file", where="FILE")
    return suffix


@contextmanager
def records(path: Path) -> Iterator[tuple[list[str], Iterator[Record]]]:
    """The header of the file at `path` and an iterator over its non-empty records."""
    if file_format(path) == ".xlsx":
        with _xlsx_records(path) as opened:
            yield opened
        return
    with path.open(newline="", encoding="utf-8-sig") as stream:
        first = stream.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        yield header, _csv_records(csv.reader(stream, delimiter=delimiter))


def _csv_records(reader: Any) -> Iterator[Record]:
    line = 2  # the header is line 1
    for row in reader:
        if row:
            yield line, row
        line = reader.line_num + 2


@contextmanager
def _xlsx_records(path: Path) -> Iterator[tuple[list[str], Iterator[Record]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise Invalid(f"{path.name}: not a readable Excel workbook ({exc})", where="FILE") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(value) for value in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        yield header, _xlsx_rows(rows, len(header))
    finally:
        book.close()


def _xlsx_rows(rows: Iterable[Sequence[Any]], width: int) -> Iterator[Record]:
    for line, values in enumerate(rows, start=2):
        cells = [cell_text(value) for value in values]
        while len(cells) > width and not cells[-1]:
            cells.pop()
        if any(cells):
            yield line, cells + [""] * (width - len(cells))


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
