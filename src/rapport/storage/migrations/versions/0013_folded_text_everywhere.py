"""The casefolded copy of every text field case-insensitive criteria compare (`@`, issue 11
item 8): the contacts' county, e-mail, phone, mobile and job title (indexed, as the copies
of 0006), a web source's search word, a questionnaire line's text (a profile answer), an
interaction log entry's description and subject, a segment's description and default
subject, a logged segment's and a campaign's description. Filled for the existing rows in
batches of plain rows (no ORM objects). A contact's search name that is its name
upper-cased by the database (SQL upper(), ASCII only on SQLite) becomes the name
upper-cased by Python, as every write now makes it.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 10_000

# as rapport.storage.schema.FOLDS at this revision, less the copies of 0006 (a migration
# does not read the models): table → (its key columns, the text fields given a copy)
COPIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contacts": (("id",), ("county", "email", "phone", "mobile", "job_title")),
    "contact_web_sources": (("contact_id", "web_source_code"), ("search_word",)),
    "profile_questionnaire_lines": (("profile_questionnaire_code", "line_no"), ("description",)),
    "interaction_log_entries": (("entry_no",), ("description", "subject")),
    "segment_headers": (("id",), ("description", "subject_default")),
    "logged_segments": (("entry_no",), ("description",)),
    "campaigns": (("no",), ("description",)),
}
INDEXED = "contacts"

Row = Sequence[Any]


def upgrade() -> None:
    for table, (_keys, names) in COPIES.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.add_column(
                    sa.Column(f"{name}_folded", sa.String(), server_default="", nullable=False)
                )
    for table, (keys, names) in COPIES.items():
        if table == INDEXED:  # one pass over the contacts: the copies and the search name
            _fill(table, keys, (*names, "name", "search_name"), _contact(names))
        else:
            _fill(table, keys, names, _folds(names))
    for name in COPIES[INDEXED][1]:
        op.create_index(f"ix_contacts_{name}_folded", INDEXED, [f"{name}_folded"])


def _folds(names: tuple[str, ...]) -> Callable[[Row], dict[str, Any]]:
    def folds(values: Row) -> dict[str, Any]:
        pairs = zip(names, values, strict=True)
        return {f"{name}_folded": (value or "").casefold() for name, value in pairs}

    return folds


def _contact(names: tuple[str, ...]) -> Callable[[Row], dict[str, Any]]:
    folds = _folds(names)

    def written(values: Row) -> dict[str, Any]:
        return folds(values[: len(names)]) | _search_name(values[len(names) :])

    return written


def _search_name(values: Row) -> dict[str, Any]:
    """The search name, upper-cased by Python when it was the name upper-cased by SQL."""
    name, search_name = (value or "" for value in values)
    same = search_name.casefold() == name.casefold()
    return {"search_name": name.upper() if same and search_name else search_name}


def _fill(
    name: str,
    keys: tuple[str, ...],
    texts: tuple[str, ...],
    make: Callable[[Row], dict[str, Any]],
) -> None:
    """Rewrite the rows of table `name` in key order, BATCH rows at a time: read their keys
    and `texts`, write what `make` makes of the texts (their casefolded copies)."""
    connection = op.get_bind()
    outputs = list(make([""] * len(texts)))
    table = sa.table(name, *map(sa.column, {*keys, *texts, *outputs}))
    key = sa.tuple_(*(table.c[k] for k in keys)) if len(keys) > 1 else table.c[keys[0]]
    read = sa.select(*(table.c[k] for k in (*keys, *texts))).order_by(*(table.c[k] for k in keys))
    write = (
        sa.update(table)
        .where(*(table.c[k] == sa.bindparam(f"key_{k}") for k in keys))
        .values({out: sa.bindparam(f"new_{out}") for out in outputs})
    )
    last: Row | None = None
    while True:
        page = read if last is None else read.where(key > _key(last, keys))
        rows = connection.execute(page.limit(BATCH)).all()
        if not rows:
            return
        connection.execute(
            write,
            [
                {f"key_{k}": row[i] for i, k in enumerate(keys)}
                | {f"new_{out}": value for out, value in make(row[len(keys) :]).items()}
                for row in rows
            ],
        )
        last = rows[-1]


def _key(row: Row, keys: tuple[str, ...]) -> Any:
    values = [sa.literal(row[i]) for i in range(len(keys))]
    return sa.tuple_(*values) if len(keys) > 1 else values[0]


def downgrade() -> None:
    for name in COPIES[INDEXED][1]:
        op.drop_index(f"ix_contacts_{name}_folded", INDEXED)
    for table, (_keys, names) in COPIES.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.drop_column(f"{name}_folded")
