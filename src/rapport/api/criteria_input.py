"""Criteria as the API receives them (SPEC §5, §7): the criteria language as text, or the
JSON tree (`docs/criteria-language.md`), read once at the edge into the `Criteria` value
the services take.

An error names where it is: `errors[0].field` is the request field (`criteria`, `where`,
or the JSON path inside the tree, `criteria.and[1].value`), and for text
`errors[0].position` is the line and column the parser reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.criteria import Criteria
from rapport.errors import Invalid


def read_criteria(source: str | Mapping[str, Any], *, field: str) -> Criteria:
    """The criteria of `source` (text or JSON tree), checked; Invalid naming `field`."""
    try:
        return Criteria.parse(source if isinstance(source, str) else dict(source))
    except Invalid as exc:
        if isinstance(source, str):
            raise Invalid(exc.message, field=field, position=exc.position) from None
        path = (exc.field or "$").removeprefix("$")
        raise Invalid(exc.message, field=f"{field}{path}") from None
