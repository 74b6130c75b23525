"""Criteria tree → Spark DataFrame operations over the lake (issue 16, X1): the second
target of the criteria compiler, read from the same field registry as compile_sql.

The contacts are narrowed conjunct by conjunct: a relation (or a membership) becomes a LEFT
SEMI JOIN of the contacts with the owners of its matching rows, `not` over one a LEFT ANTI
JOIN, and a plain condition a filter. A relation inside an `or` or under a deeper `not` is
a correlated EXISTS, which Spark plans as an existence join. Industry groups and business
relations are joined on the contact's `company_id`, so a person without a company never
matches them (reference §2.5). Relative dates resolve the
way the database target resolves them (`RelativeDate.resolve`).

`keys` names columns every lake table carries and every join must match besides the contact
(the differential test batches many worlds into one DataFrame keyed by world). This module
imports pyspark; the criteria package does not import it, so the extra stays optional.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from functools import reduce
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from rapport.criteria import fields as registry
from rapport.criteria.lake import CONTACTS, LINES, MEMBERS, SCHEMA, LakeType
from rapport.criteria.operators import ValueType
from rapport.criteria.render import leaf_operator
from rapport.criteria.spark_operators import matches, spark_operator
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    IsEmpty,
    LoggedSegmentMember,
    Matches,
    Not,
    Or,
    SegmentMember,
)
from rapport.criteria.values import RelativeDate, Value

__all__ = ["Lake", "select_contacts", "spark_schema"]

Lake = Mapping[str, DataFrame]  # lake table name → its DataFrame
RowSet = Exists | SegmentMember | LoggedSegmentMember
_ROW_SETS = (Exists, SegmentMember, LoggedSegmentMember)
_OUTER = "_contacts"  # the alias of the contacts a correlated EXISTS refers to
_BLANK = {ValueType.CODE: "", ValueType.TEXT: "", ValueType.ENUM: "", ValueType.BOOL: False}


def select_contacts(
    expr: Expr, lake: Lake, *, today: dt.date, keys: tuple[str, ...] = ()
) -> DataFrame:
    """The rows of the lake's contacts that `expr` selects (all their columns)."""
    return _SparkCompiler(lake, today, keys).narrow(lake[CONTACTS], expr)


