"""The casefolded copies (schema.FOLDS) in set-based writes whose text comes from other rows
(`INSERT … SELECT`): the database cannot fold Unicode alike on both engines, so the copy is
made in Python from the few texts the statement copies, as a CASE over them, or, when the
texts are too many for one statement, rewritten afterwards in batches of plain rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table, bindparam, case, select, update

from rapport.storage.schema import FOLDS, fold

if TYPE_CHECKING:
    from rapport.storage.db import Db

__all__ = ["INLINE", "folded_case", "refold"]

INLINE = 200  # the most distinct texts a CASE folds (two bound parameters each)
BATCH = 10_000  # rows per batch of `refold`


def folded_case(column: ColumnElement[Any], texts: Iterable[str]) -> ColumnElement[Any]:
    """The casefold of `column`, whose values are among `texts`: a CASE mapping each text
    that folds to something else (the column itself when none does)."""
    changed = {text: fold(text) for text in set(texts) if fold(text) != text}
    if not changed:
        return column
    return case(changed, value=column, else_=column)


def refold(session: Db, table: Table, *where: ColumnElement[bool]) -> None:
    """Write the casefolded copies of the rows of `table` that `where` selects, BATCH rows
    at a time in key order: their keys and texts read, their copies written by key (no
    ORM objects). `table` has a one-column primary key."""
    (key,) = table.primary_key.columns
    copies = FOLDS[table.name]
    read = select(key, *(table.c[name] for name in copies)).where(*where).order_by(key)
    write = (
        update(table)
        .where(key == bindparam("_key"))
        .values({copy: bindparam(f"_{copy}") for copy in copies.values()})
    )
    last: Any = None
    while True:
        page = read if last is None else read.where(key > last)
        rows = session.execute(page.limit(BATCH)).all()
        if not rows:
            return
        session.execute(
            write,
            [
                {"_key": row[0]}
                | {
                    f"_{copy}": fold(text)
                    for copy, text in zip(copies.values(), row[1:], strict=True)
                }
                for row in rows
            ],
        )
        last = rows[-1][0]
