"""A page's lookups: an input that holds a code names a `<datalist>` of the codes it may take
with their names (`services.setup.lookups`), so the browser suggests them as the user types.

Every page gets a `Lookups` (`render.page`). A template gives an input its list with
`{{ lookups.attr("salesperson_code") }}`; base.html writes the lists the page's inputs
named at the end of the page, read in one transaction, each once (a page that names none
reads none).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from rapport.services.setup import lookups
from rapport.storage.db import Sessions


class Lookups:
    def __init__(self, sessions: Sessions | None) -> None:
        self._sessions = sessions
        self._named: list[str] = []
        self._written: set[str] = set()

    def attr(self, name: str) -> Markup:
        """` list="lookup-…"` for a field that holds a code (by its name, or by the lookup's
        own name), nothing for any other field."""
        lookup = lookups.lookup_of(name) or (name if name in lookups.LOOKUPS else None)
        if lookup is None or self._sessions is None:
            return Markup("")
        if lookup not in self._named:
            self._named.append(lookup)
        return Markup(' list="lookup-{}"').format(lookup)

    def lists(self) -> Markup:
        """The `<datalist>` of every lookup named and not yet written (none without one;
        without a database, `attr` names none)."""
        wanted = [lookup for lookup in self._named if lookup not in self._written]
        if not wanted or self._sessions is None:
            return Markup("")
        self._written.update(wanted)
        parts = []
        for lookup, found in lookups.options(self._sessions, wanted).items():
            items = "".join(
                f'<option value="{escape(code)}">{escape(label)}</option>' for code, label in found
            )
            parts.append(f'<datalist id="lookup-{lookup}">{items}</datalist>')
        return Markup("".join(parts))  # noqa: S704 (escaped above)
