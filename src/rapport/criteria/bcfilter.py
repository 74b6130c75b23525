"""Business Central filter syntax (`field matches 'FILTER'`, SPEC §5) → a small filter tree.

    A|B         either           A&B        both            (A|B)&C   grouping
    A..B        from A to B      ..B        up to B         A..       from A on
    <>A <A <=A >A >=A =A         comparisons
    A*B?        wildcards: * any run of characters, ? one character
    @A          case-insensitive (per term: @*bakery*|@*bakkerij*)
    ''          empty;           'A|B'      a quoted value is taken literally ('' doubles a quote)

Spaces around a term are ignored. The compiler (compile_sql.py) turns the tree into SQL with
bound parameters; `normalized` upper-cases the values for code fields, whose values are
stored upper-case (Business Central compares Code filters that way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapport.errors import N_

OPS = ("<>", "<=", ">=", "=", "<", ">")
_SPECIAL = re.compile(r"[|&()]")


@dataclass(frozen=True)
class Term:
    """One comparison: op is =, <>, <, <=, >, >=, `..` (value..upper), `like` or `not like`."""

    op: str
    value: str
    upper: str = ""
    ignore_case: bool = False


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Filter, ...]


Filter = Term | AnyOf | AllOf


def parse_filter(text: str) -> Filter:
    """The filter tree of `text`; ValueError says what is wrong and where."""
    tokens = _tokens(text)
    if not tokens:
        raise ValueError(N_("the filter is empty; write '' for an empty value"))
    parser = _Parser(tokens)
    result = parser.any_of()
    if parser.pos != len(tokens):
        raise ValueError(N_("unexpected {found!r} in the filter", found=tokens[parser.pos]))
    return result


def normalized(node: Filter, *, upper: bool) -> Filter:
    """The filter with its values upper-cased when `upper` (code fields)."""
    if not upper:
        return node
    if isinstance(node, Term):
        return replace(node, value=node.value.upper(), upper=node.upper.upper())
    parts = tuple(normalized(part, upper=True) for part in node.parts)
    return AnyOf(parts) if isinstance(node, AnyOf) else AllOf(parts)


def like_pattern(pattern: str) -> list[tuple[str, str]]:
    """The pattern as pieces: ('*', ''), ('?', '') or ('text', literal)."""
    pieces: list[tuple[str, str]] = []
    for char in pattern:
        if char in "*?":
            pieces.append((char, ""))
        elif pieces and pieces[-1][0] == "text":
            pieces[-1] = ("text", pieces[-1][1] + char)
        else:
            pieces.append(("text", char))
    return pieces


def _tokens(text: str) -> list[str]:
    """Split into |, &, (, ) and terms; quoted runs stay inside their term."""
    tokens: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "'":
            end = _quote_end(text, i)
            current += text[i : end + 1]
            i = end + 1
            continue
        if _SPECIAL.match(char):
            tokens.extend(part for part in (current.strip(),) if part)
            tokens.append(char)
            current = ""
        else:
            current += char
        i += 1
    if current.strip():
        tokens.append(current.strip())
    return tokens


def _quote_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                i += 2
                continue
            return i
        i += 1
    raise ValueError(N_("the quote at position {position} is not closed", position=start + 1))


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def any_of(self) -> Filter:
        parts = [self.all_of()]
        while self.peek() == "|":
            self.pos += 1
            parts.append(self.all_of())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def all_of(self) -> Filter:
        parts = [self.atom()]
        while self.peek() == "&":
            self.pos += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def atom(self) -> Filter:
        item = self.peek()
        if item is None or item in "|&)":
            if item is None:
                raise ValueError(N_("expected a value in the filter, found the end"))
            raise ValueError(N_("expected a value in the filter, found {found!r}", found=item))
        self.pos += 1
        if item == "(":
            inner = self.any_of()
            if self.peek() != ")":
                raise ValueError(N_("a '(' in the filter is not closed"))
            self.pos += 1
            return inner
        return term(item)


def term(text: str) -> Term:
    """One term: `@`, then an operator or a range or a plain or wildcard value."""
    ignore_case = text.startswith("@")
    body = text[1:].lstrip() if ignore_case else text
    for op in OPS:
        if body.startswith(op):
            return _compared(op, body[len(op) :].strip(), ignore_case)
    if _unquoted(body) and ".." in body:
        low, _, high = body.partition("..")
        return _range(low.strip(), high.strip(), ignore_case)
    return _compared("=", body, ignore_case)


def _range(low: str, high: str, ignore_case: bool) -> Term:
    if not low and not high:
        raise ValueError(N_("a range needs a start or an end: A..B, ..B or A.."))
    if not low:
        return Term("<=", _literal(high), ignore_case=ignore_case)
    if not high:
        return Term(">=", _literal(low), ignore_case=ignore_case)
    return Term("..", _literal(low), _literal(high), ignore_case)


def _compared(op: str, body: str, ignore_case: bool) -> Term:
    if _unquoted(body) and ("*" in body or "?" in body):
        if op not in ("=", "<>"):
            raise ValueError(N_("wildcards cannot be used with {op!r}", op=op))
        return Term("like" if op == "=" else "not like", body, ignore_case=ignore_case)
    if not body:
        raise ValueError(N_("{op!r} needs a value; write '' for an empty value", op=op))
    return Term(op, _literal(body), ignore_case=ignore_case)


def _unquoted(body: str) -> bool:
    return not body.startswith("'")


def _literal(body: str) -> str:
    if body.startswith("'"):
        if len(body) < 2 or not body.endswith("'") or _quote_end(body, 0) != len(body) - 1:
            raise ValueError(N_("{body!r}: text after a quoted value", body=body))
        return body[1:-1].replace("''", "'")
    if "'" in body:
        raise ValueError(N_("{body!r}: a quote inside a value; quote the whole value", body=body))
    return body
