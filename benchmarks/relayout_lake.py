"""A lake rewritten in the layout `rapport lake export` now writes (issue 16): each coded
relation ordered by code then contact, row groups of exports.ROW_GROUP rows, dictionary
encoding for the text columns only. For a lake exported or replicated before that layout
(replicate_lake.py keeps its source's row groups), so that the Spark benchmark reads the
layout the export gives without rebuilding a database.

    .venv/bin/python benchmarks/relayout_lake.py SOURCE TARGET

Each file is read whole (one copy of a replicated lake at a time: a few hundred MB at 1M
contacts per copy), sorted and written again under the same name.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyarrow.parquet as pq

from rapport.criteria import fields as registry
from rapport.services.lake.exports import ROW_GROUP, relation_order
from rapport.services.lake.parquet import dictionary_columns, table_path

ORDER = {rel.table.name: relation_order(rel) for rel in registry.RELATIONS.values()}


def relayout(source: Path, target: Path) -> int:
    """Rewrite every table of `source` into `target`; the files written."""
    written = 0
    for folder in sorted(path for path in source.iterdir() if path.is_dir()):
        files = sorted(table_path(source, folder.name).glob("*.parquet"))
        (target / folder.name).mkdir(parents=True, exist_ok=True)
        for file in files:
            table = pq.read_table(file)
            order = ORDER.get(folder.name, ())
            if order:
                table = table.sort_by([(column, "ascending") for column in order])
            pq.write_table(
                table,
                target / folder.name / file.name,
                row_group_size=ROW_GROUP,
                use_dictionary=dictionary_columns(table.schema),
            )
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    began = time.perf_counter()
    files = relayout(args.source, args.target)
    print(f"{files} files in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
