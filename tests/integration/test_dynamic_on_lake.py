"""A dynamic segment refreshed on Spark over the lake (X4, issue 16): a full evaluation of its
definition applied as a delta gives, line for line, what the database's own refresh gives
from the same data, through every option of the definition's steps, keeping the manual lines
and the exceptions; the next refresh in the database evaluates in full again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from rapport.cli.main import run
from rapport.errors import Conflict
from rapport.services.lake.exports import export_lake
from rapport.services.segments import actions, dynamic, on_lake
from rapport.services.segments.header import create_segment
from rapport.services.segments.manual import add_contact, remove_contact
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.db import Sessions
from tests.integration.lake_world import lines_of

pytestmark = pytest.mark.spark

# The definition: every option of an add and of a removal.
DEFINITION: list[tuple[str, str, dict[str, Any]]] = [
    ("add", "country in (BE, NL) and mailing_group = NEWSLETTER", {}),
    ("add", "industry_group = RETAIL or job_title matches '@*manager*'", {"expand": True}),
    ("add", "type = person and not profile(answer_line = 1)", {"related": True}),
    ("add", "business_relation = CUST or excluded", {"ignore_exclusion": True}),
    ("reduce", "post_code matches '1000..1999' or opted_out", {"entire": True}),
    ("refine", "not (mailing_group = NO_MAIL) and name matches '?*'", {}),
]


def _dynamic(sessions: Sessions) -> str:
    values = [("dynamic", "true")]
    no = create_segment(sessions, description="Standing", user="admin", values=values).no
    for verb, where, flags in DEFINITION:
        if verb == "add":
            options = AddOptions(
                expand_companies=flags.get("expand", False),
                related_companies=flags.get("related", False),
                ignore_exclusion=flags.get("ignore_exclusion", False),
            )
            actions.add_contacts(sessions, no, criteria=where, options=options, user="admin")
            continue
        remove = actions.reduce if verb == "reduce" else actions.refine
        remove(
            sessions, no, criteria=where, entire_companies=flags.get("entire", False), user="admin"
        )
    return no


def _change_the_contacts(sessions: Sessions, lake: Path) -> None:
    """Some contacts move in and out of the definition (country, post code, exclusion,
    privacy), and the lake is exported again from the database."""
    contacts = t.Contact.__table__
    with sessions.begin() as session:
        nos = list(session.scalars(select(contacts.c.no).order_by(contacts.c.no)))
        session.execute(update(contacts).where(contacts.c.no.in_(nos[::3])).values(country="NL"))
        session.execute(update(contacts).where(contacts.c.excluded).values(excluded=False))
        leaving_range = contacts.c.post_code.between("1000", "1999")
        session.execute(update(contacts).where(leaving_range).values(post_code="9000"))
        session.execute(update(contacts).where(contacts.c.no.in_(nos[3::11])).values(country="FR"))
        session.execute(update(contacts).where(contacts.c.no.in_(nos[5::13])).values(excluded=True))
        blocked = contacts.c.no.in_(nos[2::17])
        session.execute(update(contacts).where(blocked).values(privacy_blocked=True))
    export_lake(sessions, folder=lake)


def _active(sessions: Sessions, no: str) -> set[str]:
    return {line["no"] for line in lines_of(sessions, no) if not line["removed_action"]}


def test_x4_a_refresh_on_spark_gives_the_database_refresh_line_for_line(lake_demo_on_both):
    """X4, issue 16: the same definition, the same changed data; the database refreshes one
    segment by its own evaluation, Spark the other; results and every line agree, the
    manual line and the exception kept on both."""
    sessions, lake = lake_demo_on_both
    in_database, on_spark = _dynamic(sessions), _dynamic(sessions)
    assert lines_of(sessions, in_database) == lines_of(sessions, on_spark)
    members = sorted(_active(sessions, in_database))
    with sessions() as session:
        outsider = session.scalars(
            select(t.Contact.no).where(
                t.Contact.no.not_in(members), t.Contact.privacy_blocked.is_(False)
            )
        ).first()
    assert outsider is not None
    for no in (in_database, on_spark):
        add_contact(sessions, no, contact_no=outsider, user="admin")
        remove_contact(sessions, no, contact_no=members[0], user="admin")
    _change_the_contacts(sessions, lake)
    expected = dynamic.refresh(sessions, in_database, user="admin")
    got = on_lake.refresh_on_lake(sessions, on_spark, lake=lake, user="admin")
    assert (got.result.added, got.result.removed, got.result.no_of_lines) == (
        expected.added,
        expected.removed,
        expected.no_of_lines,
    )
    assert expected.added
    assert expected.removed
    assert got.result.full
    assert got.unknown_contacts == 0
    assert lines_of(sessions, on_spark) == lines_of(sessions, in_database)
    active = _active(sessions, on_spark)
    assert outsider in active
    assert members[0] not in active
    again = on_lake.refresh_on_lake(sessions, on_spark, lake=lake, user="admin")
    assert (again.result.added, again.result.removed, again.result.action_no) == (0, 0, None)
    after = dynamic.refresh(sessions, on_spark, user="admin")
    assert after.full
    assert (after.added, after.removed) == (0, 0)


def test_x4_the_refresh_on_spark_is_one_recorded_action_that_undo_takes_back(lake_demo):
    sessions, lake = lake_demo
    no = _dynamic(sessions)
    before = lines_of(sessions, no)
    _change_the_contacts(sessions, lake)
    done = on_lake.refresh_on_lake(sessions, no, lake=lake, user="admin")
    assert done.result.action_no is not None
    assert lines_of(sessions, no) != before
    from rapport.services.segments import history

    [action] = [a for a in history.criteria(sessions, no) if a.action_no == done.result.action_no]
    assert action.action == "refresh"
    assert (action.no_of_lines_added, action.no_of_lines_removed) == (
        done.result.added,
        done.result.removed,
    )
    from rapport.services.segments.history import go_back

    go_back(sessions, no, user="admin")
    assert {(line["no"], line["removed_action"]) for line in lines_of(sessions, no)} >= {
        (line["no"], line["removed_action"]) for line in before
    }
    assert _active(sessions, no) == {line["no"] for line in before if not line["removed_action"]}


def test_x4_only_a_dynamic_segment_refreshes_on_spark_and_the_cli_says_so(lake_demo, capsys):
    sessions, lake = lake_demo
    plain = create_segment(sessions, description="Plain", user="admin").no
    with pytest.raises(Conflict, match="is not dynamic"):
        on_lake.refresh_on_lake(sessions, plain, lake=lake, user="admin")
    url = str(sessions.kw["bind"].url)
    argv = ["--db", url, "--user", "admin", "segment", "refresh"]
    assert run([*argv, plain, "--engine", "spark", "--lake", str(lake)]) == 1
    assert "is not dynamic" in capsys.readouterr().err
    assert run([*argv, "--all", "--engine", "spark", "--lake", str(lake)]) == 1
    assert "--engine spark refreshes one segment" in capsys.readouterr().err
    no = _dynamic(sessions)
    _change_the_contacts(sessions, lake)
    assert (
        run(
            [
                "--db",
                url,
                "--user",
                "admin",
                "--json",
                "segment",
                "refresh",
                no,
                "--engine",
                "spark",
                "--lake",
                str(lake),
                "--master",
                "local[1]",
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["result"]["segment"] == no
    assert shown["result"]["added"] + shown["result"]["removed"] > 0
    assert shown["unknown_contacts"] == 0
    assert run([*argv, no, "--engine", "spark", "--lake", str(lake)]) == 0
    shown = capsys.readouterr()
    assert f"{no} refresh: 0 added, 0 removed" in shown.err
    assert "Spark (local[*]): start-up" in shown.out
