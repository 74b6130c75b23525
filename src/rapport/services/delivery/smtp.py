"""Sending delivery e-mail (L3, X8): the SMTP server of RAPPORT_SMTP_URL, one reused
connection per delivery run, and the throttle that spaces messages out.

`smtp://[user:password@]host:port` is a plain connection, `smtps://` a TLS one. A refusal
with a 5xx code is permanent (retrying will not help); anything else is transient and the
entry is retried later with back-off.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from urllib.parse import unquote, urlsplit

from rapport.errors import N_, Invalid

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool
    user: str
    password: str


class MailConnectionError(Exception):
    """The SMTP server could not be reached: no point trying the next message now."""


class MailRefused(Exception):
    """The server refused one message; `permanent` when its reply code was 5xx."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def parse_smtp_url(url: str | None) -> SmtpTarget:
    """The server of RAPPORT_SMTP_URL, or Invalid with what is wrong."""
    if not url:
        raise Invalid(
            N_(
                "delivery by e-mail needs an SMTP server: set RAPPORT_SMTP_URL "
                "(smtp://[user:password@]host:port, or smtps:// for TLS)"
            )
        )
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise Invalid(
            N_(
                "RAPPORT_SMTP_URL must look like smtp://[user:password@]host:port, got {url!r}",
                url=url,
            )
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise Invalid(N_("RAPPORT_SMTP_URL has a bad port: {url!r}", url=url)) from exc
    tls = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=port or (465 if tls else 25),
        tls=tls,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def _refusal(exc: smtplib.SMTPException) -> MailRefused:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace')}"
            for addr, (code, msg) in exc.recipients.items()
        )
        return MailRefused(f"refused by the mail server: {text}", permanent=min(codes) >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        detail = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        return MailRefused(
            f"refused by the mail server: {exc.smtp_code} {detail}",
            permanent=exc.smtp_code >= 500,
        )
    return MailRefused(f"mail server error: {exc}", permanent=False)


class Mailer:
    """One lazily opened SMTP connection, reused for every message of a delivery run."""

    def __init__(self, target: SmtpTarget, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self._target = target
        self._timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        target = self._target
        try:
            smtp: smtplib.SMTP
            if target.tls:
                context = ssl.create_default_context()
                smtp = smtplib.SMTP_SSL(
                    target.host, target.port, timeout=self._timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(target.host, target.port, timeout=self._timeout)
            if target.user:
                smtp.login(target.user, target.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailConnectionError(
                f"cannot reach the mail server {target.host}:{target.port}: {exc}"
            ) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; MailRefused for this message, MailConnectionError for the server."""
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    raise MailConnectionError(f"the mail server disconnected: {exc}") from exc
            except smtplib.SMTPException as exc:
                raise _refusal(exc) from exc
            except OSError as exc:
                self._smtp = None
                raise MailConnectionError(f"lost the mail server: {exc}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Throttle:
    """At most `rate` messages per second: waits (with `sleep`) until the next slot is due."""

    def __init__(
        self, rate: float, *, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        if rate <= 0:
            raise Invalid(N_("the delivery rate must be positive, got {rate}", rate=rate))
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None

    def wait(self) -> None:
        current = self._clock()
        if self._next_at is not None and current < self._next_at:
            self._sleep(self._next_at - current)
            current = self._next_at
        self._next_at = current + self._interval
