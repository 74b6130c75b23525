"""Criteria text → tree (X1). The grammar (grammar.lark) gives the shape; this module gives
the names their meaning from the subject's registry (fields.py, subjects.py) and the values
their type; contacts are the subject unless another is given.

Every error is a `rapport.errors.Invalid` whose message starts with the position, `line 1,
col 23: unknown field 'contry' — did you mean 'country'?`, and says what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from rapport.criteria import bcfilter
from rapport.criteria import fields as registry
from rapport.criteria.grammar_cache import built_parser
from rapport.criteria.operators import comparisons, operator
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    IsEmpty,
    LoggedSegmentMember,
    Matches,
    Not,
    Or,
    SegmentMember,
)
from rapport.criteria.values import Value, coerce
from rapport.criteria.walk import fold
from rapport.errors import N_, Invalid, Text, text_of

# How the grammar's terminals read in "expected …" messages.
EXPECTED: dict[str, Text] = {
    "NAME": N_("a field or relation name"),
    "WORD": N_("a value"),
    "STRING": N_("a quoted text"),
    "INT": N_("a number"),
    "OP": N_("an operator ({operators})", operators=", ".join(comparisons())),
    "SIGN": N_("'+' or '-'"),
    "UNIT": N_("a date unit (d, w, m or y)"),
    "LPAR": Text("'('"),
    "RPAR": Text("')'"),
    "COMMA": Text("','"),
    "_OR": Text("'or'"),
    "_AND": Text("'and'"),
    "_NOT": Text("'not'"),
    "_IN": Text("'in'"),
    "_IS": Text("'is'"),
    "_EMPTY": Text("'empty'"),
    "_MATCHES": Text("'matches'"),
    "$END": N_("the end"),
}


def parse(text: str, subject: registry.Subject = registry.CONTACTS) -> Expr:
    """The tree of criteria `text` on `subject`'s rows; Invalid with the position and what
    was expected."""
    if not text.strip():
        raise Invalid(N_("the criteria are empty: write a condition such as country = BE"))
    try:
        shape = built_parser().parse(text)
    except UnexpectedInput as exc:
        position, message = _syntax_error(exc, text)
        raise Invalid(message, position=position) from None
    return _Builder(subject).expr(shape, None)


_TOO_EARLY = N_("the criteria end too early; expected {expected}").template
_UNEXPECTED = N_("unexpected {found!r}; expected {expected}").template


_QUOTED = {quote: re.compile(f"{quote}(?:[^{quote}]|{quote}{quote})*{quote}") for quote in "'\""}
# A quoted text where a condition starts (the start, after '(', 'and', 'or', 'not').
_QUOTED_TERM = re.compile(
    r"""(?:^|\(|\b(?:and|or|not))\s*(?:'(?:[^']|'')*'|"(?:[^"]|"")*")\s*$""", re.IGNORECASE
)


def _syntax_error(exc: UnexpectedInput, text: str) -> tuple[tuple[int, int], Text]:
    """Where the text stops reading as criteria, and what was expected there: a quote that
    is not closed and a field name written in quotes said as such, and a ')' expected only
    where a '(' is open."""
    if isinstance(exc, UnexpectedEOF):
        return _end(text), N_(_TOO_EARLY, expected=_expected(exc.expected or (), text, len(text)))
    where = (exc.line, exc.column)
    pos = exc.pos_in_stream or 0
    if isinstance(exc, UnexpectedCharacters):
        char = text[pos] if pos < len(text) else ""
        if char in _QUOTED and not _QUOTED[char].match(text, pos):
            return where, N_("the quote {quote} is not closed", quote=char)
        expected = _expected(set(exc.allowed), text, pos)
        return where, N_(_UNEXPECTED, found=char, expected=expected)
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return _end(text), N_(_TOO_EARLY, expected=_expected(exc.expected, text, len(text)))
        found = exc.token.value
        if exc.token.type == "OP" and _QUOTED_TERM.search(text[:pos]):
            return where, N_(
                "unexpected {found!r}: a field's name is written without quotes", found=found
            )
        return where, N_(_UNEXPECTED, found=found, expected=_expected(exc.expected, text, pos))
    return where, Text(str(exc))  # pragma: no cover - lark raises only the three above


def _open_parentheses(text: str) -> int:
    """How many '(' of `text` are not closed, quoted texts left out."""
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote  # a doubled quote closes and reopens
        elif char in _QUOTED:
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
    return depth


