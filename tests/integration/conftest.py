"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

from tests.integration.mailbox import serve


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (inbox, settings pointing at it)."""
    yield from serve()
