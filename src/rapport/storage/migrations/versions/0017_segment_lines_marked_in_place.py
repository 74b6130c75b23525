"""On PostgreSQL a segment line is marked removed, and put back by an undo, in place (issue
15, SPEC §9's yardstick). An UPDATE writes a new version of the row; when no index holds a
column it changes and the row's page has room, PostgreSQL keeps the version on that page
and writes no index entry (a heap-only tuple, HOT). The (segment, removed action, contact)
index held the removal mark, so every mark wrote a new version and an entry in each of the
table's four indexes: at 1M contacts a refine of a 500,000-line segment took 2 × the
yardstick's deletes, a reduce 1.5 ×. On PostgreSQL that index becomes (segment, contact),
and the table's pages are filled to 70 % so that a marked line's new version fits beside
it. SQLite changes only the indexes whose columns change, and walks the removal mark's
index to delete a segment's lines in order: it keeps the index as it is.

The fill factor applies to the pages written from now on; lines already written take
their place in new pages when marked, as before.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "segment_lines"
MARKED = "ix_segment_lines_segment_id_removed_action_contact_id"
IN_PLACE = "ix_segment_lines_segment_id_contact_id"
FILL = 70


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {FILL})")
    op.create_index(IN_PLACE, TABLE, ["segment_id", "contact_id"])
    op.drop_index(MARKED, table_name=TABLE)


def downgrade() -> None:
    if not _postgresql():
        return
    op.create_index(MARKED, TABLE, ["segment_id", "removed_action", "contact_id"])
    op.drop_index(IN_PLACE, table_name=TABLE)
    op.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")
