"""The `--where` filter on interaction log entries (L6): `field op value [and …]`.

A small language over the entry fields of `interactions list` (SPEC §6 names): comparisons
`=`, `!=`, `<`, `<=`, `>`, `>=`; `field in (v, …)` and `field not in (v, …)`; `field is
empty` / `is not empty`; a yes/no field alone (`canceled`) or after `not`; conditions
joined with `and`. Values are words, numbers, quoted strings (`'…'` or `"…"`, the quote
doubled inside), ISO dates and `today ± N d|w|m|y`. Codes are compared upper-case and
choices lower-case, as they are stored. Every value is a bound parameter; an error names
the column and, for an unknown field, the nearest known one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, true

from rapport.errors import Invalid

TOKEN = re.compile(
    r"""\s*(?:(?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")|(?P<op><=|>=|!=|<>|=|<|>)"""
    r"""|(?P<punct>[(),])|(?P<word>[^\s(),=<>!'"]+))"""
)
RELATIVE = re.compile(r"^today(?:([+-])(\d+)([dwmy]))?$")
OPERATORS = {
    "=": "__eq__",
    "!=": "__ne__",
    "<>": "__ne__",
    "<": "__lt__",
    "<=": "__le__",
    ">": "__gt__",
    ">=": "__ge__",
}


@dataclass(frozen=True)
class Field:
    """A filterable field: its column expression and the kind of its values."""

    column: Any
    kind: str  # code | choice | text | int | decimal | date | bool


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    col: int


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if not text[pos:].strip():
                break
            raise Invalid(f"line 1, col {pos + 1}: unexpected {text[pos]!r}")
        kind = match.lastgroup or "word"
        tokens.append(Token(kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return tokens


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def date_value(text: str, today: dt.date) -> dt.date:
    match = RELATIVE.match(text.replace(" ", "").lower())
    if match is None:
        return dt.date.fromisoformat(text)
    sign, count, unit = match.groups()
    if sign is None:
        return today
    n = int(count) * (1 if sign == "+" else -1)
    if unit in "dw":
        return today + dt.timedelta(days=n * (7 if unit == "w" else 1))
    return add_months(today, n * (12 if unit == "y" else 1))


def convert(field: Field, token: Token, today: dt.date) -> Any:
    text = token.text
    if token.kind == "string":
        text = text[1:-1].replace(text[0] * 2, text[0])
    try:
        if field.kind == "int":
            return int(text)
        if field.kind == "decimal":
            return Decimal(text)
        if field.kind == "date":
            return date_value(text, today)
    except (ValueError, InvalidOperation) as exc:
        raise Invalid(f"line 1, col {token.col}: {token.text!r} is not a {field.kind}") from exc
    if field.kind == "bool":
        if text.lower() not in {"true", "false", "yes", "no", "1", "0"}:
            raise Invalid(f"line 1, col {token.col}: {token.text!r} is not true or false")
        return text.lower() in {"true", "yes", "1"}
    if field.kind == "code":
        return text.strip().upper()
    return text.lower() if field.kind == "choice" else text


class Parser:
    """Recursive descent over the tokens: condition (`and` condition)*."""

    def __init__(self, text: str, fields: dict[str, Field], today: dt.date) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.fields = fields
        self.today = today
        self.end = len(text) + 1

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str) -> Token:
        token = self.peek()
        if token is None:
            raise Invalid(f"line 1, col {self.end}: expected {expected}, got the end")
        self.pos += 1
        return token

    def expect(self, word: str) -> None:
        token = self.take(repr(word))
        if token.text.lower() != word:
            raise Invalid(f"line 1, col {token.col}: expected {word!r}, got {token.text!r}")

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.lower() in words:
            self.pos += 1
            return True
        return False

    def parse(self) -> ColumnElement[bool]:
        conditions = [self.condition()]
        while self.keyword("and"):
            conditions.append(self.condition())
        token = self.peek()
        if token is not None:
            raise Invalid(f"line 1, col {token.col}: expected 'and', got {token.text!r}")
        return and_(true(), *conditions)

    def field(self) -> tuple[Field, Token]:
        token = self.take("a field")
        found = self.fields.get(token.text.lower())
        if found is None or token.kind != "word":
            close = difflib.get_close_matches(token.text.lower(), list(self.fields), n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise Invalid(f"line 1, col {token.col}: unknown field {token.text!r}{hint}")
        return found, token

    def condition(self) -> ColumnElement[bool]:
        if self.keyword("not"):
            found, token = self.field()
            return not_(self.flag(found, token))
        found, token = self.field()
        after = self.peek()
        if after is None or (after.kind == "word" and after.text.lower() == "and"):
            return self.flag(found, token)
        if self.keyword("is"):
            negated = self.keyword("not")
            self.expect("empty")
            empty = self.empty(found)
            return not_(empty) if negated else empty
        negated = self.keyword("not")
        if negated or self.keyword("in"):
            if negated:
                self.expect("in")
            members: ColumnElement[bool] = found.column.in_(self.values(found))
            return not_(members) if negated else members
        return self.comparison(found)

    def comparison(self, found: Field) -> ColumnElement[bool]:
        op = self.take("an operator")
        if op.kind != "op":
            raise Invalid(f"line 1, col {op.col}: expected an operator, got {op.text!r}")
        value = self.value(found)
        return getattr(found.column, OPERATORS[op.text])(value)  # type: ignore[no-any-return]

    def value(self, found: Field) -> Any:
        token = self.take("a value")
        if token.kind not in {"word", "string"}:
            raise Invalid(f"line 1, col {token.col}: expected a value, got {token.text!r}")
        if found.kind == "date" and token.text.lower() == "today":
            while (
                (nxt := self.peek()) is not None
                and nxt.kind == "word"
                and (nxt.text[0] in "+-" or re.fullmatch(r"\d+[dwmy]", nxt.text))
            ):
                token = Token("word", token.text + nxt.text, token.col)
                self.pos += 1
        return convert(found, token, self.today)

    def values(self, found: Field) -> list[Any]:
        opening = self.take("'('")
        if opening.text != "(":
            raise Invalid(f"line 1, col {opening.col}: expected '(', got {opening.text!r}")
        result = [self.value(found)]
        while (token := self.take("')'")).text == ",":
            result.append(self.value(found))
        if token.text != ")":
            raise Invalid(f"line 1, col {token.col}: expected ')', got {token.text!r}")
        return result

    def flag(self, found: Field, token: Token) -> ColumnElement[bool]:
        if found.kind != "bool":
            raise Invalid(f"line 1, col {token.col}: {token.text!r} needs an operator and a value")
        return found.column == true()  # type: ignore[no-any-return]

    def empty(self, found: Field) -> ColumnElement[bool]:
        if found.kind in {"code", "choice", "text"}:
            return found.column == ""  # type: ignore[no-any-return]
        if found.kind in {"int", "decimal"}:
            return found.column == 0  # type: ignore[no-any-return]
        return found.column.is_(None)  # type: ignore[no-any-return]


def condition(
    text: str, fields: dict[str, Field], *, today: dt.date | None = None
) -> ColumnElement[bool]:
    """The SQL condition of `text` over `fields` (everything true for a blank text)."""
    if not text.strip():
        return true()
    return Parser(text, fields, today or dt.date.today()).parse()
