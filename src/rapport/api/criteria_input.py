"""Criteria as the API receives them (SPEC §5, §7): the criteria language as text, or the
JSON tree (`docs/criteria-language.md`), read into the canonical text the services take.

An error names where it is: `errors[0].field` is the request field (`criteria`, `where`,
or the JSON path inside the tree, `criteria.and[1].value`), and for text
`errors[0].position` is the line and column the parser reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapport.criteria import from_json, parse, render
from rapport.errors import Invalid

# The parser's messages start with the position (criteria/parse.py): "line 1, col 23: …".
POSITION = re.compile(r"^line (\d+), col (\d+): ")


class CriteriaInvalid(Invalid):
    """Criteria that do not read: the message of the parser, the request field, and the
    position in the text when there is one."""

    def __init__(self, message: str, *, field: str, position: tuple[int, int] | None) -> None:
        super().__init__(message)
        self.where = field
        self.position = position


def criteria_text(source: str | Mapping[str, Any], *, field: str) -> str:
    """The canonical criteria text of `source` (text or JSON tree), checked."""
    if isinstance(source, str):
        try:
            return render(parse(source))
        except Invalid as exc:
            found = POSITION.match(exc.message)
            position = (int(found.group(1)), int(found.group(2))) if found else None
            raise CriteriaInvalid(exc.message, field=field, position=position) from None
    try:
        return render(from_json(dict(source)))
    except Invalid as exc:
        path = (exc.where or "$").removeprefix("$")
        raise CriteriaInvalid(exc.message, field=f"{field}{path}", position=None) from None
