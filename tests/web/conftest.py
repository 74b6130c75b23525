"""The web UI's tests use the server fixtures of tests/api (app, users, clients)."""

from tests.api.conftest import anonymous, app, browser_as, client_as, users

__all__ = ["anonymous", "app", "browser_as", "client_as", "users"]
