"""X1 differential test on the Spark target (issue 16): on random small contact bases and
random criteria trees, the Spark compiler selects exactly the contacts the plain-Python
reference evaluator (tests/reference.py) selects, from the same strategies as the SQLite
and PostgreSQL tests.

Spark pays for each job, not for each row, so many worlds are batched into one lake whose
every table is keyed by `world`, every tree runs over all of them at once, and the results
of ten trees come back in one job: 200 worlds and 40 criteria (8,000 cases) on `local[1]`
in one Spark session.

A fixed base of non-ASCII names ("Émile", "STRAßE", Greek with its final sigma) then checks
that `@` on Spark gives exactly the database's answer on every text and code field: the
casefolded copy of every text field, a code as stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rapport.criteria import fields as registry
from rapport.criteria import render
from rapport.criteria.lake import CONTACTS, LINES, MEMBERS, SCHEMA
from rapport.criteria.tree import Expr
from rapport.storage import tables as t
from tests import reference
from tests.reference import TODAY, World, criteria_trees, worlds

pytestmark = pytest.mark.spark

WORLDS = 200
TREES = 40
TREES_PER_JOB = 10


def lake_rows(world: World) -> dict[str, list[dict[str, Any]]]:
    """The world as lake rows, by lake table (relation fields under their column names)."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMA}
    contact_columns = [column.name for column in SCHEMA[CONTACTS]]
    tables[CONTACTS] = [
        {name: (c | t.folded(c))[name] for name in contact_columns} for c in world.contacts
    ]
    for name, rel in registry.RELATIONS.items():
        for row in world.rows.get(name, []):
            out = {"contact_id": row["contact_id"]}
            for field_name, fld in rel.fields.items():
                if rel.lines is None or field_name != "answer":
                    out[fld.column] = row[field_name]
            copies = t.folded(out, rel.table.name) if rel.table.name in t.FOLDS else {}
            tables[rel.table.name].append(out | copies)
    tables[LINES] = [
        {"profile_questionnaire_code": q, "line_no": line, "description": text}
        | t.folded({"description": text}, "profile_questionnaire_lines")
        for (q, line), text in reference.ANSWERS.items()
    ]
    tables[MEMBERS] = [
        {"segment_no": no, "contact_id": contact}
        for no, members in world.segments.items()
        for contact in sorted(members)
    ]
    return tables


def batched_lake(spark: Any, batch: list[World]) -> dict[str, Any]:
    """One DataFrame per lake table holding every world of the batch, keyed by `world`."""
    from rapport.criteria.compile_spark import spark_schema

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMA}
    for number, world in enumerate(batch):
        for table, items in lake_rows(world).items():
            rows[table].extend({"world": number, **item} for item in items)
    lake = {}
    for table, items in rows.items():
        schema = spark_schema(table, ("world",))
        ordered = [tuple(item[f.name] for f in schema.fields) for item in items]
        lake[table] = spark.createDataFrame(ordered, schema).cache()
    return lake


def spark_selected(lake: dict[str, Any], trees: list[Expr]) -> set[tuple[int, int, int]]:
    """(tree, world, contact id) of every contact each tree selects, in one Spark job."""
    from functools import reduce

    from pyspark.sql import functions as F

    from rapport.criteria.compile_spark import select_contacts

    frames = [
        select_contacts(tree, lake, today=TODAY, keys=("world",)).select(
            F.lit(index).alias("tree"), "world", "id"
        )
        for index, tree in enumerate(trees)
    ]
    union = reduce(lambda a, b: a.unionAll(b), frames)
    return {(row.tree, row.world, row.id) for row in union.collect()}


