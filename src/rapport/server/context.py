"""What one server process holds: its settings, its database, its signing key and its preview
accelerator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from rapport.server.limits import SignInLimiter
from rapport.services.segments.accelerator import Accelerator
from rapport.settings import Settings
from rapport.storage.db import Sessions


@dataclass
class ServerContext:
    settings: Settings
    sessions: Sessions
    secret_key: str
    max_upload_bytes: int = 50 * 1024 * 1024
    session_idle_seconds: int = 8 * 3600
    session_absolute_seconds: int = 7 * 24 * 3600
    sign_in_limiter: SignInLimiter = field(default_factory=SignInLimiter)
    wake_jobs: Callable[[], None] = field(default=lambda: None, repr=False)
    # X2/X6: the in-process preview accelerator (`rapport serve`), or None: SQL answers.
    accelerator: Accelerator | None = field(default=None, repr=False)


def context_of(connection: HTTPConnection) -> ServerContext:
    found = connection.app.state.rapport
    if not isinstance(found, ServerContext):
        raise RuntimeError("the application was not made by rapport.app.create_app")
    return found
