"""The Spark jobs of the segment actions on the lake (issue 16): the contact nos. an add,
a reduce or a refine picks, with Business Central's options, computed on Spark and written
as Parquet for the database to read back. Line numbers are never computed here (Spark's
`row_number()` is 32-bit and a global order runs as one task): the database numbers the
lines as it does for every add.

An add selects the criteria's contacts, then (reference §2.5) whole companies and related
companies, then leaves out the segment's current members (handed over as a small Parquet
file of contact nos.) unless existing contacts are allowed. Exclusion, privacy blocking and
opt-outs are applied by the database's insert, as for every add, so that the result counts
the contacts each of them left out (X7). A reduce or refine matches the criteria's contacts and,
with entire companies, every contact of their companies. A dynamic segment's refresh runs
each step of its definition so, one file per step, and the database folds them as it folds
its own conditions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapport.criteria.lake import CONTACTS
from rapport.criteria.tree import Expr
from rapport.services.lake.parquet import read_lake

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class AddRules:
    """The options of an add that Spark applies."""

    expand_companies: bool = False
    related_companies: bool = False


def add_nos(
    spark: SparkSession,
    lake: Path,
    tree: Expr,
    *,
    today: dt.date,
    rules: AddRules,
    members: Path | None,
    out: Path,
) -> None:
    """Write to `out` the nos. of the contacts an add would put on the segment."""
    from pyspark.sql import functions as F

    from rapport.criteria.compile_spark import select_contacts

    frames = read_lake(spark, lake)
    contacts = frames[CONTACTS]
    chosen = select_contacts(tree, frames, today=today)
    if rules.expand_companies:
        chosen = chosen.unionByName(_of_companies(contacts, chosen, "company_id"))
    if rules.related_companies:
        chosen = chosen.unionByName(_of_companies(contacts, chosen, "id"))
    if members is not None:
        current = spark.read.parquet(str(members)).select(F.col("no").alias("_member"))
        chosen = chosen.join(current, F.col("no") == F.col("_member"), "left_anti")
    expanded = rules.expand_companies or rules.related_companies
    _write_nos(chosen, out, united=expanded)


def matched_nos(
    spark: SparkSession,
    lake: Path,
    tree: Expr,
    *,
    today: dt.date,
    entire_companies: bool,
    out: Path,
) -> None:
    """Write to `out` the nos. of the contacts a reduce or refine matches."""
    from rapport.criteria.compile_spark import select_contacts

    frames = read_lake(spark, lake)
    chosen = select_contacts(tree, frames, today=today)
    if entire_companies:
        chosen = chosen.unionByName(_of_companies(frames[CONTACTS], chosen, "company_id"))
    _write_nos(chosen, out, united=entire_companies)


@dataclass(frozen=True)
class Step:
    """One criteria action of a dynamic segment's definition, as Spark evaluates it."""

    action: str  # add, reduce or refine
    tree: Expr
    rules: AddRules
    entire_companies: bool


def definition_nos(
    spark: SparkSession, lake: Path, steps: list[Step], *, today: dt.date, out: Path
) -> list[Path]:
    """Write, per step, the nos. of the contacts it picks (an add: its selection with the
    expansion; a reduce or refine: its matches with entire companies); return the files."""
    from rapport.criteria.compile_spark import select_contacts

    frames = read_lake(spark, lake)
    contacts = frames[CONTACTS]
    written = []
    for index, step in enumerate(steps):
        chosen = select_contacts(step.tree, frames, today=today)
        follows = step.entire_companies or step.rules.expand_companies
        if follows:
            chosen = chosen.unionByName(_of_companies(contacts, chosen, "company_id"))
        if step.rules.related_companies:
            chosen = chosen.unionByName(_of_companies(contacts, chosen, "id"))
        path = out / f"step-{index}"
        _write_nos(chosen, path, united=follows or step.rules.related_companies)
        written.append(path)
    return written


def _write_nos(chosen: DataFrame, out: Path, *, united: bool) -> None:
    """Write the chosen contacts' nos. to `out`. The criteria only narrow the lake's
    contacts (filters and semi or anti joins), so each contact comes out once and no
    `distinct()` (a shuffle and a hash aggregate of the result) is needed; a union with the
    expanded companies can repeat a contact, and is made distinct so that the database
    stages each no. once."""
    nos = chosen.select("no")
    (nos.distinct() if united else nos).write.mode("overwrite").parquet(str(out))


def _of_companies(contacts: DataFrame, chosen: DataFrame, column: str) -> DataFrame:
    """The contacts whose `column` (company_id: the company's persons and itself; id: the
    company itself) names the company of a chosen contact: a LEFT SEMI JOIN."""
    from pyspark.sql import functions as F

    companies = chosen.select(F.col("company_id").alias("_company")).where(
        F.col("_company").isNotNull()
    )
    return contacts.join(companies, F.col(column) == F.col("_company"), "left_semi")
