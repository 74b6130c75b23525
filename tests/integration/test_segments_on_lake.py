"""Segment actions on Spark over the lake (issue 16, S3, S4, X2, X10): a segment built on
Spark from the lake equals, line for line, the same segment built in the database from the
same data, through every Business Central option of an add and of a removal; contact nos.
the lake has and the database does not are reported and skipped; the lake's export and
check; the Spark engine's errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from rapport.cli.main import run
from rapport.services.contacts import cards
from rapport.services.lake.checks import check_lake
from rapport.services.lake.exports import export_lake
from rapport.services.segments import actions, on_lake
from rapport.services.segments.header import create_segment
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.db import Sessions
from tests.integration.lake_world import lines_of

pytestmark = pytest.mark.spark


def test_the_export_writes_explicit_types_codes_and_post_codes_as_strings(lake_demo):
    import pyarrow as pa
    import pyarrow.dataset as ds

    sessions, lake = lake_demo
    contacts = ds.dataset(str(lake / "contacts"), format="parquet")
    schema = contacts.schema
    assert schema.field("post_code").type == pa.string()
    assert schema.field("no").type == pa.string()
    assert schema.field("created").type == pa.date32()
    assert schema.field("company_id").type == pa.int64()
    entries = ds.dataset(str(lake / "interaction_log_entries"), format="parquet").schema
    assert entries.field("cost").type == pa.decimal128(18, 2)
    with sessions() as session:
        post_codes = set(session.scalars(select(t.Contact.post_code)))
    assert set(contacts.to_table(columns=["post_code"]).column(0).to_pylist()) == post_codes


def two_segments(sessions: Sessions) -> tuple[str, str]:
    made = [
        create_segment(sessions, description="Spring mailing", user="admin").no for _ in range(2)
    ]
    return made[0], made[1]


STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("add", "country in (BE, NL) and mailing_group = NEWSLETTER", {}),
    ("add", "industry_group = RETAIL or job_title matches '@*manager*'", {"expand": True}),
    ("add", "type = person and not profile(answer_line = 1)", {"related": True}),
    ("add", "created >= today - 2y and interaction(not canceled)", {"existing": True}),
    ("add", "business_relation = CUST or excluded", {"ignore_exclusion": True}),
    ("reduce", "post_code matches '1000..1999|2*' or opted_out", {"entire": True}),
    ("refine", "not (mailing_group = NO_MAIL) and name matches '?*'", {}),
    ("reduce", "logged_segment(1) and type = company", {}),
]

# Non-ASCII names where the database and Spark must fold alike (`@`): "ß" casefolds to "ss",
# "Σ" and a final "ς" to "σ", "É" to "é"; `_non_ascii_names` gives them to demo contacts.
FOLDING_STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("add", "name matches '@*strasse*|@émile*|@*ς' or city matches '@αθηνασ'", {}),
    ("reduce", "name matches '@*ΟΣ' and city matches '@ΑΘΗΝΑς'", {}),
]


def _non_ascii_names(sessions: Sessions, lake: Path) -> list[str]:
    """Two demo companies and three persons renamed (the persons: Émile, a Straße and a
    Greek name ending in a final sigma) and the lake exported again; the persons' nos."""
    kinds = {}
    with sessions() as session:
        for kind, count in (("company", 2), ("person", 3)):
            query = select(t.Contact.no).where(t.Contact.type == kind).order_by(t.Contact.no)
            kinds[kind] = list(session.scalars(query.limit(count)))
    names = [
        {"name": "STRAßE Bau NV", "city": "ΑΘΗΝΑΣ"},
        {"name": "Όμιλος Ήλιος"},
        {"name": "Émile Peeters"},
        {"name": "Jan Hauptstraße"},
        {"name": "Νίκος Παπαδόπουλος", "city": "αθηνας"},
    ]
    for no, fields in zip(kinds["company"] + kinds["person"], names, strict=True):
        cards.edit_contact(sessions, no, fields=fields, by="tester")
    export_lake(sessions, folder=lake)
    return kinds["person"]


def _options(flags: dict[str, Any]) -> AddOptions:
    return AddOptions(
        allow_existing=flags.get("existing", False),
        expand_companies=flags.get("expand", False),
        related_companies=flags.get("related", False),
        ignore_exclusion=flags.get("ignore_exclusion", False),
    )


