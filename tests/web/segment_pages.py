"""Helpers for the segment page tests: the segment world on the server's database, and
reading a page's CSRF token and controls."""

from __future__ import annotations

import re

from rapport.services.segments import actions, header
from rapport.storage import tables as t
from tests.integration.segment_world import build_world


def world(sessions, *, criteria: str = "") -> str:
    """The segment world with the test users' salesperson, and a segment (with an add
    action of `criteria` when given); its no."""
    with sessions.begin() as session:
        build_world(session)
        for name in ("viewer1", "marketer1", "admin1"):
            session.get(t.User, name).salesperson_code = "JO"
    no = header.create_segment(sessions, description="Spring mailing", user="marketer1").no
    if criteria:
        actions.add_contacts(sessions, no, criteria=criteria, user="marketer1")
    return no


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def labels(html: str) -> list[str]:
    """The text of every <label> and every aria-label of the page."""
    found = [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    return found + re.findall(r'aria-label="([^"]*)"', html)


def buttons(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)]
