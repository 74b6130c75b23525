"""Salutation formulas (BC's Salutation Formula, 5069): a salutation's formal greeting in
one language, keyed by (salutation code, language code; '' for no language). A letter or
e-mail greets its contact with the formula of the interaction's language, else with the
salutation's own greeting (`services/delivery/merging.py`). A salutation's formulas are
deleted with it, as Business Central's Salutation.OnDelete deletes them.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salutation_formulas",
        sa.Column("salutation_code", sa.String(length=10), nullable=False),
        sa.Column("language_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("formal_greeting", sa.String(length=50), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["salutation_code"],
            ["salutations.code"],
            name=op.f("fk_salutation_formulas_salutation_code_salutations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "salutation_code", "language_code", name=op.f("pk_salutation_formulas")
        ),
    )


def downgrade() -> None:
    op.drop_table("salutation_formulas")
