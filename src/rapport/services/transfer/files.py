"""Reading and writing import/export files, CSV or XLSX by extension, one row at a time (K4).

A reader yields the header and then each record with the line number a user sees in a text
editor or in Excel, as cell texts; a writer (`writers`) takes rows of cell values. Neither
holds more than one row, so a million-row file costs no more memory than a ten-row one.

A CSV file is read in the encoding asked for, else the one its byte order mark names, else
UTF-8; a file whose first bytes say it is not text is refused by what it is. An output
file is checked before anything changes and written through a partial file beside it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from rapport.errors import N_, Invalid, Text

FORMATS = (".csv", ".xlsx")
EXPORT_FORMATS = (*FORMATS, ".ndjson")  # an export may also be JSON lines
CHUNK = 50_000
Chunk = tuple[list[int], list[list[str]]]
SNIFF = 8192
ZIP = b"PK\x03\x04"
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Byte order marks, the longer first (UTF-32's begins with UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What a file is, told from its first bytes; marked for translation and said in the
# reader's language (`Text(kind)`)
MAGIC = (
    (b"\x1f\x8b", N_("a gzip file").template),
    (ZIP, N_("a zip file (an Excel workbook is read from a .xlsx name)").template),
    (b"BZh", N_("a bzip2 file").template),
    (b"\xfd7zXZ\x00", N_("an xz file").template),
    (b"(\xb5/\xfd", N_("a zstd file").template),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip file").template),
    (OLD_EXCEL, N_("an old (.xls) Excel or Word file").template),
    (b"%PDF-", N_("a PDF file").template),
    (b"SQLite format 3\x00", N_("an SQLite database").template),
    (b"\x89PNG", N_("a PNG image").template),
    (b"\xff\xd8\xff", N_("a JPEG image").template),
)


def file_format(path: Path, formats: Sequence[str] = FORMATS) -> str:
    """`.csv` or `.xlsx` (or another of `formats`) from the file name; Invalid for
    anything else."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise Invalid(
            N_("{name}: expected a {formats} file", name=path.name, formats=" or ".join(formats)),
            field="file",
        )
    return suffix


@contextmanager
def records(
    path: Path, *, encoding: str | None = None
) -> Iterator[tuple[list[str], Iterator[Chunk]]]:
    """The header of the file at `path` and its non-empty records in chunks, each chunk
    the records' line numbers and their cells. A CSV file is read in `encoding`, else in the
    encoding its byte order mark names, else as UTF-8; a file that is not text (compressed,
    binary, a workbook under a .csv name) is refused by what it is."""
    head = _head(path)
    if file_format(path) == ".xlsx":
        with _xlsx_records(path, head) as opened:
            yield opened
        return
    codec = text_encoding(path.name, head, encoding)
    with path.open(newline="", encoding=codec) as stream:
        try:
            first = stream.readline()
        except UnicodeDecodeError as exc:
            raise undecodable(path, codec) from exc
        delimiter = delimiter_of(first)
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error as exc:  # a header cell longer than the reader's field limit
            raise Invalid(
                N_("line {line}: {reason}", line=1, reason=str(exc)), where=path.name
            ) from exc
        chunks = csv_chunks(csv.reader(stream, delimiter=delimiter))
        yield header, decoded(chunks, path, codec)


def delimiter_of(header: str) -> str:
    """A CSV file's delimiter, from its header line: `;` when it has more of them than of
    `,` (as Excel writes CSV where the decimal separator is a comma)."""
    return ";" if header.count(";") > header.count(",") else ","


def csv_codec(path: Path, encoding: str | None = None) -> str | None:
    """The codec `records` reads the file at `path` in; None for a workbook."""
    if file_format(path) != ".csv":
        return None
    return text_encoding(path.name, _head(path), encoding)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as raw:
            return raw.read(SNIFF)
    except OSError as exc:
        raise Invalid(
            N_("cannot read it ({reason})", reason=exc.strerror or str(exc)), where=path.name
        ) from exc


def text_encoding(name: str, head: bytes, encoding: str | None) -> str:
    """The codec to read a CSV file with: the one asked for, else the one its byte order
    mark names, else UTF-8; Invalid for a file whose first bytes say it is not text."""
    bom = next((codec for mark, codec in BOMS if head.startswith(mark)), None)
    if encoding:
        try:
            asked = codecs.lookup(encoding).name
        except LookupError as exc:
            raise Invalid(
                N_("unknown encoding {encoding!r}", encoding=encoding), where="encoding"
            ) from exc
        return "utf-8-sig" if asked == "utf-8" and bom == "utf-8-sig" else asked
    kind = what_it_is(head)
    if kind and not bom:
        raise Invalid(N_("this is {kind}, not CSV", kind=Text(kind)), where=name)
    return bom or "utf-8"


def what_it_is(head: bytes) -> str | None:
    """What a file that is not text is, from its first bytes (None for text)."""
    kind = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if kind is None and b"\x00" in head:
        return N_("a binary file").template
    return kind


