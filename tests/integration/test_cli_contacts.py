"""`rapport contacts …` end to end (K1, K2): exit statuses, messages on stderr without a
traceback, and the JSON shapes of SPEC §6."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import make_code, make_company, make_person, put_on_segment


def as_json(rapport, *args):
    status, out, err = rapport("--json", *args)
    assert status == 0, err
    return json.loads(out)


def test_k1_add_prints_the_new_no_and_json_gives_every_field(rapport):
    status, out, _ = rapport("contacts", "add", "name=Acme", "country=")
    assert (status, out.strip()) == (0, "CT000001")
    person = as_json(rapport, "contacts", "add", "name=Jo", "type=person", "company_no=ct000001")
    assert person["no"] == "CT000002"
    assert (person["type"], person["company_no"], person["company_name"]) == (
        "person",
        "CT000001",
        "Acme",
    )
    assert {"search_name", "email", "excluded", "created", "salesperson"} <= set(person)


def test_k1_list_json_is_an_array_of_every_contact_field(rapport):
    rapport("contacts", "add", "no=C2", "name=Beta")
    rapport("contacts", "add", "no=C1", "name=Alpha", "excluded=true")
    rows = as_json(rapport, "contacts", "list")
    assert [r["no"] for r in rows] == ["C1", "C2"]
    assert rows[0]["excluded"] is True
    assert {
        "no",
        "name",
        "type",
        "company_no",
        "company_name",
        "country",
        "email",
        "created",
    } <= set(rows[0])
    assert [r["no"] for r in as_json(rapport, "contacts", "list", "--limit", "1")] == ["C1"]
    assert as_json(rapport, "contacts", "list", "--limit", "0") == []


def test_k1_list_as_text_is_a_table(rapport):
    rapport("contacts", "add", "no=C1", "name=Alpha")
    status, out, _ = rapport("contacts", "list")
    assert status == 0
    assert "C1" in out
    assert "Alpha" in out


def test_k1_set_changes_fields_and_show_gives_the_card(rapport):
    rapport("contacts", "add", "no=C1", "name=Acme")
    rapport("contacts", "add", "no=P1", "type=person", "company_no=C1", "name=Jo")
    changed = as_json(rapport, "contacts", "set", "C1", "name=Acme Group", "city=Gent")
    assert (changed["name"], changed["city"]) == ("Acme Group", "Gent")
    card = as_json(rapport, "contacts", "show", "p1")
    assert card["company_name"] == "Acme Group"
    assert card["mailing_groups"] == []
    assert {
        "industry_groups",
        "business_relations",
        "job_responsibilities",
        "web_sources",
        "profile_answers",
        "alt_addresses",
        "recent_interactions",
    } <= set(card)
    status, out, _ = rapport("contacts", "show", "P1")
    assert status == 0
    assert "Acme Group" in out


def test_k2_assign_and_remove_with_the_card_showing_it(rapport, sqlite_url):
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        make_code(session, t.BusinessRelation, "CUST", "Customer")
        make_code(session, t.MailingGroup, "NEWS", "Newsletter")
    rapport("contacts", "add", "no=C1", "name=Acme")
    done = as_json(
        rapport,
        "contacts",
        "assign",
        "C1",
        "business_relation",
        "cust",
        "link_to_table=customer",
        "link_no=10000",
    )
    assert done == {
        "contact_no": "C1",
        "relation": "business_relation",
        "code": "CUST",
        "description": "Customer",
        "link_to_table": "customer",
        "link_no": "10000",
    }
    status, _, err = rapport("contacts", "assign", "C1", "mailing_group", "NEWS")
    assert status == 0
    assert "assigned" in err
    card = as_json(rapport, "contacts", "show", "C1")
    assert card["business_relations"] == [
        {"code": "CUST", "description": "Customer", "link_to_table": "customer", "link_no": "10000"}
    ]
    assert [g["code"] for g in card["mailing_groups"]] == ["NEWS"]
    removed = as_json(rapport, "contacts", "assign", "C1", "mailing_group", "news", "--remove")
    assert removed["removed"] is True
    assert as_json(rapport, "contacts", "show", "C1")["mailing_groups"] == []


def test_k1_delete_then_show_is_not_found(rapport):
    rapport("contacts", "add", "no=C1")
    assert as_json(rapport, "contacts", "delete", "c1") == {"no": "C1", "deleted": True}
    status, out, err = rapport("contacts", "show", "C1")
    assert (status, out) == (1, "")
    assert "The Contact does not exist. Identification fields and values: No.='C1'" in err
    assert "Traceback" not in err


def test_k1_the_segment_guard_is_a_user_error_with_bcs_message(rapport, sqlite_url):
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        acme = make_company(session, "C1")
        make_company(session, "C2")
        put_on_segment(session, make_person(session, "P1", company=acme))
    status, _, err = rapport("contacts", "delete", "P1")
    assert status == 1
    assert "You cannot delete the Contact record of the P1 because the contact is assigned" in err
    status, _, err = rapport("contacts", "set", "P1", "company_no=C2")
    assert status == 1
    assert "You cannot change Company No. because one or more unlogged segments" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contacts", "add", "name"], "expected FIELD=VALUE"),
        (["contacts", "add", "contry=BE"], "did you mean 'country'"),
        (
            ["contacts", "add", "country=XX"],
            "The Country/Region does not exist. Identification fields and values: Code='XX'",
        ),
        (["contacts", "add", "name=a", "name=b"], "given twice"),
        (["contacts", "set", "C9"], "at least one FIELD=VALUE"),
        (
            ["contacts", "assign", "C9", "mailing_group", "NEWS"],
            "The Contact does not exist. Identification fields and values: No.='C9'",
        ),
        (["contacts", "assign", "C9", "colour", "RED"], "unknown relation 'colour'"),
    ],
)
def test_k1_k2_user_errors_exit_1_with_one_line_on_stderr(rapport, args, message):
    status, out, err = rapport(*args)
    assert status == 1
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["contacts", "bogus"],
        ["contacts", "show"],
        ["contacts", "delete", "C1", "C2"],
    ],
)
def test_k1_usage_errors_exit_2(rapport, args):
    status, _, err = rapport(*args)
    assert status == 2
    assert "Traceback" not in err


def test_k1_help_lists_every_contacts_command(rapport):
    status, out, _ = rapport("contacts", "--help")
    assert status == 0
    for command in ("list", "show", "add", "set", "delete", "assign"):
        assert command in out


def test_k1_the_contacts_commands_load_no_database_code_until_they_run():
    """`rapport --help` stays fast: the CLI modules import neither SQLAlchemy nor services."""
    code = (
        "import sys, rapport.cli.main; "
        "print(any(m == 'sqlalchemy' or m.startswith('rapport.services') for m in sys.modules))"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_k1_list_streams_a_json_array_row_by_row(rapport, sqlite_url):
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        for index in range(2500):  # more than one fetch batch
            make_company(session, f"C{index:05d}")
    status, out, _ = rapport("--json", "contacts", "list")
    assert status == 0
    rows = json.loads(out)
    assert len(rows) == 2500
    assert rows[0]["no"] == "C00000"
    assert rows[-1]["no"] == "C02499"


def test_k1_list_where_selects_with_the_criteria_language(rapport):
    rapport("contacts", "add", "no=C1", "name=Acme", "city=Gent")
    rapport("contacts", "add", "no=C2", "name=Beta", "city=Brugge")
    rapport("contacts", "add", "no=P1", "type=person", "company_no=C1", "city=Gent")
    rows = as_json(rapport, "contacts", "list", "--where", "city = Gent and type = person")
    assert [r["no"] for r in rows] == ["P1"]
    rows = as_json(rapport, "contacts", "list", "--where", "name matches '@beta'", "--limit", "5")
    assert [r["no"] for r in rows] == ["C2"]


def test_k1_list_with_bad_criteria_exits_1_with_the_position_and_no_output(rapport):
    status, out, err = rapport("--json", "contacts", "list", "--where", "contry = BE")
    assert (status, out) == (1, "")
    assert "did you mean 'country'" in err
    assert "Traceback" not in err


def test_k1_s1_c1_the_number_series_passes_over_numbers_already_taken(rapport, tmp_path):
    """A number typed by hand or imported with the row is never handed out again."""
    assert rapport("contacts", "add", "no=CT000001", "name=Typed")[0] == 0
    rows = tmp_path / "contacts.csv"
    rows.write_text("no,name,type\nCT000002,Imported,company\n", encoding="utf-8")
    assert rapport("import", "contacts", str(rows))[0] == 0
    status, out, err = rapport("contacts", "add", "name=Next")
    assert (status, out.strip(), err) == (0, "CT000003", "")
    campaigns = tmp_path / "campaigns.csv"
    campaigns.write_text("no,description\nCP00001,Imported\n", encoding="utf-8")
    assert rapport("import", "campaigns", str(campaigns))[0] == 0
    status, out, err = rapport("campaign", "create", "--description", "Next")
    assert (status, out.strip(), err) == (0, "CP00002", "")
