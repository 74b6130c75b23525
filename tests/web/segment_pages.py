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


def section(html: str, section_id: str) -> str:
    """The markup inside the <section> with id `section_id` (sections nested in it, such as
    a question, included)."""
    start = re.search(rf'<section\b[^>]*\bid="{section_id}"[^>]*>', html)
    assert start is not None, f"no section {section_id!r}"
    depth, at = 1, start.end()
    for tag in re.finditer(r"<(/?)section\b", html[at:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[at : at + tag.start()]
    raise AssertionError(f"section {section_id!r} is not closed")


def top_of_card(html: str) -> str:
    """The card above its first section: the title, its links and what is said at the top."""
    return html.split("<h1>", 1)[1].split("<section", 1)[0]
