"""Profile ratings (BC table 5111 Rating, K3) and the duplicate search settings of the
marketing setup (K5): a weight per compared value and the minimum score of a duplicate.

Revision ID: 0008
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Marketing setup: the weight of each compared value and BC's Search Hit % (default 60).
SETTINGS = (
    ("duplicate_name_weight", "50"),
    ("duplicate_email_weight", "40"),
    ("duplicate_phone_weight", "30"),
    ("duplicate_vat_no_weight", "50"),
    ("duplicate_address_weight", "20"),
    ("duplicate_min_score", "60"),
)


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("profile_questionnaire_code", sa.String(length=10), nullable=False),
        sa.Column("profile_question_line_no", sa.Integer(), nullable=False),
        sa.Column("rating_profile_questionnaire_code", sa.String(length=10), nullable=False),
        sa.Column("rating_profile_question_line_no", sa.Integer(), nullable=False),
        sa.Column("points", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_questionnaire_code", "profile_question_line_no"],
            [
                "profile_questionnaire_lines.profile_questionnaire_code",
                "profile_questionnaire_lines.line_no",
            ],
            name=op.f("fk_ratings_profile_questionnaire_code_profile_questionnaire_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rating_profile_questionnaire_code", "rating_profile_question_line_no"],
            [
                "profile_questionnaire_lines.profile_questionnaire_code",
                "profile_questionnaire_lines.line_no",
            ],
            name=op.f("fk_ratings_rating_profile_questionnaire_code_profile_questionnaire_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "profile_questionnaire_code",
            "profile_question_line_no",
            "rating_profile_questionnaire_code",
            "rating_profile_question_line_no",
            name=op.f("pk_ratings"),
        ),
    )
    with op.batch_alter_table("ratings") as batch:
        batch.create_index(
            batch.f("ix_ratings_rating_profile_questionnaire_code_rating_profile_question_line_no"),
            ["rating_profile_questionnaire_code", "rating_profile_question_line_no"],
            unique=False,
        )
    with op.batch_alter_table("marketing_setup") as batch:
        for name, default in SETTINGS:
            batch.add_column(sa.Column(name, sa.Integer(), server_default=default, nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("marketing_setup") as batch:
        for name, _default in SETTINGS:
            batch.drop_column(name)
    op.drop_table("ratings")
