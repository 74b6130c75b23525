"""A segment line's removal mark touches only indexes in contact order (X4, issue 14): the
partial unique index on the line numbers of the lines still on their segment goes. It was
the one structure in line-number order (the company-name order of S11, unrelated to the
contacts') whose entries a removal changed, so removing a few thousand lines from a large
segment read and rewrote one scattered index page per line. Line numbers stay unique among
the lines on a segment by construction: a new line is numbered after the highest number
the segment ever used, a line given another contact reuses its number only after its old
line is removed, and undo restores exactly the lines of an earlier state (tests check it).
The (segment, line no.) index that the numbering and the look-ups by line no. read stays.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEX = "ux_segment_lines_active_line_no"


def upgrade() -> None:
    op.drop_index(INDEX, table_name="segment_lines")


def downgrade() -> None:
    op.create_index(
        INDEX,
        "segment_lines",
        ["segment_id", "line_no"],
        unique=True,
        sqlite_where=sa.text("removed_action IS NULL"),
        postgresql_where=sa.text("removed_action IS NULL"),
    )
