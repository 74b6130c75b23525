"""The web UI's tests use the server fixtures of tests/api (app, users, clients, SMTP)."""

from tests.api.conftest import (
    anonymous,
    app,
    browser_as,
    client_as,
    passwords,
    settings,
    smtp,
    users,
)

__all__ = ["anonymous", "app", "browser_as", "client_as", "passwords", "settings", "smtp", "users"]
