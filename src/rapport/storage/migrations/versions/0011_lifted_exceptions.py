"""The exceptions of a dynamic segment that a later action lifted (X4), so that undoing
that action puts them back (S8).

Revision ID: 0011
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segment_lifted_exceptions",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("lifted_action", sa.Integer(), nullable=False),
        sa.Column("action_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment_headers.id"],
            name=op.f("fk_segment_lifted_exceptions_segment_id_segment_headers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_segment_lifted_exceptions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "segment_id", "contact_id", "lifted_action", name=op.f("pk_segment_lifted_exceptions")
        ),
    )


def downgrade() -> None:
    op.drop_table("segment_lifted_exceptions")