def _end(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _expected(names: Iterable[str], text: str, pos: int) -> tuple[Text, ...]:
    """What was expected at `pos` of `text`, as alternatives ("a value, a number or ')'");
    a ')' only when a '(' before `pos` is still open (the grammar's tables offer it
    wherever a parenthesis could close)."""
    closing = _open_parentheses(text[:pos]) > 0
    said = [
        EXPECTED.get(str(name)) or Text(str(name).lower())
        for name in names
        if closing or str(name) != "RPAR"
    ]
    words = {str(word): word for word in said}
    return tuple(words[key] for key in sorted(words)) or (N_("something else"),)


def _invalid(token: Token, message: str | Text) -> Invalid:
    """An error about `token`: its position (line, column) beside the message."""
    return Invalid(message, position=(token.line or 1, token.column or 1))


def _taken(field: registry.Field, op: str) -> dict[str, str]:
    return {"field": field.name, "op": op, "allowed": ", ".join(field.operators)}


def _token(node: object) -> Token:
    if not isinstance(node, Token):  # the grammar guarantees it; keeps mypy honest
        raise TypeError(f"expected a token, found {node!r}")
    return node


def _tree(node: object) -> Tree[Token]:
    if not isinstance(node, Tree):
        raise TypeError(f"expected a tree, found {node!r}")
    return node


def _unquote(token: Token) -> str:
    raw = str(token)
    quote = raw[0]
    return raw[1:-1].replace(quote * 2, quote)


def _chain(node: Tree[Token]) -> list[Tree[Token] | Token]:
    """The operands of `a or b or c` (a left-leaning chain of `either`, or of `both`) in
    order: `(a or b) or c` is one chain, `a or (b or c)` keeps its right-hand group."""
    operands: list[Tree[Token] | Token] = []
    while isinstance(node, Tree) and node.data in ("either", "both"):
        data = node.data
        left, right = node.children
        operands.append(right)
        if not (isinstance(left, Tree) and left.data == data):
            operands.append(left)
            break
        node = left
    operands.reverse()
    return operands


class _Builder:
    """Walks the lark tree top-down, knowing whether it is inside a relation."""

    def __init__(self, subject: registry.Subject) -> None:
        self.subject = subject

    def expr(self, node: Tree[Token] | Token, rel: registry.Relation | None) -> Expr:
        """The tree of `node`, built bottom-up by a loop (walk.py), so any depth parses."""
        return fold(node, rel, self.kids, self.build)

    def kids(
        self, node: Tree[Token] | Token, rel: registry.Relation | None
    ) -> list[tuple[Tree[Token] | Token, registry.Relation | None]]:
        if isinstance(node, Token):
            return []
        if node.data in ("either", "both"):
            return [(child, rel) for child in _chain(node)]
        if node.data == "negation":
            return [(node.children[0], rel)]
        if node.data == "call":
            inner = self.called(node, rel)
            body = node.children[1]
            if inner is not None and body is not None:
                return [(body, inner)]
        return []

    def build(
        self, node: Tree[Token] | Token, rel: registry.Relation | None, made: list[Expr]
    ) -> Expr:
        if isinstance(node, Token):
            raise self.not_a_condition(node)
        if node.data == "either":
            return Or(tuple(made))
        if node.data == "both":
            return And(tuple(made))
        if node.data == "negation":
            return Not(made[0])
        if node.data == "call":
            return self.on_call(node.children, rel, made)
        handler = getattr(self, f"on_{node.data}")
        result: Expr = handler(node.children, rel)
        return result

    def not_a_condition(self, token: Token) -> Invalid:
        return _invalid(token, N_("expected a condition, found {found!r}", found=str(token)))

    def on_number(self, children: list[Token], _rel: registry.Relation | None) -> Expr:
        raise self.not_a_condition(children[0])

    on_text = on_number

    def field(self, name: Token, rel: registry.Relation | None) -> registry.Field:
        try:
            return registry.lookup(self.subject, rel, str(name))
        except registry.UnknownName as exc:
            raise _invalid(name, exc.text) from None

    def checked(self, name: Token, op: str, rel: registry.Relation | None) -> registry.Field:
        field = self.field(name, rel)
        if op not in field.operators:
            raise _invalid(
                name,
                N_("{field} does not take {op!r}; it takes {allowed}", **_taken(field, op)),
            )
        return field

    def value(self, field: registry.Field, node: Tree[Token]) -> Value:
        tokens = [child for child in node.children if isinstance(child, Token)]
        if node.data == "quoted":
            raw = _unquote(tokens[0])
        else:
            raw = "".join(str(token) for token in tokens)
        try:
            return coerce(field, raw)
        except ValueError as exc:
            raise _invalid(
                tokens[0], N_("{field}: {reason}", field=field.name, reason=text_of(exc))
            ) from None

    def shorthand(self, name: Token, rel: registry.Relation) -> registry.Field:
        if rel.shorthand is None:
            raise _invalid(
                name,
                N_(
                    "{name} has no code to compare; write {name}(condition on {fields})",
                    name=rel.name,
                    fields=", ".join(rel.fields),
                ),
            )
        return rel.fields[rel.shorthand]

    def on_compare(
        self, children: list[Token | Tree[Token]], rel: registry.Relation | None
    ) -> Expr:
        name, op_token, value = _token(children[0]), _token(children[1]), _tree(children[2])
        op = operator(str(op_token)).text
        if rel is None and name.lower() in self.subject.relations:
            inner = self.subject.relations[name.lower()]
            code = self.shorthand(name, inner)
            if op != "=":
                raise _invalid(
                    op_token,
                    N_(
                        "{name} takes = or in; write not {name} = … for contacts without one",
                        name=inner.name,
                    ),
                )
            return Exists(inner.name, Compare(code.name, "=", self.value(code, value)))
        field = self.checked(name, op, rel)
        return Compare(field.name, op, self.value(field, value))

    def in_values(self, field: registry.Field, node: Tree[Token]) -> tuple[Value, ...]:
        return tuple(self.value(field, child) for child in node.children if isinstance(child, Tree))

    def on_in_list(
        self,
        children: list[Token | Tree[Token]],
        rel: registry.Relation | None,
        negated: bool = False,
    ) -> Expr:
        name, values = _token(children[0]), _tree(children[1])
        if rel is None and name.lower() in self.subject.relations:
            inner = self.subject.relations[name.lower()]
            code = self.shorthand(name, inner)
            found = Exists(inner.name, InList(code.name, self.in_values(code, values)))
            return Not(found) if negated else found
        field = self.checked(name, "not in" if negated else "in", rel)
        return InList(field.name, self.in_values(field, values), negated=negated)

    def on_not_in_list(
        self, children: list[Token | Tree[Token]], rel: registry.Relation | None
    ) -> Expr:
        return self.on_in_list(children, rel, negated=True)

    def on_is_empty(self, children: list[Token], rel: registry.Relation | None) -> Expr:
        return IsEmpty(self.checked(children[0], "is empty", rel).name)

    def on_is_not_empty(self, children: list[Token], rel: registry.Relation | None) -> Expr:
        return IsEmpty(self.checked(children[0], "is not empty", rel).name, negated=True)

    def on_matches(self, children: list[Token], rel: registry.Relation | None) -> Expr:
        name, text = children
        field = self.checked(name, "matches", rel)
        filter_text = _unquote(text)
        try:
            bcfilter.parse_filter(filter_text)
        except ValueError as exc:
            raise _invalid(
                text, N_("{field} matches: {reason}", field=field.name, reason=text_of(exc))
            ) from None
        return Matches(field.name, filter_text)

    def on_bare(self, children: list[Token], rel: registry.Relation | None) -> Expr:
        name = children[0]
        if rel is None and name.lower() in self.subject.relations:
            return Exists(self.subject.relations[name.lower()].name)
        field = self.field(name, rel)
        if field.type is not registry.ValueType.BOOL:
            raise _invalid(
                name,
                N_(
                    "{field} is not a yes/no field; compare it, for example {field} = …",
                    field=field.name,
                ),
            )
        return Compare(field.name, "=", True)

    def called(self, node: Tree[Token], rel: registry.Relation | None) -> registry.Relation | None:
        """The relation `NAME(…)` names, or None for a membership `segment(…)`."""
        name = _token(node.children[0])
        key = name.lower()
        if key in self.subject.memberships:
            if rel is not None:
                raise _invalid(
                    name,
                    N_("{key}(…) cannot be used inside {name}(…)", key=key, name=rel.name),
                )
            return None
        if rel is not None:
            raise _invalid(name, N_("a relation cannot be used inside {name}(…)", name=rel.name))
        try:
            return self.subject.relation(str(name))
        except registry.UnknownName as exc:
            raise _invalid(name, exc.text) from None

    def on_call(
        self,
        children: Sequence[Token | Tree[Token] | None],
        _rel: registry.Relation | None,
        made: list[Expr],
    ) -> Expr:
        name, body = _token(children[0]), children[1]
        if name.lower() in self.subject.memberships:
            return self.membership(name, body)
        inner = self.subject.relation(str(name))
        return Exists(inner.name, made[0] if made else None)

    def membership(self, name: Token, body: Token | Tree[Token] | None) -> Expr:
        key = name.lower()
        arg = body
        if key == "logged_segment":
            if isinstance(arg, Tree) and arg.data == "number":
                return LoggedSegmentMember(int(_token(arg.children[0])))
            raise _invalid(name, N_("logged_segment takes an entry no.: logged_segment(3)"))
        if isinstance(arg, Tree) and arg.data in ("bare", "text", "number"):
            token = _token(arg.children[0])
            no = _unquote(token) if arg.data == "text" else str(token)
            if no.strip():
                return SegmentMember(no.strip().upper())
        raise _invalid(name, N_("segment takes a segment no.: segment(SEG00002)"))
