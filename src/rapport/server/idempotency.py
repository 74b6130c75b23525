"""`Idempotency-Key` on the API's POSTs (SPEC §10): a retried request with the same key
gets the first answer again (with `Idempotent-Replayed: true`) and nothing is done twice.

Pure ASGI middleware: it reserves the key before the request runs and keeps the answer
after; requests without the header, and anonymous ones (refused later by the guard), pass
through untouched.
"""

from __future__ import annotations

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
        request = f"POST {scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"
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
            await self.app(scope, receive, keep)
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
