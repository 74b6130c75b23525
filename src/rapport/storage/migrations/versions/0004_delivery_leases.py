"""Delivery claims carry a lease and a hand-off mark (X8): an interrupted delivery is
picked up again, and one that may have reached the mail server is told apart. Partial
indexes find the privacy-blocked and the excluded contacts without a scan (X7: an add says
how many it skipped and why).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("handed_off_at", sa.DateTime(), nullable=True))
    for flag in ("privacy_blocked", "excluded"):
        op.create_index(
            f"ix_contacts_{flag}",
            "contacts",
            ["id"],
            sqlite_where=sa.text(f"{flag} = 1"),
            postgresql_where=sa.text(flag),
        )


def downgrade() -> None:
    for flag in ("privacy_blocked", "excluded"):
        op.drop_index(f"ix_contacts_{flag}", table_name="contacts")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("handed_off_at")
        batch_op.drop_column("claimed_until")
