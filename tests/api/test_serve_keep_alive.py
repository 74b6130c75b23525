"""`rapport serve` keeps an idle connection open longer than Uvicorn's 5 s default (SPEC §7;
issue 12 "Performance"): a client that reuses its connection after a pause is answered on
it, where the default would have closed it under the client's next request (the load test
saw such requests fail)."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from rapport.services.users import accounts
from tests.api.test_webhooks_restart import rapport_serve

HEALTH = b"GET /api/health HTTP/1.1\r\nHost: rapport\r\n\r\n"


def answer(connection: socket.socket) -> bytes:
    """One whole response to the health check (a short JSON body), or b"" when the server
    closed the connection."""
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        chunk = connection.recv(4096)
        if not chunk:
            return received
        received += chunk
    return received


def test_an_idle_connection_is_still_open_after_six_seconds(sqlite_sessions, sqlite_url):
    accounts.add_user(sqlite_sessions, "admin1", role="admin", by="tests")
    with rapport_serve(sqlite_url) as (_process, base):
        address = urlsplit(base)
        with socket.create_connection((address.hostname, address.port), timeout=10) as link:
            link.sendall(HEALTH)
            assert answer(link).startswith(b"HTTP/1.1 200")
            time.sleep(6)
            link.sendall(HEALTH)
            assert answer(link).startswith(b"HTTP/1.1 200")
