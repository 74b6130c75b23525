"""A logged segment named by its entry no. (L5): the one way every service looks it up
before it acts on it, and says so when it does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from rapport.domain.codes import may_name_a_row
from rapport.errors import ENTRY_NO_FIELD, N_, NotFound, does_not_exist
from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.storage.db import Db


def no_logged_segment(entry_no: int, *, field: str | None = None) -> NotFound:
    """NotFound for logged segment `entry_no`; `field` names the input that named it when
    the caller acts on something else (a segment reusing it)."""
    return does_not_exist(N_("Logged Segment"), (ENTRY_NO_FIELD, entry_no), field=field)


def check_logged_segment(session: Db, entry_no: int, *, field: str | None = None) -> None:
    """NotFound unless logged segment `entry_no` exists (a number no row can have is said
    not to exist without asking the database, which could not compare it); `field` names
    the input that named it when it is not the record the caller acts on."""
    logged = schema.logged_segments
    if not may_name_a_row(entry_no) or (
        session.scalar(select(logged.c.entry_no).where(logged.c.entry_no == entry_no)) is None
    ):
        raise no_logged_segment(entry_no, field=field)
