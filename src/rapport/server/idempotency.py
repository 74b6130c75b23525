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
        status, body = 500, bytearray()

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
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
            )


async def _replay(send: Send, kept: idempotency.Kept) -> None:
    body = kept.body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": kept.status,
            "headers": [
                (
                    b"content-type",
                    b"application/problem+json" if kept.status >= 400 else b"application/json",
                ),
                (b"content-length", str(len(body)).encode()),
                (b"idempotent-replayed", b"true"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
