"""`rapport campaign …`, `opportunities list`, `tasks list` and the segment output commands
end to end (C1–C3, S12–S14): exit statuses, messages on stderr, every field in lists."""

from __future__ import annotations

import csv
import json

import pytest

from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import make_code, make_company, make_person, make_salesperson, make_segment


@pytest.fixture
def world(sqlite_url):
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        acme = make_company(session, "ACME", "Acme")
        ann = make_person(session, "P1", "Ann", company=acme, email="ann@acme.test")
        make_code(session, t.MailingGroup, "NEWS")
        session.add(t.SalesCycle(code="NEW", description="New"))
        target = {"campaign_no": "CP00001", "campaign_target": True}
        make_segment(
            session,
            "SEG00001",
            salesperson_code="JO",
            lines=[{"contact": acme, **target}, {"contact": ann, **target}],
        )
    return sessions


def as_json(rapport, *args):
    status, out, err = rapport("--json", *args)
    assert status == 0, err
    return json.loads(out)


def test_c1_campaign_create_prints_the_no_and_refuses_reversed_dates(rapport):
    status, out, _ = rapport(
        "campaign",
        "create",
        "--description",
        "Spring",
        "--starting-date",
        "2026-03-01",
        "--ending-date",
        "2026-05-31",
    )
    assert (status, out.strip()) == (0, "CP00001")
    status, out, err = rapport(
        "campaign",
        "create",
        "--description",
        "Bad",
        "--starting-date",
        "2026-06-01",
        "--ending-date",
        "2026-05-31",
    )
    assert (status, out) == (1, "")
    assert "must not be after Ending Date" in err
    assert "Traceback" not in err
    status, _, err = rapport("campaign", "create", "--description", "X", "--starting-date", "June")
    assert status == 1
    assert "starting_date: 'June' is not a date (YYYY-MM-DD)" in err


def test_c2_campaign_list_show_and_entries_give_every_field(rapport):
    assert as_json(rapport, "campaign", "create", "--description", "Spring") == {"no": "CP00001"}
    [row] = as_json(rapport, "campaign", "list")
    assert {
        "no",
        "description",
        "starting_date",
        "ending_date",
        "salesperson_code",
        "status_code",
        "target_contacts_contacted",
        "contacts_responded",
        "cost",
        "duration",
        "no_of_entries",
        "activated",
    } <= set(row)
    assert as_json(rapport, "campaign", "show", "cp00001")["description"] == "Spring"
    assert as_json(rapport, "campaign", "entries", "CP00001") == []
    assert rapport("campaign", "entries", "CP00001") == (
        0,
        "",
        "Campaign CP00001 has no entries.\n",
    )
    status, out, _ = rapport("campaign", "list")
    assert status == 0
    assert "target_contacts_contacted" in out
    status, _, err = rapport("campaign", "show", "CP00009")
    assert status == 1
    assert "The Campaign does not exist. Identification fields and values: No.='CP00009'" in err


def test_c3_campaign_activate_and_deactivate_print_bc_messages(rapport, world):
    rapport("campaign", "create", "--description", "Spring")
    status, _, err = rapport("campaign", "activate", "CP00001")
    assert (status, err.strip()) == (0, "Campaign CP00001 is now activated.")
    assert as_json(rapport, "campaign", "show", "CP00001")["target_groups"] == [
        {"type": "contact", "no": "ACME"}
    ]
    status, _, err = rapport("campaign", "deactivate", "CP00001")
    assert (status, err.strip()) == (0, "Campaign CP00001 is now deactivated.")


def test_s12_s13_segment_apply_mailing_group_and_export(rapport, world, tmp_path):
    status, _, err = rapport("segment", "apply-mailing-group", "SEG00001", "NEWS", "--replace")
    assert (status, err.strip()) == (0, "Mailing Group NEWS is now applied to Segment SEG00001.")
    status, _, err = rapport("segment", "apply-mailing-group", "SEG00001", "NOPE")
    assert (status, "The Mailing Group does not exist." in err) == (1, True)
    path = tmp_path / "out.csv"
    assert as_json(rapport, "segment", "export", "SEG00001", "-o", str(path))["rows"] == 2
    with path.open(encoding="utf-8") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["no", "ACME", "P1"]


def test_s14_segment_create_opportunities_and_tasks_then_list_them(rapport, world):
    created = as_json(
        rapport, "segment", "create-opportunities", "SEG00001", "--sales-cycle", "NEW"
    )
    assert (created["created"], created["first_no"]) == (2, "OP00001")
    opportunities = as_json(rapport, "opportunities", "list")
    assert [o["no"] for o in opportunities] == ["OP00001", "OP00002"]
    assert {"contact_no", "sales_cycle_code", "creation_date", "segment_description"} <= set(
        opportunities[0]
    )
    status, _, err = rapport(
        "segment",
        "create-tasks",
        "SEG00001",
        "--type",
        "meeting",
        "--date",
        "2026-04-01",
        "--description",
        "Visit",
    )
    assert (status, err.strip()) == (0, "2 tasks created (TD00001..TD00002).")
    tasks = as_json(rapport, "tasks", "list")
    assert [(task["no"], task["date"]) for task in tasks] == [
        ("TD00001", "2026-04-01"),
        ("TD00002", "2026-04-01"),
    ]
    # for people, a table: a line per opportunity or task, the columns they scan
    status, out, _ = rapport("opportunities", "list")
    lines = out.splitlines()
    assert lines[0].split() == [
        "no",
        "description",
        "contact_no",
        "salesperson_code",
        "campaign_no",
        "segment_no",
        "sales_cycle_code",
        "creation_date",
        "status",
    ]
    assert [line.split()[0] for line in lines[1:]] == ["OP00001", "OP00002"]
    status, out, _ = rapport("tasks", "list")
    assert [line.split()[0] for line in out.splitlines()] == ["no", "TD00001", "TD00002"]
    assert rapport("tasks", "list", "--segment", "SEG09999") == (0, "", "No tasks.\n")
