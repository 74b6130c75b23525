"""Names the criteria registry does not know (a field, a relation, a subject), refused with
the nearest known name suggested."""

from __future__ import annotations

import difflib

from rapport.errors import N_, Text

__all__ = ["UnknownName", "suggestion"]


class UnknownName(LookupError):
    """A name the registry does not know; the message suggests the nearest one."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.text = message
        self.message = str(message)


def suggestion(name: str, known: list[str]) -> Text:
    """` — did you mean 'x'?` for the nearest known name, or nothing."""
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return N_(" — did you mean {name!r}?", name=close[0]) if close else Text("")
