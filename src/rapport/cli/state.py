"""The state every command shares: settings, the output mode and the lazily opened database.

Services and SQLAlchemy are imported only when a command needs the database, which keeps
`rapport --help` fast, and SQLAlchemy's ORM only when a command takes `sessions`: a command
that only reads through Core takes `database`, the engine (SPEC §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from rapport.cli import collector
from rapport.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rapport.storage.db import Sessions


@dataclass
class State:
    """The settings, the output mode and the database of one command line."""

    settings: Settings
    json: bool = False
    _engine: Engine | None = field(default=None, repr=False)
    _sessions: Sessions | None = field(default=None, repr=False)

    @property
    def database(self) -> Engine:
        """The engine on the migrated database, for the use cases that read through Core."""
        if self._engine is None:
            from rapport.storage.db import connect_database

            collector.started()
            self._engine = connect_database(self.settings.database_url)
        return self._engine

    @property
    def sessions(self) -> Sessions:
        if self._sessions is None:
            from rapport.storage.db import sessions_of

            self._sessions = sessions_of(self.database)
        return self._sessions

    @property
    def user(self) -> str:
        return self.settings.user

    def close(self) -> None:
        """Close the database's connections, if a command opened it."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = self._sessions = None


def state(ctx: typer.Context) -> State:
    """The State of the root command, from any sub-command's context."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State(Settings.load())
    return root.obj
