"""`Idempotency-Key` on the API's POSTs (SPEC §10): a retried request with the same key
gets the first answer again (with `Idempotent-Replayed: true`) and nothing is done twice.

Pure ASGI middleware: it reserves the key before the request runs and keeps the answer
after; a request is its method, path, query and the SHA-256 of its body, so the same key
sent with another body is refused. Requests without the header, and anonymous ones
(refused later by the guard), pass through untouched.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rapport.errors import RapportError
from rapport.server.auth import identify
from rapport.server.context import context_of
from rapport.server.problems import from_error
from rapport.services import idempotency

HEADER = b"idempotency-key"
# The answer's headers a retry gets again: where a created thing or a job is, its version,
# and what the body is.
KEPT_HEADERS = frozenset({"location", "etag", "content-type", "retry-after"})


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        identity = await run_in_threadpool(identify, connection)
        if identity is None:
            await self.app(scope, receive, send)
            return
        sessions = context_of(connection).sessions
        user, text = identity.account.name, key.decode("latin-1")
        received, digest = await _read_body(scope, receive)
        # The body's digest first: the kept request text is cut at 300 characters.
        query = scope.get("query_string", b"").decode("latin-1")
        request = f"{digest} POST {scope['path']}?{query}"
        try:
            kept = await run_in_threadpool(
                idempotency.begin, sessions, user=user, key=text, request=request
            )
        except RapportError as exc:
            await from_error(exc)(scope, receive, send)
            return
        if kept is not None:
            await _replay(send, kept)
            return
        status, body, headers = 500, bytearray(), dict[str, str]()

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.update(_kept_headers(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, received, keep)
        finally:
            await run_in_threadpool(
                idempotency.finish,
                sessions,
                user=user,
                key=text,
                status=status,
                body=body.decode("utf-8", "replace"),
                headers=headers,
            )


async def _read_body(scope: Scope, receive: Receive) -> tuple[Receive, str]:
    """The request's body read whole (the security middleware has bounded it), its SHA-256
    (a key reused with another body is another request; a form's multipart boundary, new
    with every sending, left out), and a `receive` that gives the application the same
    messages again."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(message.get("body", b"") for message in messages)
    boundary = _boundary(scope)
    digest = hashlib.sha256(body.replace(boundary, b"") if boundary else body).hexdigest()

    async def again() -> Message:
        return messages.pop(0) if messages else await receive()

    return again, digest


def _boundary(scope: Scope) -> bytes:
    """The multipart boundary its Content-Type names (b"" for any other body)."""
    kind: bytes = dict(scope.get("headers", [])).get(b"content-type", b"")
    if not kind.lower().startswith(b"multipart/"):
        return b""
    for part in kind.split(b";")[1:]:
        name, _, value = part.strip().partition(b"=")
        if name.lower() == b"boundary":
            return value.strip(b'"')
    return b""


def _kept_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    found = ((name.decode("latin-1").lower(), value) for name, value in raw)
    return {name: value.decode("latin-1") for name, value in found if name in KEPT_HEADERS}


async def _replay(send: Send, kept: idempotency.Kept) -> None:
    """The first answer again: its status, body and kept headers (its `Location` …)."""
    body = kept.body.encode()
    headers = dict(kept.headers)
    headers.setdefault(
        "content-type", "application/problem+json" if kept.status >= 400 else "application/json"
    )
    headers.update({"content-length": str(len(body)), "idempotent-replayed": "true"})
    await send(
        {
            "type": "http.response.start",
            "status": kept.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})
