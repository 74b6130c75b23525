"""What the list pages share: the criteria filter read once at the edge (an error is shown
beside the input, never raised as a page), the keyset cursor of the next page, whether a
request wants the htmx fragment alone, and whether the user may change anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request

from rapport.criteria import Criteria, Subject
from rapport.domain.enums import Role
from rapport.errors import Invalid
from rapport.server.auth import Identity
from rapport.web.render import beside_input

PAGE_SIZE = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Filter:
    """The filter of a list as the user typed it, its parsed criteria, or the error."""

    where: str
    search: str
    criteria: Criteria | None
    error: str | None


def read_filter(
    where: str | None,
    search: str | None,
    subject: Subject,
    translate: Callable[[str], str] | None = None,
) -> Filter:
    text, plain = (where or "").strip(), (search or "").strip()
    if not text:
        return Filter(text, plain, None, None)
    try:
        return Filter(text, plain, Criteria.parse(text, subject=subject), None)
    except Invalid as exc:
        return Filter(text, plain, None, beside_input(exc, translate or str))


def listed(
    found: Filter, read: Callable[[], T], translate: Callable[[str], str] | None = None
) -> tuple[Filter, T | None]:
    """The page `read` gives for a filter the parser accepted; criteria the service refuses
    (a code that does not exist, with its did-you-mean) are shown beside the input too."""
    if found.error is not None:
        return found, None
    try:
        return found, read()
    except Invalid as exc:
        if exc.field != "where":
            raise
        return replace(found, criteria=None, error=beside_input(exc, translate or str)), None


def next_link(request: Request, after: str | int | None) -> str | None:
    """The address of the page after `after`, keeping the filter; None on the last page."""
    if after is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    params.append(("after", str(after)))
    return f"{request.url.path}?{urlencode(params)}"


def wants_fragment(request: Request) -> bool:
    """An htmx request that replaces part of the page (not a boosted whole page)."""
    return request.headers.get("hx-request") == "true" and not request.headers.get("hx-boosted")


def may_change(who: Identity) -> bool:
    """Marketers and admins see change actions; viewers only read."""
    return who.account.role.allows(Role.MARKETER)
