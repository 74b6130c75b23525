"""An interaction log entry's contact is no longer checked by a foreign key (issue 15,
SPEC §9's yardstick), as a segment line's has not been since 0015. A log writes one entry
per line: PostgreSQL checked each with a trigger that looks the contact up and locks it,
SQLite with a look-up per row (0.22 s of a 100,000-line log at 1M contacts). The services
keep the reference: an entry is written only for a contact the statement reads from
`contacts` (a log, an import after its contact check), a contact with entries cannot be
deleted (BC's message), and a merge moves them.

On SQLite the table is rebuilt without the key. Its old table's drop deletes its rows
first, and the deliveries' cascade would delete theirs with them: the deliveries are kept
aside and put back. The entries' change triggers (0007, 0010) go with the old table and are
created again from their own text.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import op
from sqlalchemy import text

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "interaction_log_entries"
KEY = "fk_interaction_log_entries_contact_id_contacts"


def _rebuilding(change: Callable[[], None]) -> None:
    """Run `change` (a batch alteration of the entries); on SQLite keep the deliveries and
    the entries' triggers across the table's rebuild."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        change()
        return
    triggers = list(
        bind.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": TABLE},
        ).scalars()
    )
    op.execute("CREATE TABLE deliveries_kept_by_0016 AS SELECT * FROM deliveries")
    change()
    op.execute("DELETE FROM deliveries")  # whatever the cascade left
    op.execute("INSERT INTO deliveries SELECT * FROM deliveries_kept_by_0016")
    op.execute("DROP TABLE deliveries_kept_by_0016")
    for statement in triggers:
        op.execute(statement)


def upgrade() -> None:
    def drop_key() -> None:
        with op.batch_alter_table(TABLE) as batch:
            batch.drop_constraint(KEY, type_="foreignkey")

    _rebuilding(drop_key)


def downgrade() -> None:
    def add_key() -> None:
        with op.batch_alter_table(TABLE) as batch:
            batch.create_foreign_key(KEY, "contacts", ["contact_id"], ["id"])

    _rebuilding(add_key)
