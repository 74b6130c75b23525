"""A real SMTP server on loopback for the delivery tests: aiosmtpd keeping what it accepts."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from rapport.settings import Settings


class Inbox:
    """An aiosmtpd handler keeping every accepted message; `refuse` maps an address to the
    reply its RCPT gets (e.g. "450 busy"); a message to an address in `hold` is kept but
    its reply waits until `release` is set (a client killed while it waits)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.hold: set[str] = set()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ARG002
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ARG002
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        while self.hold & set(envelope.rcpt_tos) and not self.release.is_set():
            await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    # aiosmtpd cannot start on port 0 (its self-check connects to the port it was given).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve() -> Iterator[tuple[Inbox, Settings]]:
    """Run an SMTP server on a free loopback port; yields its inbox and matching settings."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            inbox,
            Settings(
                smtp_url=f"smtp://127.0.0.1:{port}", mail_from="news@rapport.test", smtp_rate=200.0
            ),
        )
    finally:
        inbox.release.set()
        controller.stop()
