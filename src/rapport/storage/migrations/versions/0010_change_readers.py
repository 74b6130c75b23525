"""Change readers (X2, SPEC §9): a process that keeps a result in step with the contacts (the
server's preview accelerator) registers here with its watermark; the change triggers record
while a reader is registered as well as while a segment is dynamic, and pruning keeps every
change a registered reader has not read.

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

DYNAMIC = "EXISTS (SELECT 1 FROM segment_headers WHERE dynamic)"
READERS = "EXISTS (SELECT 1 FROM change_readers)"


def _triggers_of_0007() -> ModuleType:
    """The trigger statements of migration 0007, whose guard this revision widens."""
    path = Path(__file__).with_name("0007_dynamic_segments.py")
    spec = importlib.util.spec_from_file_location("rapport_migration_0007", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recreate(*, with_readers: bool) -> None:
    triggers = _triggers_of_0007()
    guard = f"{DYNAMIC} OR {READERS}" if with_readers else DYNAMIC
    setattr(triggers, "GUARD", f"WHEN {guard}")  # noqa: B010 - the module's own constants
    setattr(triggers, "PG_GUARD", f"IF NOT ({guard}) THEN RETURN NULL; END IF;")  # noqa: B010
    bind = op.get_bind()
    triggers.drop_triggers(bind)
    triggers.create_triggers(bind)


def upgrade() -> None:
    op.create_table(
        "change_readers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("watermark", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_readers")),
        sqlite_autoincrement=True,
    )
    _recreate(with_readers=True)


def downgrade() -> None:
    _recreate(with_readers=False)
    op.drop_table("change_readers")
