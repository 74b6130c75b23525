"""`check_lake`: a lake, written by Rapport or by other tools, validated against the lake's
schema (issue 16): every table present, every column there with a type that reads as the
schema's (a missing column or a wrong type is named with its table), and the contact nos.
the lake has and the database does not counted and a few named (an add on Spark reports and
skips them). Extra tables and columns are allowed: a company may point Rapport at its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapport.criteria.lake import CONTACTS, SCHEMA
from rapport.errors import Invalid
from rapport.services.lake.parquet import accepts, lake_folder, table_path
from rapport.services.lake.staging import Unknown, drop, nos_in, stage, unknown
from rapport.storage.db import Sessions, reading
from rapport.storage.spark import require_spark

__all__ = ["LakeCheck", "check_lake", "schema_problems"]


@dataclass(frozen=True)
class CheckedTable:
    table: str
    rows: int


@dataclass(frozen=True)
class LakeCheck:
    """A lake that matches the schema: its tables' rows and its contacts unknown here."""

    folder: str
    tables: tuple[CheckedTable, ...]
    unknown_contacts: int
    unknown_sample: tuple[str, ...]


def schema_problems(folder: Path) -> list[str]:
    """What keeps the lake in `folder` from matching the schema, one line per problem."""
    import pyarrow.dataset as ds

    problems = []
    for table, columns in SCHEMA.items():
        path = table_path(folder, table)
        if not path.exists():
            problems.append(f"table {table} is missing ({path})")
            continue
        try:
            schema = ds.dataset(str(path), format="parquet").schema
        except (OSError, ValueError) as exc:
            problems.append(f"table {table} is not Parquet ({path}): {exc}")
            continue
        for column in columns:
            if column.name not in schema.names:
                problems.append(f"{table}.{column.name} is missing (a {column.type} column)")
            elif not accepts(column.type, schema.field(column.name).type):
                found = schema.field(column.name).type
                problems.append(f"{table}.{column.name} is {found}, not {column.type}")
    return problems


def require_schema(folder: str | Path) -> Path:
    """The lake's folder; Invalid (field `lake`) naming every problem when it does not
    match the schema."""
    require_spark()
    path = lake_folder(folder)
    problems = schema_problems(path)
    if problems:
        raise Invalid(
            f"the lake {path} does not match its schema: {'; '.join(problems)}", field="lake"
        )
    return path


def check_lake(sessions: Sessions, *, folder: str | Path) -> LakeCheck:
    """Validate the lake in `folder` and count its contacts the database does not have."""
    import pyarrow.dataset as ds

    path = require_schema(folder)
    tables = tuple(
        CheckedTable(table, ds.dataset(str(table_path(path, table)), format="parquet").count_rows())
        for table in SCHEMA
    )
    with reading(sessions) as session:
        staged = stage(session, nos_in(table_path(path, CONTACTS)))
        found: Unknown = unknown(session, staged)
        drop(session, staged)
    return LakeCheck(str(path), tables, found.count, found.sample)
