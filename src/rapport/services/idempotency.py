"""Idempotent requests (SPEC §10): the first answer to a POST sent with an
`Idempotency-Key` is kept, so that a retried request gets it again and nothing is done
twice. A key is the user's own; reused for another request, it is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from rapport.errors import Conflict, Invalid
from rapport.storage.db import Sessions
from rapport.storage.tables import IdempotentRequest

IN_PROGRESS = 0
KEEP = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Kept:
    """The first answer: its status, body and the headers a retry needs again."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def begin(sessions: Sessions, *, user: str, key: str, request: str) -> Kept | None:
    """The kept answer of an earlier request with this key, or None after reserving the key
    for this one. A key in use by a request still running, or by another request, is
    refused."""
    if not key or len(key) > 100:
        raise Invalid("an Idempotency-Key has 1 to 100 characters", where="Idempotency-Key")
    with sessions.begin() as session:
        session.execute(
            delete(IdempotentRequest).where(IdempotentRequest.created_at < utcnow() - KEEP)
        )
        found = session.get(IdempotentRequest, (user, key))
        if found is not None:
            return _kept(found, request)
    try:
        with sessions.begin() as session:
            session.add(
                IdempotentRequest(
                    user_name=user,
                    key=key,
                    request=request[:300],
                    status=IN_PROGRESS,
                    body="",
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        raise Conflict("a request with this Idempotency-Key is still running") from None
    return None


def _kept(found: IdempotentRequest, request: str) -> Kept:
    if found.request != request[:300]:
        raise Invalid("this Idempotency-Key was used for another request", where="Idempotency-Key")
    if found.status == IN_PROGRESS:
        raise Conflict("a request with this Idempotency-Key is still running")
    return Kept(found.status, found.body, json.loads(found.headers or "{}"))


def finish(
    sessions: Sessions,
    *,
    user: str,
    key: str,
    status: int,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Keep the answer with its `headers` (a 202's `Location` …); a 5xx frees the key
    instead, so the request can be tried again."""
    with sessions.begin() as session:
        if status >= 500:
            session.execute(
                delete(IdempotentRequest).where(
                    IdempotentRequest.user_name == user, IdempotentRequest.key == key
                )
            )
            return
        session.execute(
            update(IdempotentRequest)
            .where(IdempotentRequest.user_name == user, IdempotentRequest.key == key)
            .values(status=status, body=body, headers=json.dumps(dict(headers or {})))
        )
