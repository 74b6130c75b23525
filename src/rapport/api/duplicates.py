"""Duplicate contacts and profile ratings over HTTP (K5, K3): the duplicate search, the merge
of a duplicate into the contact that stays, and the update of the automatic ratings.

Answers are the JSON of `rapport contacts duplicates --json`, `rapport contacts merge
--json` and `rapport profile update-ratings --json`. The search lives beside the contacts
(`/api/contact-duplicates`), not under `/api/contacts/`, where it would take the place of
a contact numbered DUPLICATES.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from rapport.api.pages import RequestBody
from rapport.api.shapes import answer, documented
from rapport.domain.number_rules import DUPLICATE_MIN_SCORE
from rapport.server.guard import Context
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.contacts import duplicates, merge, ratings

router = api_router(tags=["contacts"])

ContactNo = Annotated[str, Path(min_length=1, max_length=20, examples=["CT000002"])]


class MergeBody(RequestBody):
    other: str = Field(
        min_length=1,
        max_length=20,
        examples=["CT000251"],
        description="The duplicate merged into the contact of the path, then deleted.",
    )


class RatingsBody(RequestBody):
    questionnaire: str | None = Field(
        default=None,
        max_length=10,
        examples=["RATING"],
        description="Only this questionnaire's rating questions (default: all).",
    )


@router.get(
    "/contact-duplicates",
    summary="Likely duplicate contacts",
    response_model=documented(duplicates.DuplicateSearch),
)
def find_duplicates(
    ctx: Context,
    min_score: Annotated[
        int | None,
        Query(
            ge=DUPLICATE_MIN_SCORE.low,
            le=DUPLICATE_MIN_SCORE.high,
            description="Default: the marketing setup's duplicate_min_score.",
        ),
    ] = None,
) -> JSONResponse:
    """K5: pairs of contacts of one type scoring at least `min_score`, best first, with the
    values that matched (name, e-mail, phone, VAT no., address)."""
    return answer(duplicates.find_duplicates(ctx.sessions, min_score=min_score))


@router.post(
    "/contacts/{no}/merge",
    summary="Merge a duplicate into this contact",
    response_model=documented(merge.MergeResult),
)
def merge_contacts(no: ContactNo, body: MergeBody, ctx: Context) -> JSONResponse:
    """K5: everything kept about `other` moves to this contact, what both have under one key
    stays this contact's (the differing values are listed), and `other` is deleted; one
    transaction. A company is not merged with a person."""
    with fields_named(other_no="other"):
        return answer(merge.merge_contacts(ctx.sessions, no, other_no=body.other))


@router.post(
    "/profiles/update-ratings",
    summary="Recompute the automatic profile ratings",
    response_model=documented(ratings.RatingsResult),
)
def update_ratings(body: RatingsBody, ctx: Context) -> JSONResponse:
    """K3: every contact's answer to the rating questions, from the points of the answers it
    has (BC's Update Contact Classification for ratings)."""
    return answer(ratings.update_ratings(ctx.sessions, questionnaire=body.questionnaire))
