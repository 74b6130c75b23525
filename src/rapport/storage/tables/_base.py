"""The declarative base of the ORM classes, on the one `MetaData` of `storage.schema`, and
the one event every class shares: a row's casefolded copies follow its text fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

from rapport.storage import schema


class Base(DeclarativeBase):
    metadata = schema.metadata


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fold(_mapper: Any, _connection: Any, row: Any) -> None:
    """A row's casefolded copies (schema.FOLDS) follow its text fields."""
    for name, copy in schema.FOLDS.get(row.__table__.name, {}).items():
        setattr(row, copy, schema.fold(getattr(row, name)))
