"""The headers a kept idempotent answer carries (its `Location`, `ETag` …), so that a
retried request gets them again with the first answer (SPEC §10).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotent_requests") as table:
        table.add_column(sa.Column("headers", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("idempotent_requests") as table:
        table.drop_column("headers")
