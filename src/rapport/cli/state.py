"""The state every command shares: settings, the output mode and the lazily opened database.

Services and SQLAlchemy are imported only when a command needs the database, which keeps
`rapport --help` fast (SPEC §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from rapport.settings import Settings

if TYPE_CHECKING:
    from rapport.storage.db import Sessions


@dataclass
class State:
    settings: Settings
    json: bool = False
    _sessions: Sessions | None = field(default=None, repr=False)

    @property
    def sessions(self) -> Sessions:
        if self._sessions is None:
            from rapport.storage.db import open_database

            self._sessions = open_database(self.settings.database_url)
        return self._sessions

    @property
    def user(self) -> str:
        return self.settings.user

    def close(self) -> None:
        """Close the database's connections, if a command opened it."""
        if self._sessions is not None:
            self._sessions.kw["bind"].dispose()
            self._sessions = None


def state(ctx: typer.Context) -> State:
    """The State of the root command, from any sub-command's context."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State(Settings.load())
    return root.obj
