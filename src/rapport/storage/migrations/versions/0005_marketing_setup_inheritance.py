"""Marketing setup: the six inheritance flags (BC's Marketing Setup → Inheritance), on in
every database, new or existing.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FLAGS = (
    "inherit_salesperson_code",
    "inherit_territory_code",
    "inherit_country_region_code",
    "inherit_language_code",
    "inherit_address_details",
    "inherit_communication_details",
)


def upgrade() -> None:
    with op.batch_alter_table("marketing_setup") as batch:
        for name in FLAGS:
            batch.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("marketing_setup") as batch:
        for name in FLAGS:
            batch.drop_column(name)
