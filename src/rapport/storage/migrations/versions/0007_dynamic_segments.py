"""Dynamic segments (X4): the change sequence of contacts and of every table the criteria
read, kept by triggers; a dynamic segment's schedule, refresh mark, exceptions and the
segments its definition references.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The tables the criteria read through `contact_id` (criteria/fields.py RELATIONS); a change
# to any of their rows marks that contact. Industry groups and business relations sit on the
# company: the refresh counts a company's mark for its persons.
RELATION_TABLES = (
    "contact_mailing_groups",
    "contact_job_responsibilities",
    "contact_web_sources",
    "contact_profile_answers",
    "contact_industry_groups",
    "contact_business_relations",
    "contact_opt_outs",
    "interaction_log_entries",
)
# Nothing is recorded while no segment is dynamic: the first refresh evaluates in full. The
# statements are fixed text; `@T` stands for a table name from RELATION_TABLES.
GUARD = "WHEN EXISTS (SELECT 1 FROM segment_headers WHERE dynamic)"
SQLITE_CONTACTS = (
    "CREATE TRIGGER contacts_mark_insert AFTER INSERT ON contacts @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (NEW.id); END",
    "CREATE TRIGGER contacts_mark_update AFTER UPDATE ON contacts @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (NEW.id); "
    "INSERT INTO contact_changes (contact_id) SELECT OLD.company_id "
    "WHERE OLD.company_id IS NOT NULL AND OLD.company_id IS NOT NEW.company_id; END",
    "CREATE TRIGGER contacts_mark_delete AFTER DELETE ON contacts @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (OLD.id); END",
    "CREATE TRIGGER profile_questionnaire_lines_mark_update AFTER UPDATE OF description "
    "ON profile_questionnaire_lines @G BEGIN "
    "INSERT INTO contact_changes (contact_id) SELECT contact_id FROM contact_profile_answers "
    "WHERE profile_questionnaire_code = NEW.profile_questionnaire_code "
    "AND line_no = NEW.line_no; END",
)
SQLITE_RELATION = (
    "CREATE TRIGGER @T_mark_insert AFTER INSERT ON @T @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (NEW.contact_id); END",
    "CREATE TRIGGER @T_mark_delete AFTER DELETE ON @T @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (OLD.contact_id); END",
    "CREATE TRIGGER @T_mark_update AFTER UPDATE ON @T @G BEGIN "
    "INSERT INTO contact_changes (contact_id) VALUES (NEW.contact_id); "
    "INSERT INTO contact_changes (contact_id) SELECT OLD.contact_id "
    "WHERE OLD.contact_id IS NOT NEW.contact_id; END",
)


def _sqlite_triggers() -> list[str]:
    statements = list(SQLITE_CONTACTS)
    for table in RELATION_TABLES:
        statements += [template.replace("@T", table) for template in SQLITE_RELATION]
    return [statement.replace("@G", GUARD) for statement in statements]


PG_GUARD = "IF NOT EXISTS (SELECT 1 FROM segment_headers WHERE dynamic) THEN RETURN NULL; END IF;"
PG_FUNCTIONS = {
    "rapport_mark_contacts": """
        IF TG_OP = 'INSERT' THEN
            INSERT INTO contact_changes (contact_id) SELECT id FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO contact_changes (contact_id) SELECT id FROM old_rows;
        ELSE
            INSERT INTO contact_changes (contact_id) SELECT id FROM new_rows
            UNION SELECT o.company_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.company_id IS NOT NULL AND o.company_id IS DISTINCT FROM n.company_id;
        END IF;""",
    "rapport_mark_relation": """
        IF TG_OP = 'INSERT' THEN
            INSERT INTO contact_changes (contact_id) SELECT contact_id FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO contact_changes (contact_id) SELECT contact_id FROM old_rows;
        ELSE
            INSERT INTO contact_changes (contact_id) SELECT contact_id FROM new_rows
            UNION SELECT contact_id FROM old_rows;
        END IF;""",
    "rapport_mark_answer_lines": """
        INSERT INTO contact_changes (contact_id) SELECT a.contact_id
        FROM contact_profile_answers a
        JOIN new_rows n ON n.profile_questionnaire_code = a.profile_questionnaire_code
            AND n.line_no = a.line_no
        JOIN old_rows o ON o.profile_questionnaire_code = n.profile_questionnaire_code
            AND o.line_no = n.line_no
        WHERE o.description IS DISTINCT FROM n.description;""",
}


def _pg_trigger(table: str, event: str, function: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {table}_mark_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def _pg_triggers() -> list[str]:
    statements = [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{PG_GUARD} {body} RETURN NULL; END $$"
        for name, body in PG_FUNCTIONS.items()
    ]
    events = ("INSERT", "UPDATE", "DELETE")
    statements += [_pg_trigger("contacts", event, "rapport_mark_contacts") for event in events]
    statements.append(
        _pg_trigger("profile_questionnaire_lines", "UPDATE", "rapport_mark_answer_lines")
    )
    for table in RELATION_TABLES:
        statements += [_pg_trigger(table, event, "rapport_mark_relation") for event in events]
    return statements


def _trigger_names() -> list[tuple[str, str]]:
    names = [("contacts", f"contacts_mark_{event}") for event in ("insert", "update", "delete")]
    names.append(("profile_questionnaire_lines", "profile_questionnaire_lines_mark_update"))
    for table in RELATION_TABLES:
        names += [(table, f"{table}_mark_{event}") for event in ("insert", "update", "delete")]
    return names


def create_triggers(bind: sa.Connection) -> None:
    postgresql = bind.dialect.name == "postgresql"
    for statement in _pg_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def drop_triggers(bind: sa.Connection) -> None:
    postgresql = bind.dialect.name == "postgresql"
    for table, name in _trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade() -> None:
    op.create_table(
        "contact_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_contact_changes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("segment_headers") as batch:
        batch.add_column(
            sa.Column("refresh_every", sa.String(10), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("refreshed_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("refreshed_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("membership_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("refreshed_lines", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("refreshed_version", sa.Integer(), nullable=True))
    # The next line no. of a refresh's few new lines is read from an index, not by reading
    # every line of the segment.
    with op.batch_alter_table("segment_lines") as batch:
        batch.create_index(
            batch.f("ix_segment_lines_segment_id_line_no"), ["segment_id", "line_no"], unique=False
        )
    op.create_table(
        "segment_exceptions",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("action_no", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment_headers.id"],
            name=op.f("fk_segment_exceptions_segment_id_segment_headers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_segment_exceptions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("segment_id", "contact_id", name=op.f("pk_segment_exceptions")),
    )
    op.create_table(
        "segment_dependencies",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("referenced_id", sa.Integer(), nullable=False),
        sa.Column("seen_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment_headers.id"],
            name=op.f("fk_segment_dependencies_segment_id_segment_headers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referenced_id"],
            ["segment_headers.id"],
            name=op.f("fk_segment_dependencies_referenced_id_segment_headers"),
        ),
        sa.PrimaryKeyConstraint(
            "segment_id", "referenced_id", name=op.f("pk_segment_dependencies")
        ),
    )
    with op.batch_alter_table("segment_dependencies") as batch:
        batch.create_index(
            batch.f("ix_segment_dependencies_referenced_id"), ["referenced_id"], unique=False
        )
    create_triggers(op.get_bind())


def downgrade() -> None:
    drop_triggers(op.get_bind())
    with op.batch_alter_table("segment_dependencies") as batch:
        batch.drop_index(batch.f("ix_segment_dependencies_referenced_id"))
    op.drop_table("segment_dependencies")
    op.drop_table("segment_exceptions")
    with op.batch_alter_table("segment_lines") as batch:
        batch.drop_index(batch.f("ix_segment_lines_segment_id_line_no"))
    with op.batch_alter_table("segment_headers") as batch:
        for name in (
            "refreshed_version",
            "refreshed_lines",
            "membership_version",
            "refreshed_at",
            "refreshed_seq",
            "refresh_every",
        ):
            batch.drop_column(name)
    op.drop_table("contact_changes")