def decoded(chunks: Iterator[Chunk], path: Path, codec: str) -> Iterator[Chunk]:
    """The chunks; Invalid, with its line, for a file that is not text in `codec` or that
    the csv reader refuses (a cell past its field limit)."""
    try:
        yield from chunks
    except UnicodeDecodeError as exc:
        raise undecodable(path, codec) from exc
    except Unreadable as exc:
        raise Invalid(
            N_("line {line}: {reason}", line=exc.line, reason=exc.reason), where=path.name
        ) from exc


class Unreadable(Exception):
    """The csv reader refused the record at `line`."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(line, reason)
        self.line, self.reason = line, reason


def undecodable(path: Path, codec: str) -> Invalid:
    """The error for a file that is not text in `codec`, naming the first line that is not:
    the file is decoded again, line by line, to find it (only when it failed)."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with path.open("rb") as raw:
        try:
            for piece in raw:
                line += decoder.decode(piece).count("\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
    label = "UTF-8" if codec.startswith("utf-8") else codec
    return Invalid(
        N_("line {line}: not valid {label} (use --encoding)", line=line, label=label),
        where=path.name,
    )


def csv_chunks(reader: Any, *, start: int = 1) -> Iterator[Chunk]:
    """Chunks read at C speed; a chunk's line numbers are counted row by row only when it
    holds a blank line or a quoted line break. `start` is the line before the reader's
    first (the header's)."""
    before = start
    while rows := _next_rows(reader, before):
        end = before + reader.line_num
        if end - start == len(rows) and all(rows):
            yield list(range(start + 1, end + 1)), rows
        else:
            yield _numbered(rows, start + 1)
        start = end


def _next_rows(reader: Any, before: int) -> list[list[str]]:
    try:
        return list(islice(reader, CHUNK))
    except csv.Error as exc:  # e.g. a cell longer than the reader's field limit
        raise Unreadable(before + reader.line_num, str(exc)) from exc


def _numbered(rows: list[list[str]], line: int) -> Chunk:
    lines, kept = [], []
    for row in rows:
        if row:
            lines.append(line)
            kept.append(row)
        line += 1 + sum(cell.count("\n") for cell in row)
    return lines, kept


@contextmanager
def _xlsx_records(path: Path, head: bytes) -> Iterator[tuple[list[str], Iterator[Chunk]]]:
    from openpyxl import load_workbook

    if head.startswith(OLD_EXCEL):
        raise Invalid(
            N_("this is an old (.xls) or password-protected workbook; save it as .xlsx"),
            where=path.name,
        )
    if not head.startswith(ZIP):
        kind = what_it_is(head) or N_("a text file").template
        raise Invalid(N_("this is {kind}, not an Excel workbook", kind=Text(kind)), where=path.name)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's own words name its internals, not the user's file
        raise Invalid(N_("this is a zip file, not an Excel workbook"), where=path.name) from exc
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


def check_output_file(path: Path, *, field: str = "path", formats: Sequence[str] = FORMATS) -> None:
    """Before any change: `path` names a .csv or .xlsx file (or another of `formats`) in a
    folder that exists and takes new files; Invalid naming what stands in the way."""
    file_format(path, formats)
    if path.is_dir():
        raise Invalid(N_("{path} is a folder, not a file", path=path), where=field)
    folder = path.parent
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise Invalid(
            N_(
                "cannot write {path}: {existing} is a file, not a folder",
                path=path,
                existing=existing,
            ),
            where=field,
        )
    if existing != folder:
        raise Invalid(
            N_("cannot write {path}: folder {folder} does not exist", path=path, folder=folder),
            where=field,
        )
    _probe(existing, path, field)


def check_output_folder(folder: Path, *, field: str = "output_dir") -> None:
    """Before any change: `folder` is a folder that takes new files, or one that can be
    created (its nearest existing parent is a folder that takes new files)."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise Invalid(
            N_(
                "cannot write to {folder}: {existing} is a file, not a folder",
                folder=folder,
                existing=existing,
            ),
            where=field,
        )
    _probe(existing, folder, field)


def _nearest_existing(path: Path) -> Path:
    return next((p for p in (path, *path.parents) if p.exists()), Path())


def _probe(folder: Path, target: Path, field: str) -> None:
    """Create (and drop, unnamed) a file in `folder`: the one test of writing that holds
    for every user, root included, and every file system."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise Invalid(
            N_(
                "cannot write to {target}: folder {folder} does not take new files ({reason})",
                target=target,
                folder=folder,
                reason=os_reason(exc),
            ),
            where=field,
        ) from exc


def os_reason(exc: OSError) -> str:
    """An operating system error in a few words ("permission denied", "no space left on
    device")."""
    return (exc.strerror or type(exc).__name__).lower()


@contextmanager
def output_file(
    path: Path, *, field: str = "path", formats: Sequence[str] = FORMATS
) -> Iterator[Path]:
    """Write `path` through a partial file beside it that replaces it only when the block
    succeeds: a failure (a full disk, a removed folder) leaves `path` as it was."""
    check_output_file(path, field=field, formats=formats)
    partial = path.with_name(f".{path.name}.part")
    try:
        yield partial
        partial.replace(path)
    except OSError as exc:
        raise Invalid(
            N_("cannot write {path}: {reason}", path=path, reason=os_reason(exc)), where=field
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
