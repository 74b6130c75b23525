"""Contacts: the casefolded copies of the text fields case-insensitive criteria compare
(`name matches '@é*'`, issue 11 item 8), indexed, filled for the existing contacts.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# as rapport.storage.tables.FOLDED at this revision (a migration does not read the models)
FOLDED = {"name": "name_folded", "company_name": "company_name_folded", "city": "city_folded"}
BATCH = 10_000


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        for copy in FOLDED.values():
            batch.add_column(sa.Column(copy, sa.String(), server_default="", nullable=False))
    _fill()
    for copy in FOLDED.values():
        op.create_index(f"ix_contacts_{copy}", "contacts", [copy])


def _fill() -> None:
    """The copies of the existing contacts, in batches of plain rows (no ORM objects)."""
    connection = op.get_bind()
    contacts = sa.table(
        "contacts", sa.column("id"), *map(sa.column, FOLDED), *map(sa.column, FOLDED.values())
    )
    read = sa.select(contacts.c.id, *(contacts.c[name] for name in FOLDED)).order_by(contacts.c.id)
    write = (
        sa.update(contacts)
        .where(contacts.c.id == sa.bindparam("key"))
        .values({copy: sa.bindparam(copy) for copy in FOLDED.values()})
    )
    last = 0
    while True:
        rows = connection.execute(read.where(contacts.c.id > last).limit(BATCH)).all()
        if not rows:
            return
        connection.execute(
            write,
            [
                {"key": row[0]}
                | {
                    copy: (value or "").casefold()
                    for copy, value in zip(FOLDED.values(), row[1:], strict=True)
                }
                for row in rows
            ],
        )
        last = rows[-1][0]


def downgrade() -> None:
    for copy in FOLDED.values():
        op.drop_index(f"ix_contacts_{copy}", "contacts")
    with op.batch_alter_table("contacts") as batch:
        for copy in FOLDED.values():
            batch.drop_column(copy)
