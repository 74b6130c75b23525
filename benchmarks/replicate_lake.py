"""A lake of K × the contacts of a lake written by `rapport lake export` (issue 16's 10M
point without a 10M-contact database).

    .venv/bin/python benchmarks/replicate_lake.py SOURCE TARGET --copies 10

Writes TARGET with, per table, one Parquet file per copy: copy k is the source table with
every contact id and company id raised by k × OFFSET and every contact no. prefixed with
`Rk-` (copy 0 is the source as it is), so the K copies are distinct contacts with the
source's distributions, companies and relations. The questionnaire lines (not per contact)
are written once; `segment_members` only for copy 0 (the segments are the database's).
Each file keeps the source's row groups (batches of rows), as the export writes them, and
is written one row group at a time, so memory stays flat.

The contacts of copies 1… are not in any database: a segment add on this lake measures the
Spark job; a round trip into a database skips them (X7) and measures nothing useful.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rapport.criteria.lake import CONTACTS, LINES, MEMBERS, SCHEMA
from rapport.services.lake.parquet import table_path

OFFSET = 1 << 40  # above any id a database hands out in a benchmark
IDS = ("id", "company_id", "contact_id")


def shifted(batch: pa.RecordBatch, copy: int) -> pa.RecordBatch:
    """The batch as copy `copy`: ids raised by copy × OFFSET, contact nos. prefixed."""
    if copy == 0:
        return batch
    columns = []
    for field, column in zip(batch.schema, batch.columns, strict=True):
        if field.name in IDS:
            column = pc.add(column, pa.scalar(copy * OFFSET, pa.int64()))
        elif field.name == "no":
            column = pc.binary_join_element_wise(f"R{copy}-", column, "")
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def replicate(source: Path, target: Path, copies: int) -> dict[str, int]:
    """Write the K-fold lake; the rows written per table."""
    rows: dict[str, int] = {}
    for table in SCHEMA:
        files = sorted(table_path(source, table).glob("*.parquet"))
        folder = target / table
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        rows[table] = 0
        for copy in range(1 if table in (LINES, MEMBERS) else copies):
            for index, file in enumerate(files):
                reader = pq.ParquetFile(file)
                out = folder / f"part-{copy}-{index}.parquet"
                with pq.ParquetWriter(str(out), reader.schema_arrow) as writer:
                    for group in range(reader.num_row_groups):
                        for batch in reader.read_row_group(group).to_batches():
                            writer.write_batch(shifted(batch, copy))
                            rows[table] += batch.num_rows
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    began = time.perf_counter()
    rows = replicate(args.source, args.target, args.copies)
    print(f"{args.copies} copies in {time.perf_counter() - began:.1f} s")
    for table, count in rows.items():
        print(f"  {table:<32} {count:>12,}" + ("  (contacts)" if table == CONTACTS else ""))


if __name__ == "__main__":
    main()
