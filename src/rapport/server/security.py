"""Headers every response carries, and the upload size limit (SPEC §10).

The Content-Security-Policy allows scripts and styles from this server only: no inline
script, no inline event handler, no framing (frame-ancestors 'none'). A request whose
declared body is larger than the limit is refused with 413 before it is read.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware: adds HEADERS and refuses bodies over the server's upload limit
    (`ServerContext.max_upload_bytes`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = int(scope["app"].state.rapport.max_upload_bytes)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(send, limit)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"the request is larger than the limit of {limit // (1024 * 1024)} MB",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RefreshSession:
    """Re-issues the session cookie when `auth.identify` asked for it (sliding idle expiry)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_refreshed(message: Message) -> None:
            payload = scope.get("rapport.refresh_session")
            if message["type"] == "http.response.start" and payload:
                from starlette.requests import Request
                from starlette.responses import Response

                from rapport.server.auth import set_session_cookie

                carrier = Response()
                set_session_cookie(Request(scope), carrier, payload)
                cookie = carrier.headers["set-cookie"].encode()
                names = {name.lower() for name, _ in message.get("headers", [])}
                if b"set-cookie" not in names:
                    message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        await self.app(scope, receive, send_refreshed)
