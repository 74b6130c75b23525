"""Criteria as every use case accepts them: the text, the JSON tree (the API sends either)
or an already parsed `Criteria`; parsed once, at the use case's entry, and passed on as
the value so that nothing below re-parses it (X1).

The criteria engine (the grammar, the compiler, the field registry) is imported when
criteria are given, not when a module that may take them is imported: a command that
reads one contact never loads it (SPEC §9, start-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, Union

if TYPE_CHECKING:
    from rapport.criteria.value import Criteria

# A forward reference, so that the alias exists at run time without the criteria engine.
CriteriaSource: TypeAlias = Union[str, Mapping[str, Any], "Criteria"]


def as_criteria(source: CriteriaSource) -> Criteria:
    """The criteria of `source`; Invalid (with the position or JSON path) when bad."""
    from rapport.criteria.value import Criteria

    return source if isinstance(source, Criteria) else Criteria.parse(source)


def optional_criteria(source: CriteriaSource | None) -> Criteria | None:
    """Like `as_criteria`, with no criteria (None or blank text) meaning "everything"."""
    if source is None or (isinstance(source, str) and not source.strip()):
        return None
    return as_criteria(source)