def _apply(sessions: Sessions, lake: Path | None, no: str, step: tuple[str, str, dict[str, Any]]):
    verb, where, flags = step
    if verb == "add":
        options = _options(flags)
        if lake is None:
            return actions.add_contacts(sessions, no, criteria=where, options=options, user="admin")
        return on_lake.add_contacts_on_lake(
            sessions, no, criteria=where, options=options, lake=lake, user="admin"
        ).result
    entire = flags.get("entire", False)
    if lake is None:
        remove = actions.reduce if verb == "reduce" else actions.refine
        return remove(sessions, no, criteria=where, entire_companies=entire, user="admin")
    on_spark = on_lake.reduce_on_lake if verb == "reduce" else on_lake.refine_on_lake
    run_ = on_spark(sessions, no, criteria=where, entire_companies=entire, lake=lake, user="admin")
    return run_.result


def test_a_segment_built_on_spark_equals_the_one_built_in_the_database_line_for_line(
    lake_demo_on_both,
):
    """S3, S4 with every option, issue 16: results, lines, numbers and defaults agree, and
    `@` folds non-ASCII names (Émile, STRAßE, a final sigma) on Spark as in the database."""
    sessions, lake = lake_demo_on_both
    emile, strasse, greek = _non_ascii_names(sessions, lake)
    in_database, on_spark = two_segments(sessions)
    for step in [*STEPS, *FOLDING_STEPS]:
        expected = _apply(sessions, None, in_database, step)
        got = _apply(sessions, lake, on_spark, step)
        assert got == expected, step
        assert lines_of(sessions, on_spark) == lines_of(sessions, in_database), step
    lines = lines_of(sessions, on_spark)
    assert any(line["removed_action"] for line in lines)
    assert sum(1 for line in lines if not line["removed_action"]) > 10
    active = {line["no"] for line in lines if not line["removed_action"]}
    assert {emile, strasse} <= active
    assert greek not in active


def test_x2_a_preview_on_spark_counts_and_samples_what_the_database_would(lake_demo):
    sessions, lake = lake_demo
    in_database, on_spark = two_segments(sessions)
    where = "country = BE or industry_group = RETAIL"
    options = AddOptions(expand_companies=True)
    expected = actions.add_contacts(
        sessions, in_database, criteria=where, options=options, user="admin", preview=True
    )
    got = on_lake.add_contacts_on_lake(
        sessions, on_spark, criteria=where, options=options, lake=lake, user="admin", preview=True
    )
    assert got.result == expected
    assert lines_of(sessions, on_spark) == []
    actions.add_contacts(sessions, in_database, criteria=where, user="admin")
    removal = on_lake.refine_on_lake(
        sessions, in_database, criteria="country = BE", lake=lake, user="admin", preview=True
    )
    assert removal.result == actions.refine(
        sessions, in_database, criteria="country = BE", user="admin", preview=True
    )
    # a reduce that would empty the segment, its criteria kept: no reset foretold
    everyone = {"criteria": "not no = ZZZ", "keep_criteria": True, "preview": True}
    kept = on_lake.reduce_on_lake(sessions, in_database, lake=lake, user="admin", **everyone)
    assert kept.result == actions.reduce(sessions, in_database, user="admin", **everyone)
    assert (kept.result.no_of_lines, kept.result.criteria_reset) == (0, False)


def test_contact_nos_the_database_does_not_have_are_reported_and_skipped(lake_demo, capsys):
    sessions, lake = lake_demo
    with sessions.begin() as session:
        renamed = session.scalars(
            select(t.Contact.no).where(t.Contact.country == "BE").order_by(t.Contact.no).limit(2)
        ).all()
        session.execute(
            update(t.Contact).where(t.Contact.no.in_(renamed)).values(no=t.Contact.no + "X")
        )
    segment, _ = two_segments(sessions)
    done = on_lake.add_contacts_on_lake(
        sessions, segment, criteria="country = BE", lake=lake, user="admin"
    )
    assert (done.unknown_contacts, done.unknown_sample) == (2, tuple(renamed))
    on_segment = {line["no"] for line in lines_of(sessions, segment)}
    assert on_segment
    assert not on_segment & set(renamed)
    assert {f"{no}X" for no in renamed} <= set(
        sessions().scalars(select(t.Contact.no).where(t.Contact.country == "BE"))
    )
    assert check_lake(sessions, folder=lake).unknown_contacts == 2


