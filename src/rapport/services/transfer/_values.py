"""How a file cell becomes a value on import, one cell or one column chunk at a time (K4).

The row-wise converters give the reason a cell is bad; the column-wise ones convert a chunk
of 50,000 cells of one column with C-level `map`, set and `max` calls and only say that the
chunk holds a bad cell, so the common case (a good file) costs a few passes per column and
the row-wise path runs only for chunks that hold a bad row. A column that needs no change
(codes already upper case, enumeration values already in their spelling) is returned as
read, and a date is parsed once per distinct value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from rapport.domain.rules import DATE_FORM, NUL, NUL_MESSAGE, TEXT_LENGTH, EmailAddresses
from rapport.errors import N_, Text


class FileColumn(Protocol):
    """What a converter needs to know of a file column (`tables.FileColumn` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def length(self) -> int | None: ...
    @property
    def choices(self) -> tuple[str, ...]: ...
    @property
    def default(self) -> Any: ...
    @property
    def required(self) -> bool: ...
    @property
    def email(self) -> EmailAddresses | None: ...


Convert = Callable[[str], Any]
ConvertMany = Callable[[Sequence[str]], Sequence[Any]]
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def cell_converter(column: FileColumn) -> Convert:
    """Cell text → value; ValueError with the reason (a `Text`, `errors.text_of`) when the
    cell is bad."""
    if column.kind in ("text", "code"):
        return _text(
            column.length, code=column.kind == "code", required=column.required, email=column.email
        )
    if column.kind == "enum":
        return _choice(column.choices, column.default)
    return _PARSERS[column.kind](column.default, column.required)


def _text(
    length: int | None, *, code: bool, required: bool, email: EmailAddresses | None = None
) -> Convert:
    """The domain rules on one cell (`TEXT_LENGTH`, an e-mail field's form) as the services
    apply them to one value."""

    def convert(value: str) -> str:
        if code:
            value = value.strip().upper()
        if NUL in value:
            raise ValueError(NUL_MESSAGE)
        if required and not value:
            raise ValueError(REQUIRED)
        if length is not None and TEXT_LENGTH.broken(value, length):
            raise ValueError(TEXT_LENGTH.message(value, length))
        if email is not None and email.broken(value):
            raise ValueError(email.message(value))
        return value

    return convert


def _choice(choices: tuple[str, ...], default: Any) -> Convert:
    allowed = frozenset(choices)
    listed = ", ".join(c or "'' (blank)" for c in choices)

    def convert(value: str) -> str:
        text = value.strip().lower()
        if not text and default is not None:
            return str(default)
        if text not in allowed:
            raise ValueError(N_("{value!r} is not one of {listed}", value=value, listed=listed))
        return text

    return convert


REQUIRED = N_("a value is required")


def _blank(default: Any, required: bool) -> Any:
    if required:
        raise ValueError(REQUIRED)
    return default


def _boolean(default: Any, required: bool) -> Convert:
    def convert(value: str) -> Any:
        text = value.strip().lower()
        if not text:
            return _blank(default, required)
        try:
            return BOOLEANS[text]
        except KeyError:
            raise ValueError(
                N_("{value!r} is not a boolean (true/false, 1/0, yes/no)", value=value)
            ) from None

    return convert


def _parsed(
    parse: Callable[[str], Any], message: Callable[[str], Text]
) -> Callable[[Any, bool], Convert]:
    def build(default: Any, required: bool) -> Convert:
        def convert(value: str) -> Any:
            text = value.strip()
            if not text:
                return _blank(default, required)
            try:
                return parse(text)
            except (ValueError, ArithmeticError):
                raise ValueError(message(value)) from None

        return convert

    return build


def _decimal(text: str) -> Decimal:
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation(text)
    return number


_PARSERS: dict[str, Callable[[Any, bool], Convert]] = {
    "bool": _boolean,
    "int": _parsed(int, lambda value: N_("{value!r} is not a whole number", value=value)),
    "decimal": _parsed(_decimal, lambda value: N_("{value!r} is not a number", value=value)),
    "date": _parsed(DATE_FORM.parse, DATE_FORM.message),
    "time": _parsed(
        dt.time.fromisoformat, lambda value: N_("{value!r} is not a time (HH:MM:SS)", value=value)
    ),
}


class BadChunk(ValueError):
    """A chunk holds at least one bad cell; the row-wise converters say which and why."""


def column_converter(column: FileColumn, *, iso_dates: bool = False) -> ConvertMany:
    """A chunk of one column's cells → values; BadChunk when any cell is bad. With
    `iso_dates`, dates stay ISO text (the form SQLite stores them in) instead of `date`s."""
    if column.kind in ("text", "code"):
        return _texts(
            column.length, code=column.kind == "code", required=column.required, email=column.email
        )
    if column.kind in ("enum", "bool"):
        mapping: dict[str, Any] = dict(BOOLEANS)
        if column.kind == "enum":
            mapping = dict(zip(column.choices, column.choices, strict=True))
        if not column.required and column.default is not None:
            mapping[""] = column.default
        return _mapped(mapping)
    if column.kind == "date":
        return _distinct(cell_converter(column), _iso if iso_dates else None)
    return _parsed_many(cell_converter(column), _FAST_PARSERS.get(column.kind))


def _texts(
    length: int | None, *, code: bool, required: bool, email: EmailAddresses | None = None
) -> ConvertMany:
    """`_text` over a chunk: the longest value against `TEXT_LENGTH`, the e-mail rule's own
    pass over the chunk."""

    def convert(values: Sequence[str]) -> Sequence[str]:
        if code and not _normal_codes(values):
            values = list(map(str.upper, map(str.strip, values)))
        if values and length is not None and TEXT_LENGTH.broken(max(values, key=len), length):
            raise BadChunk
        if NUL in "".join(values):
            raise BadChunk
        if (required and not all(values)) or (email is not None and email.any_broken(values)):
            raise BadChunk
        return values

    return convert


# `_normal_codes` of ASCII text, for RE2 (Arrow's expressions): printable and no space (a
# code also equal to its upper case)
NORMAL_ASCII_CODE = r"^[\x21-\x7e]*$"


def _normal_codes(values: Sequence[str]) -> bool:
    """Whether every code is already trimmed and upper case, tested on the joined text in
    a few C passes: a code holding any whitespace takes the per-cell path."""
    joined = "".join(values)
    return " " not in joined and joined.isprintable() and joined.upper() == joined


def _mapped(mapping: dict[str, Any]) -> ConvertMany:
    """Cells looked up in `mapping`; a chunk whose cells all map to themselves (enumeration
    values already in lower snake_case) is returned as it is."""
    unchanged = {key for key, value in mapping.items() if key == value}

    def convert(values: Sequence[str]) -> Sequence[Any]:
        keys = set(values)
        if keys <= unchanged:
            return values
        if not keys <= mapping.keys():
            keys = {key.strip().lower() for key in keys}
            if not keys <= mapping.keys():
                raise BadChunk
            values = list(map(str.lower, map(str.strip, values)))
        return list(map(mapping.__getitem__, values))

    return convert


def _distinct(convert: Convert, final: Callable[[Any], Any] | None) -> ConvertMany:
    """Each distinct cell converted once (a column of dates repeats a few hundred values),
    then `final` (if any) applied; a chunk whose values equal their cells is returned as
    it is."""

    def convert_all(values: Sequence[str]) -> Sequence[Any]:
        try:
            found = {cell: convert(cell) for cell in set(values)}
        except (ValueError, ArithmeticError):
            raise BadChunk from None
        if final is not None:
            found = {cell: final(value) for cell, value in found.items()}
        if all(cell == value for cell, value in found.items()):
            return values
        return list(map(found.__getitem__, values))

    return convert_all


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _parsed_many(convert: Convert, fast: ConvertMany | None) -> ConvertMany:
    """Blank-free chunks go through `fast` (C functions mapped over the chunk)."""

    def convert_all(values: Sequence[str]) -> Sequence[Any]:
        try:
            if fast is not None and "" not in values:
                return fast(values)
            return list(map(convert, values))
        except (ValueError, ArithmeticError):
            raise BadChunk from None

    return convert_all


def _ints(values: Sequence[str]) -> Sequence[int]:
    return list(map(int, values))


_FAST_PARSERS: dict[str, ConvertMany] = {"int": _ints}