def drawn(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` examples of `strategy`, drawn by hypothesis's generator (no database, no
    shrinking: a failure names the world and the criteria instead)."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(example: Any) -> None:
        found.append(example)

    draw()
    return found


@pytest.mark.slow
def test_x1_spark_selects_what_the_reference_evaluator_selects(spark: Any):
    batch: list[World] = drawn(worlds(), WORLDS)
    trees: list[Expr] = drawn(criteria_trees(), TREES)
    lake = batched_lake(spark, batch)
    try:
        found: set[tuple[int, int, int]] = set()
        for start in range(0, TREES, TREES_PER_JOB):
            chunk = trees[start : start + TREES_PER_JOB]
            found |= {(start + t, w, c) for t, w, c in spark_selected(lake, chunk)}
    finally:
        for frame in lake.values():
            frame.unpersist()
    assert len(batch) == WORLDS
    assert len(trees) == TREES
    for index, tree in enumerate(trees):
        for number, world in enumerate(batch):
            expected = reference.selected(world, tree)
            got = {contact for t, w, contact in found if t == index and w == number}
            assert got == expected, f"{render(tree)} on world {number}: {world}"


# Contacts whose text folds differently under lower() and casefold(): "ß" casefolds to "ss",
# a final sigma "ς" and a capital "Σ" both to "σ", "É" to "é" (lower() on the database and
# on Spark folds ASCII only). Persons inherit their company's name.
FOLDING_COMPANIES = [
    ("C1", "STRAßE Bau", "ΑΘΗΝΑΣ"),
    ("C2", "Όμιλος Ήλιος", "Gent"),
]
FOLDING_PERSONS = [
    ("P1", "Émile Peeters", "C1", "Łódź", "ÉMILE MANAGER"),
    ("P2", "Jan Hauptstraße", "C2", "straße", "Straßenbauer"),
    ("P3", "Νίκος Παπαδόπουλος", "", "αθηνας", "Διευθυντής"),
    ("P4", "émile", "", "GENT", "manager"),
]
FOLDING_FILTERS = [
    "@é*",
    "@ÉMILE*",
    "@*strasse*",
    "@*STRAßE*",
    "@*ß*",
    "@*ς",
    "@*σ",
    "@*Σ*",
    "@αθηνασ",
    "@ΑΘΗΝΑΣ",
    "@émile..émilf",
    "@<>*manager*",
    "@gent|@ŁÓDŹ",
    "@*MANAGER*&@É*",
    "É*",
    "*ß*",
]
FOLDING_FIELDS = [
    name
    for name, item in registry.CONTACT_FIELDS.items()
    if item.type in (registry.ValueType.TEXT, registry.ValueType.CODE)
]


def _folding_base(sessions: Any) -> None:
    from rapport.services.contacts import cards

    for no, name, city in FOLDING_COMPANIES:
        cards.add_contact(sessions, fields={"no": no, "name": name, "city": city})
    for no, name, company, city, job in FOLDING_PERSONS:
        fields = {"no": no, "name": name, "type": "person", "city": city, "job_title": job}
        cards.add_contact(sessions, fields=fields | ({"company_no": company} if company else {}))


@pytest.mark.slow
def test_x1_at_on_spark_folds_as_the_database_does_on_every_text_field(
    spark: Any, sqlite_sessions: Any, tmp_path: Any
):
    """X1, issue 16: `@` on Spark over the exported lake selects exactly what the database
    selects, on non-ASCII names, for every text and code field of a contact."""
    from functools import reduce

    from pyspark.sql import functions as F
    from sqlalchemy import select

    from rapport.criteria import condition, parse
    from rapport.criteria.compile_spark import select_contacts
    from rapport.services.lake.exports import export_lake
    from rapport.services.lake.parquet import read_lake

    _folding_base(sqlite_sessions)
    export_lake(sqlite_sessions, folder=tmp_path / "lake")
    lake = read_lake(spark, tmp_path / "lake")
    texts = [f"{name} matches '{text}'" for name in FOLDING_FIELDS for text in FOLDING_FILTERS]
    cases = [(text, parse(text)) for text in texts]
    frames = [
        select_contacts(tree, lake, today=TODAY).select(F.lit(index).alias("case"), "no")
        for index, (_text, tree) in enumerate(cases)
    ]
    on_spark: dict[int, set[str]] = {index: set() for index in range(len(cases))}
    for row in reduce(lambda a, b: a.unionAll(b), frames).collect():
        on_spark[row.case].add(row.no)
    with sqlite_sessions() as session:
        for index, (text, tree) in enumerate(cases):
            query = select(t.Contact.no).where(condition(tree, today=TODAY))
            assert on_spark[index] == set(session.scalars(query)), text
    found = {text: on_spark[index] for index, (text, _tree) in enumerate(cases)}
    assert found["name matches '@*strasse*'"] == {"C1", "P2"}
    assert found["company_name matches '@*STRAßE*'"] == {"C1", "P1"}
    assert found["name matches '@*ς'"] == found["name matches '@*σ'"] == {"C2", "P3"}
    assert found["city matches '@αθηνασ'"] == {"C1", "P3"}
    assert found["name matches '@é*'"] == {"P1", "P4"}
