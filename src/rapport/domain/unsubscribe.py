"""The signed token of a one-click unsubscribe link (X7, RFC 8058): the contact no. and an
HMAC-SHA256 of it under the installation's secret key, both base64url, so a link can only
unsubscribe the contact it was sent to and cannot be forged or altered."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

PURPOSE = b"rapport-unsubscribe:"


class BadToken(ValueError):
    """The token was not made by this installation (altered, truncated, another key)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, contact_no: str) -> bytes:
    return hmac.new(secret.encode(), PURPOSE + contact_no.encode(), hashlib.sha256).digest()


def make_token(secret: str, contact_no: str) -> str:
    """The token of `contact_no`'s unsubscribe link."""
    return f"{_b64(contact_no.encode())}.{_b64(_signature(secret, contact_no))}"


def read_token(secret: str, token: str) -> str:
    """The contact no. a token was made for; BadToken unless its signature holds."""
    head, dot, tail = token.strip().partition(".")
    try:
        contact_no = _unb64(head).decode()
        signature = _unb64(tail)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadToken("the unsubscribe link is not valid") from exc
    if not dot or not hmac.compare_digest(signature, _signature(secret, contact_no)):
        raise BadToken("the unsubscribe link is not valid")
    return contact_no