class _SparkCompiler:
    def __init__(self, lake: Lake, today: dt.date, keys: tuple[str, ...]) -> None:
        self.lake = lake
        self.today = today
        self.keys = keys
        self.names = itertools.count(1)

    def narrow(self, frame: DataFrame, expr: Expr) -> DataFrame:
        """`frame` (contacts) with only the rows `expr` selects."""
        if isinstance(expr, And):
            return reduce(self.narrow, expr.parts, frame)
        if isinstance(expr, _ROW_SETS):
            return self.join(frame, expr, "left_semi")
        if isinstance(expr, Not) and isinstance(expr.operand, _ROW_SETS):
            return self.join(frame, expr.operand, "left_anti")
        return frame.alias(_OUTER).filter(self.condition(expr, None))

    def join(self, frame: DataFrame, node: RowSet, how: str) -> DataFrame:
        owners, on = self.owners(node)
        return frame.join(owners, on, how)

    def exists(self, node: RowSet) -> Column:
        """A correlated EXISTS over the node's owners, for a row set inside an `or` or a
        deeper `not` (Spark plans it as an existence join: no distinct, no shuffle of the
        contacts)."""
        owners, on = self.owners(node, outer=True)
        return owners.where(on).exists()

    def owners(self, node: RowSet, *, outer: bool = False) -> tuple[DataFrame, Column]:
        """The contacts (or companies) that own a matching row, under unique column names,
        and the join condition from the contacts to them."""
        tag = next(self.names)
        owner, rows, contact = f"_owner{tag}", self.rows(node), "id"
        if isinstance(node, Exists) and registry.CONTACTS.relation(node.relation).on_company:
            contact = "company_id"
        renamed = [F.col(key).alias(f"_key{tag}_{key}") for key in self.keys]
        owners = rows.select(*renamed, F.col("contact_id").alias(owner))
        # An outer reference is qualified: unqualified, Spark would resolve `world` to the
        # relation's own column hidden under the renaming projection.
        side = (lambda name: F.col(f"{_OUTER}.{name}").outer()) if outer else F.col
        on = [side(contact) == F.col(owner)]
        on += [side(key) == F.col(f"_key{tag}_{key}") for key in self.keys]
        return owners, reduce(lambda a, b: a & b, on)

    def rows(self, node: RowSet) -> DataFrame:
        """The relation's (or membership's) rows that satisfy the node's condition."""
        if isinstance(node, SegmentMember):
            return self.lake[MEMBERS].filter(F.col("segment_no") == F.lit(node.no))
        if isinstance(node, LoggedSegmentMember):
            entries = self.lake[registry.RELATIONS["interaction"].table.name]
            return entries.filter(
                (F.col("logged_segment_entry_no") == F.lit(node.entry_no))
                & ~F.coalesce(F.col("canceled"), F.lit(False))
            )
        rel = registry.CONTACTS.relation(node.relation)
        rows = self.lake[rel.table.name]
        if rel.lines is not None:
            rows = self.with_answers(rows)
        if node.condition is None:
            return rows
        return rows.filter(self.condition(node.condition, rel))

    def with_answers(self, rows: DataFrame) -> DataFrame:
        """Profile answers with the text of the questionnaire line they answer ('' if none)."""
        lines = self.lake[LINES].select(
            *(F.col(key).alias(f"_line_{key}") for key in self.keys),
            F.col("profile_questionnaire_code").alias("_line_code"),
            F.col("line_no").alias("_line_no"),
            F.col("description").alias("_answer"),
            F.col("description_folded").alias("_answer_folded"),
        )
        on = [
            F.col("profile_questionnaire_code") == F.col("_line_code"),
            F.col("line_no") == F.col("_line_no"),
            *(F.col(key) == F.col(f"_line_{key}") for key in self.keys),
        ]
        return rows.join(lines, reduce(lambda a, b: a & b, on), "left_outer")

    def condition(self, expr: Expr, rel: registry.Relation | None) -> Column:
        if isinstance(expr, And):
            return reduce(lambda a, b: a & b, (self.condition(p, rel) for p in expr.parts))
        if isinstance(expr, Or):
            return reduce(lambda a, b: a | b, (self.condition(p, rel) for p in expr.parts))
        if isinstance(expr, Not):
            return ~self.condition(expr.operand, rel)
        if isinstance(expr, _ROW_SETS):
            return self.exists(expr)
        return self.leaf(expr, rel)

    def leaf(
        self, expr: Compare | InList | IsEmpty | Matches, rel: registry.Relation | None
    ) -> Column:
        """The leaf's condition. A missing text or flag reads as blank, as in the database:
        written as `(c IS NULL AND test(blank)) OR (c IS NOT NULL AND test(c))` rather than
        `test(coalesce(c, blank))`, the same two-valued answer on every row, because Spark
        folds `test(blank)` to a constant and can then push `test(c)` into the Parquet scan
        (row groups whose statistics exclude it are skipped; docs/spark.md)."""
        field = registry.lookup(registry.CONTACTS, rel, expr.field)
        answer = rel is not None and rel.lines is not None and field.name == "answer"
        column = F.col("_answer" if answer else field.column)
        blank = _BLANK.get(field.type)
        if blank is None:
            return self.test(expr, field, column, answer=answer)
        empty = self.test(expr, field, F.lit(blank), answer=answer)
        present = self.test(expr, field, column, answer=answer)
        return (column.isNull() & empty) | (column.isNotNull() & present)

    def test(
        self,
        expr: Compare | InList | IsEmpty | Matches,
        field: registry.Field,
        column: Column,
        *,
        answer: bool,
    ) -> Column:
        """The leaf's test of `column`, a value of the field."""
        argument: Any = None
        if isinstance(expr, Compare):
            argument = F.lit(self.value(expr.value))
        elif isinstance(expr, InList):
            argument = [self.value(value) for value in expr.values]
        elif isinstance(expr, Matches):
            if field.folded is not None:  # `@` compares the casefolded copy
                copy = F.col("_answer_folded" if answer else field.folded)
                return matches(column, expr.filter, field.type, folded=F.coalesce(copy, F.lit("")))
            argument = expr.filter
        return spark_operator(leaf_operator(expr).text)(column, argument, field.type)

    def value(self, value: Value) -> Any:
        return value.resolve(self.today) if isinstance(value, RelativeDate) else value


_SPARK_TYPES: dict[LakeType, T.DataType] = {
    LakeType.STRING: T.StringType(),
    LakeType.BOOL: T.BooleanType(),
    LakeType.DATE: T.DateType(),
    LakeType.INT64: T.LongType(),
    LakeType.DECIMAL: T.DecimalType(18, 2),
}


def spark_schema(table: str, keys: tuple[str, ...] = ()) -> T.StructType:
    """The Spark schema of a lake table, with the `keys` columns (whole numbers) first."""
    fields = [T.StructField(key, T.LongType(), False) for key in keys]
    fields += [
        T.StructField(column.name, _SPARK_TYPES[column.type], column.nullable)
        for column in SCHEMA[table]
    ]
    return T.StructType(fields)
