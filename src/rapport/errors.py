"""Errors raised by the domain and the services; each edge maps them once.

    RapportError            a user-facing failure; nothing was changed
    ├── NotFound            a referenced record does not exist (contact, segment, code …)
    ├── Invalid             bad input: a field, a file row or a criteria position is wrong
    ├── Conflict            the data's state forbids the action (already logged, on a segment …)
    │   └── Stale           the record changed since the caller read it (optimistic concurrency)
    └── Forbidden           the user may not do this

The CLI turns every one of them into one line on stderr and exit status 1; the API into an
RFC 9457 problem document (404/422/409/412/403).
"""

from __future__ import annotations


class RapportError(Exception):
    """A failure the user can act on; the message says what and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(RapportError):
    """A referenced record does not exist."""


class Invalid(RapportError):
    """Bad input; `where` names the field, row or position at fault."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class Conflict(RapportError):
    """The state of the data forbids the action."""


class Stale(Conflict):
    """The record was changed by someone else after the caller read the version it names
    (Business Central: "another user has modified the record")."""


class Forbidden(RapportError):
    """The current user may not perform the action."""
