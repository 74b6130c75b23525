"""The numbers a page's address carries (an entry no., a token's id, a line no., the keyset
cursor of a list), bounded as the database keeps them (`domain.codes`): a larger one in
an address someone typed or forged is refused as any bad request is (a 422 page), never
sent to the database, which would fail on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from rapport.domain.codes import LARGEST_ENTRY_NO, LARGEST_LINE_NO
from rapport.services.segments.browse import MAX_PAGE

EntryNo = Annotated[int, Path(ge=1, le=LARGEST_ENTRY_NO)]  # also a token's id
LineNo = Annotated[int, Path(ge=1, le=LARGEST_LINE_NO)]
EntryAfter = Annotated[int | None, Query(ge=0, le=LARGEST_ENTRY_NO)]  # a list's next page
LineAfter = Annotated[int, Query(ge=0, le=LARGEST_LINE_NO)]
# A criteria action's no. in the membership history's next page (0: from the first event).
ActionAfter = Annotated[int, Query(ge=0, le=LARGEST_ENTRY_NO)]

# A segment card's page of lines: 25 lines unless its address asks for another number, up to
# the service's largest page; 0, a negative or a larger number is refused, not changed.
LINES_PER_PAGE = 25
LinesLimit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
