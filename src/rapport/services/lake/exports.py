"""`export_lake`: the contact base as a Parquet lake (issue 16, X10), every table the
criteria read, with the explicit schema of criteria/lake.py (codes and post codes stay
strings). Each table streams from the database in batches into one Parquet file, written
beside the old one and swapped in when complete, so memory stays flat in N and a failed
export leaves the previous lake as it was.

The file is laid out for Spark's reader: row groups of ROW_GROUP rows (a row group's column
chunks, dictionaries and statistics are set up once per group, so fewer, larger groups cost
less to open), dictionary encoding for the text columns only, and each coded relation's
rows ordered by code then contact, read through the (code, contact) index the database
keeps, so that the rows of one code lie together and a filter on the code skips every
other row group by its min/max statistics."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from rapport.criteria import fields as registry
from rapport.criteria.lake import CONTACTS, LINES, MEMBERS, SCHEMA
from rapport.errors import Invalid
from rapport.services.lake.parquet import arrow_schema, dictionary_columns
from rapport.storage.db import Sessions, reading
from rapport.storage.segment_lines import segment_lines
from rapport.storage.spark import require_spark
from rapport.storage.tables import ProfileQuestionnaireLine, SegmentHeader, table_of

__all__ = ["LakeExport", "export_lake"]

BATCH = 10_000  # rows fetched at a time: a few MB of Python objects
ROW_GROUP = 130_000  # rows per Parquet row group (at least): tens of MB of Arrow columns


@dataclass(frozen=True)
class ExportedTable:
    table: str
    rows: int


@dataclass(frozen=True)
class LakeExport:
    """What `export_lake` wrote: the folder and each table's rows."""

    folder: str
    tables: tuple[ExportedTable, ...]


def export_lake(sessions: Sessions, *, folder: str | Path) -> LakeExport:
    """Write the lake to `folder` (created if needed): one `TABLE/part-0.parquet` per table."""
    require_spark()
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Invalid(f"cannot create {target}: {exc.strerror}", field="folder") from None
    written = []
    with reading(sessions) as session:
        for table, query in _queries().items():
            result = session.execute(query.execution_options(stream_results=True, yield_per=BATCH))
            written.append(ExportedTable(table, _write(target / table, table, result)))
    return LakeExport(str(target), tuple(written))


def _queries() -> dict[str, Select[Any]]:
    contacts = registry.CONTACT_TABLE
    queries: dict[str, Select[Any]] = {
        CONTACTS: select(*(contacts.c[column.name] for column in SCHEMA[CONTACTS]))
    }
    for rel in registry.RELATIONS.values():
        source = rel.table
        query = select(*(source.c[c.name] for c in SCHEMA[source.name]))
        queries[source.name] = query.order_by(*(source.c[name] for name in relation_order(rel)))
    lines = table_of(ProfileQuestionnaireLine)
    queries[LINES] = select(*(lines.c[c.name] for c in SCHEMA[LINES]))
    headers = table_of(SegmentHeader)
    queries[MEMBERS] = (
        select(headers.c.no.label("segment_no"), segment_lines.c.contact_id)
        .join(headers, headers.c.id == segment_lines.c.segment_id)
        .where(segment_lines.c.removed_action.is_(None), segment_lines.c.contact_id.is_not(None))
    )
    return queries


def relation_order(rel: registry.Relation) -> tuple[str, ...]:
    """The columns a relation's rows are written in order of: a coded relation's code (a
    questionnaire's code and answer line) then the contact, as its index keeps them; the
    others (opt-outs, interactions) as the database returns them."""
    if rel.lines is not None:
        return ("profile_questionnaire_code", "line_no", "contact_id")
    if rel.shorthand == "code":
        return (rel.fields["code"].column, "contact_id")
    return ()


def _write(folder: Path, table: str, result: Any) -> int:
    """Stream `result` into `folder/part-0.parquet`, replacing what was there, in row
    groups of the first whole batches that reach ROW_GROUP rows (held as Arrow columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(SCHEMA[table])
    fresh = folder.with_name(f".{folder.name}.writing")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    rows, held, group = 0, 0, []
    path, encoded = str(fresh / "part-0.parquet"), dictionary_columns(schema)
    with pq.ParquetWriter(path, schema, use_dictionary=encoded) as writer:
        for part in result.partitions():
            columns = list(zip(*part, strict=True)) if part else [()] * len(schema)
            arrays = [
                pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)
            ]
            group.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
            rows, held = rows + len(part), held + len(part)
            if held >= ROW_GROUP:
                writer.write_table(pa.Table.from_batches(group, schema), held)
                held, group = 0, []
        if group:
            writer.write_table(pa.Table.from_batches(group, schema), held)
    shutil.rmtree(folder, ignore_errors=True)
    fresh.rename(folder)
    return rows
