"""The lake laid out and read for speed without changing an answer (issue 16, X1, X10):
the export orders each coded relation by code then contact, so that a filter on the code
can skip row groups; the compiler writes a blank-as-missing test so that Spark pushes it
into the Parquet scan; and an add or a removal without companies to expand writes each
contact once without a `distinct()` of its result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rapport.criteria.value import Criteria
from rapport.services.lake import jobs
from rapport.services.lake.parquet import read_lake

pytestmark = pytest.mark.spark


def _rows(lake: Path, table: str, *columns: str) -> list[tuple[Any, ...]]:
    import pyarrow.parquet as pq

    read = pq.read_table(str(lake / table), columns=list(columns))
    return list(zip(*(read.column(name).to_pylist() for name in columns), strict=True))


@pytest.mark.parametrize(
    ("table", "order"),
    [
        ("contact_mailing_groups", ("mailing_group_code", "contact_id")),
        ("contact_industry_groups", ("industry_group_code", "contact_id")),
        ("contact_profile_answers", ("profile_questionnaire_code", "line_no", "contact_id")),
    ],
)
def test_x10_the_export_writes_a_coded_relation_in_order_of_code_then_contact(
    lake_demo, table, order
):
    _, lake = lake_demo
    rows = _rows(lake, table, *order)
    assert len(rows) > 1
    assert rows == sorted(rows)
    assert len({row[0] for row in rows}) > 1  # more than one code, so the order says something


def _plan(frame: Any) -> str:
    return str(frame._jdf.queryExecution().executedPlan().toString())


@pytest.mark.parametrize(
    ("where", "pushed"),
    [
        ("mailing_group = NEWSLETTER", "EqualTo(mailing_group_code,NEWSLETTER)"),
        ("industry_group in (RETAIL, WHOLESALE)", "In(industry_group_code, [RETAIL,WHOLESALE])"),
        ("post_code matches '1000..4999'", "GreaterThanOrEqual(post_code,1000)"),
        ("country < BE", "LessThan(country,BE)"),  # a blank country passes: IsNull OR …
    ],
)
def test_x1_a_code_test_reaches_the_parquet_scan(lake_demo, spark, where, pushed):
    from rapport.criteria.compile_spark import select_contacts

    _, lake = lake_demo
    tree = Criteria.parse(where).tree
    chosen = select_contacts(tree, read_lake(spark, lake), today=dt.date(2026, 12, 3))
    assert pushed in _plan(chosen)


def test_x1_a_blank_code_passes_or_fails_a_test_as_the_database_reads_it(lake_demo, spark):
    """A missing code is blank: `country < BE` takes it, `country >= BE` does not."""
    from pyspark.sql import functions as F

    from rapport.criteria.compile_spark import select_contacts

    _, lake = lake_demo
    frames = read_lake(spark, lake)
    blanked = frames["contacts"].withColumn(
        "country", F.when(F.col("country") == "BE", F.lit(None)).otherwise(F.col("country"))
    )
    lake_of = {**frames, "contacts": blanked}
    today = dt.date(2026, 12, 3)
    below = select_contacts(Criteria.parse("country < BE").tree, lake_of, today=today)
    at_or_above = select_contacts(Criteria.parse("country >= BE").tree, lake_of, today=today)
    blank = blanked.where(F.col("country").isNull()).count()
    assert blank > 0
    assert below.where(F.col("country").isNull()).count() == blank
    assert at_or_above.where(F.col("country").isNull()).count() == 0
    negated = select_contacts(Criteria.parse("not (country >= BE)").tree, lake_of, today=today)
    assert negated.where(F.col("country").isNull()).count() == blank


@pytest.mark.parametrize(
    ("rules", "distinct"),
    [(jobs.AddRules(), False), (jobs.AddRules(expand_companies=True), True)],
)
def test_x10_an_add_writes_each_contact_once_with_a_distinct_only_after_a_union(
    lake_demo, spark, tmp_path, rules, distinct
):
    _, lake = lake_demo
    out = tmp_path / "selected"
    tree = Criteria.parse("mailing_group = NEWSLETTER or country = BE").tree
    today = dt.date(2026, 12, 3)
    jobs.add_nos(spark, lake, tree, today=today, rules=rules, members=None, out=out)
    executed = spark._jsparkSession.sharedState().statusStore().executionsList()
    plan = executed.apply(executed.size() - 1).physicalPlanDescription()
    assert "InsertIntoHadoopFsRelationCommand" in plan  # the job's own write, not a read
    assert ("HashAggregate" in plan) is distinct
    written = [row.no for row in spark.read.parquet(str(out)).collect()]
    assert written
    assert len(written) == len(set(written))