def _rewrite_contacts(lake: Path) -> None:
    """The lake's contacts without `country` or `name_folded` and with `post_code` as whole
    numbers."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = next((lake / "contacts").glob("*.parquet"))
    table = pq.read_table(path).drop_columns(["country", "name_folded"])
    numbers = pc.cast(pc.utf8_length(table["post_code"]), pa.int64())
    table = table.set_column(table.schema.get_field_index("post_code"), "post_code", numbers)
    pq.write_table(table, path)


def test_lake_check_names_a_missing_column_and_a_wrong_type(lake_demo, capsys):
    sessions, lake = lake_demo
    url = str(sessions.kw["bind"].url)
    assert run(["--db", url, "--json", "lake", "check", str(lake)]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["unknown_contacts"] == 0
    assert {row["table"]: row["rows"] for row in checked["tables"]}["contacts"] > 100
    _rewrite_contacts(lake)
    assert run(["--db", url, "lake", "check", str(lake)]) == 1
    error = capsys.readouterr().err
    assert "--lake:" in error
    assert "contacts.country is missing (a string column)" in error
    assert "contacts.name_folded is missing (a string column)" in error
    assert "contacts.post_code is int64, not string" in error
    segment, _ = two_segments(sessions)
    argv = ["--db", url, "segment", "add", segment, "--where", "country = BE"]
    assert run([*argv, "--engine", "spark", "--lake", str(lake)]) == 1
    assert "contacts.country is missing" in capsys.readouterr().err
    assert lines_of(sessions, segment) == []


BLOCK_PYSPARK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyspark", "pyarrow"):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Block())
from rapport.cli.main import main
sys.argv = ["rapport", *sys.argv[1:]]
main()
"""


def test_without_the_extra_the_spark_engine_exits_1_naming_it(sqlite_url, tmp_path):
    argv = ["--db", sqlite_url, "segment", "add", "SEG00001", "--where", "type = person"]
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_PYSPARK, *argv, "--engine", "spark", "--lake", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: --engine: the Spark engine needs the optional extra rapport[spark]: "
        "pip install 'rapport[spark]'"
    )


def test_the_criteria_package_and_the_cli_do_not_import_pyspark():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rapport.criteria, rapport.cli.main, rapport.services.segments.actions;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'pyarrow')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def standalone_cluster() -> Iterator[str]:
    """A Spark standalone master and one worker on loopback, started from PySpark's own
    `spark-class`; yields the master's URL and stops both."""
    import pyspark

    spark_class = str(Path(pyspark.__file__).parent / "bin" / "spark-class")
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"}
    daemons = [
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1"],
        [spark_class, "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1"],
    ]
    daemons[0] += ["--port", str(port), "--webui-port", str(_free_port())]
    daemons[1] += ["--cores", "1", "--memory", "1g", "--webui-port", str(_free_port())]
    started = [
        subprocess.Popen(daemons[0], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ]
    try:
        deadline = time.monotonic() + 120
        while not _listening(port):
            assert time.monotonic() < deadline, "the standalone master did not start"
            time.sleep(0.5)
        started.append(
            subprocess.Popen(
                daemons[1], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        yield url
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=60)


@pytest.mark.slow
def test_an_add_runs_on_a_standalone_master_on_loopback(lake_demo):
    """Issue 16: `--master spark://…` runs the job on a standalone cluster; the lines equal
    the database-built segment's."""
    sessions, lake = lake_demo
    in_database, on_cluster = two_segments(sessions)
    where = "country in (BE, NL) or industry_group = RETAIL"
    expected = actions.add_contacts(sessions, in_database, criteria=where, user="admin")
    url = str(sessions.kw["bind"].url)
    with standalone_cluster() as master:
        argv = ["--db", url, "--json", "--user", "admin", "segment", "add", on_cluster]
        argv += ["--where", where, "--engine", "spark", "--lake", str(lake), "--master", master]
        done = subprocess.run(
            [sys.executable, "-m", "rapport", *argv],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["master"] == master
    assert shown["result"]["added"] == expected.added > 0
    assert lines_of(sessions, on_cluster) == lines_of(sessions, in_database)
