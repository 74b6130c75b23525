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


def _texts(html: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def labels(html: str) -> list[str]:
    """The text of every <label> and every aria-label of the page."""
    return _texts(html, "label") + re.findall(r'aria-label="([^"]*)"', html)


def buttons(html: str) -> list[str]:
    return _texts(html, "button")


def posting_forms(html: str) -> list[str]:
    """The action of every form that changes something (method post)."""
    return re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
