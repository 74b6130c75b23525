"""Errors raised by the domain and the services; each edge maps them once.

    RapportError            a user-facing failure; nothing was changed
    ├── NotFound            a referenced record does not exist (contact, segment, code …)
    ├── Invalid             bad input: `field` names the parameter or field at fault,
    │                       `position` the (line, column) in criteria text
    ├── Conflict            the data's state forbids the action (already logged, on a segment …)
    │   └── Stale           the record changed since the caller read it (optimistic concurrency)
    ├── Forbidden           the user may not do this
    └── DeliveryFailed      a segment was logged but its delivery failed: resend `entry_no`

An error speaks of the service's own parameters and fields (`to_action`, `criteria`,
`database_url`), never of an edge's words (a command-line flag, a URL, an HTML id), and keeps
its message apart from the field: `message` is the plain message, `field` and `position`
say what it is about, and only `str(error)` (for logs and tracebacks) joins them. Each edge
renders them
once: the CLI as one stderr line naming its own flag and exit status 1 (`rapport.cli.main`);
the API as an RFC 9457 problem document (404/422/409/412/403) with the field.
"""

from __future__ import annotations


class RapportError(Exception):
    """A failure the user can act on; the message says what went wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(RapportError):
    """A referenced record does not exist."""


class Invalid(RapportError):
    """Bad input. `field` names the parameter, field, file or JSON path at fault; `position`
    is the (line, column) of a criteria error in its text. `where` is the older name of
    `field`, still accepted from the criteria engine."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        position: tuple[int, int] | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field if field is not None else where
        self.position = position

    def __str__(self) -> str:
        text = self.message
        if self.position is not None:
            text = f"line {self.position[0]}, col {self.position[1]}: {text}"
        return f"{self.field}: {text}" if self.field else text


class Conflict(RapportError):
    """The state of the data forbids the action."""


class Stale(Conflict):
    """The record was changed by someone else after the caller read the version it names
    (Business Central: "another user has modified the record")."""


class Forbidden(RapportError):
    """The current user may not perform the action."""


class DeliveryFailed(RapportError):
    """Logged segment `entry_no` was logged, but delivering it failed with `cause`; the log
    stays and the entries can be resent."""

    def __init__(self, entry_no: int, cause: RapportError) -> None:
        super().__init__(
            f"Logged Segment {entry_no} has been logged, but its delivery failed: {cause.message}"
        )
        self.entry_no = entry_no
        self.cause = cause
