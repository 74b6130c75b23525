"""The Arrow and Spark side of the lake's schema (criteria/lake.py): each logical type's
Parquet type in one place, the explicit Arrow schema of every table, a lake folder's
datasets, and the lake read as Spark DataFrames. pyarrow and pyspark are imported only when
used (the `rapport[spark]` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapport.criteria.lake import SCHEMA, LakeColumn, LakeType
from rapport.errors import Invalid

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def arrow_type(kind: LakeType) -> Any:
    import pyarrow as pa

    return {
        LakeType.STRING: pa.string(),
        LakeType.BOOL: pa.bool_(),
        LakeType.DATE: pa.date32(),
        LakeType.INT64: pa.int64(),
        LakeType.DECIMAL: pa.decimal128(18, 2),
    }[kind]


def arrow_schema(columns: tuple[LakeColumn, ...]) -> Any:
    import pyarrow as pa

    return pa.schema(
        [pa.field(column.name, arrow_type(column.type), column.nullable) for column in columns]
    )


def dictionary_columns(schema: Any) -> list[str]:
    """The columns a lake file dictionary-encodes: the text columns (codes repeat; a unique
    text falls back to plain encoding by itself), never the whole numbers, whose ids are
    unique and would only pay for a dictionary built and decoded per row group."""
    import pyarrow.types as types

    return [field.name for field in schema if types.is_string(field.type)]


def accepts(kind: LakeType, found: Any) -> bool:
    """Whether a column of Arrow type `found`, written by another tool, reads as `kind`."""
    import pyarrow.types as types

    checks = {
        LakeType.STRING: lambda t: types.is_string(t) or types.is_large_string(t),
        LakeType.BOOL: types.is_boolean,
        LakeType.DATE: lambda t: types.is_date32(t) or types.is_date64(t),
        LakeType.INT64: types.is_integer,
        LakeType.DECIMAL: types.is_decimal,
    }
    return bool(checks[kind](found))


def table_path(folder: Path, table: str) -> Path:
    """Where a lake keeps a table: a folder of Parquet files, or one `TABLE.parquet` file."""
    single = folder / f"{table}.parquet"
    return single if single.is_file() else folder / table


def lake_folder(folder: str | Path) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise Invalid(f"{path} is not a folder", field="lake")
    return path


def read_lake(spark: SparkSession, folder: Path) -> dict[str, DataFrame]:
    """Every lake table as a Spark DataFrame read with its explicit schema."""
    from rapport.criteria.compile_spark import spark_schema

    return {
        table: spark.read.schema(spark_schema(table)).parquet(str(table_path(folder, table)))
        for table in SCHEMA
    }
