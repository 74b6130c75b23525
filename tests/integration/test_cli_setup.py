"""The everyday commands of SPEC §6 a user looks for, from the command line with --json:
`setup show|set`, `codes list|add|set|delete`, `campaign set`, `template create|set`,
`segment delete` and `criteria list|show|delete`. Bad input exits 1 with one line on stderr
and changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import sessionmaker

from rapport.cli.main import run
from rapport.storage.db import make_engine
from tests.integration.segment_world import build_world


@pytest.fixture
def cli(sqlite_url, capsys):
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        build_world(session)
    engine.dispose()

    def call(*args: str) -> tuple[int, object, str]:
        code = run(["--db", sqlite_url, "--json", "--user", "admin", *args])
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else None, err

    return call


def refused(cli, before_command: tuple[str, ...], *command: str, says: str) -> None:
    before = cli(*before_command)[1]
    code, out, err = cli(*command)
    assert (code, out) == (1, None), err
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert cli(*before_command)[1] == before


def test_setup_show_and_set_the_marketing_setup_and_its_inheritance_flags(cli):
    code, shown, _ = cli("setup", "show")
    assert code == 0
    assert shown["segment_nos"]
    assert all(shown[f"inherit_{name}"] for name in ("salesperson_code", "language_code"))
    code, changed, _ = cli(
        "setup", "set", "inherit_language_code=false", "default_salesperson_code=kim"
    )
    assert code == 0
    assert (changed["inherit_language_code"], changed["default_salesperson_code"]) == (False, "KIM")
    assert cli("setup", "show")[1] == changed
    refused(cli, ("setup", "show"), "setup", "set", "default_language_code=XX", says="'XX'")
    refused(
        cli,
        ("setup", "show"),
        "setup",
        "set",
        "inherit_language_code=true",
        "inherit_langage_code=false",
        says="did you mean inherit_language_code?",
    )
    refused(cli, ("setup", "show"), "setup", "set", "inherit_address_details=maybe", says="boolean")


def test_codes_list_add_set_and_delete(cli):
    listed = ("codes", "list", "mailing_groups")
    assert [row["code"] for row in cli(*listed)[1]] == ["NEWSLETTER"]
    code, added, _ = cli("codes", "add", "mailing_groups", "events", "description=Events")
    assert (code, added) == (0, {"code": "EVENTS", "description": "Events"})
    assert cli("codes", "set", "mailing_groups", "EVENTS", "description=Event invitations")[1] == {
        "code": "EVENTS",
        "description": "Event invitations",
    }
    assert cli("codes", "set", "salespeople", "JO", "blocked=true")[1]["blocked"] is True
    refused(cli, listed, "codes", "add", "mailing_groups", "EVENTS", says="already exists")
    refused(cli, listed, "codes", "set", "mailing_groups", "NOPE", "description=x", says="NOPE")
    refused(cli, listed, "codes", "add", "mailing_groups", "X", "colour=red", says="'colour'")
    refused(
        cli,
        listed,
        "codes",
        "delete",
        "mailing_groups",
        "NEWSLETTER",
        says="contact_mailing_groups",
    )
    refused(cli, listed, "codes", "list", "mailing_group", says="did you mean mailing_groups?")
    assert cli("codes", "delete", "mailing_groups", "events")[0] == 0
    assert [row["code"] for row in cli(*listed)[1]] == ["NEWSLETTER"]


def test_c1_campaign_set_changes_fields_with_the_campaign_rules(cli):
    cli("campaign", "create", "--description", "Spring", "--starting-date", "2026-03-01")
    code, changed, _ = cli(
        "campaign",
        "set",
        "CP00001",
        "description=Spring fair",
        "ending_date=2026-06-30",
        "salesperson_code=jo",
    )
    assert code == 0
    assert (changed["description"], changed["ending_date"], changed["salesperson_code"]) == (
        "Spring fair",
        "2026-06-30",
        "JO",
    )
    shown = ("campaign", "show", "CP00001")
    refused(
        cli, shown, "campaign", "set", "CP00001", "ending_date=2026-01-01", says="Starting Date"
    )
    refused(cli, shown, "campaign", "set", "CP00001", "ending_date=2026-02-30", says="not a date")
    refused(
        cli,
        shown,
        "campaign",
        "set",
        "CP00001",
        "salesperson_code=ZED",
        says="Salesperson does not exist. Identification fields and values: Code='ZED'",
    )
    refused(cli, shown, "campaign", "set", "CP00001", "no=CP9", says="has no field 'no'")
    refused(cli, shown, "campaign", "set", "CP00099", "description=x", says="CP00099")


def test_l1_template_create_and_set(cli):
    code, made, _ = cli(
        "template",
        "create",
        "news",
        "interaction_group_code=letter",
        "description=News",
        "correspondence_type_default=hard_copy",
        "unit_cost=1.5",
    )
    assert code == 0
    assert (made["code"], made["interaction_group_code"], made["unit_cost"]) == (
        "NEWS",
        "LETTER",
        1.5,
    )
    assert made["correspondence_type_default"] == "hard_copy"
    code, changed, _ = cli("template", "set", "NEWS", "information_flow=outbound")
    assert (code, changed["information_flow"]) == (0, "outbound")
    assert (
        cli("template", "set", "ABSTRACT", "language_code_default=NLB")[1]["language_code_default"]
        == "NLB"
    )
    listed = ("template", "list")
    refused(
        cli, listed, "template", "create", "NEWS", "interaction_group_code=LETTER", says="exists"
    )
    refused(cli, listed, "template", "create", "OTHER", "description=x", says="a value is required")
    refused(cli, listed, "template", "create", "X", "interaction_group_code=NOPE", says="'NOPE'")
    refused(
        cli, listed, "template", "set", "NEWS", "language_code_default=ENU", says="no ENU variant"
    )
    refused(cli, listed, "template", "set", "NEWS", "correspondence_type_default=fax", says="fax")


def test_s1_s9_segment_delete_and_saved_criteria_from_the_command_line(cli):
    cli("segment", "create", "--description", "Mailing")
    cli("segment", "add", "SEG00001", "--where", "company_no = ACME")
    assert cli("segment", "save-criteria", "SEG00001", "acme")[0] == 0
    assert cli("criteria", "list")[1] == [
        {"code": "ACME", "description": "", "user_id": "ADMIN", "no_of_actions": 1}
    ]
    shown = cli("criteria", "show", "ACME")[1]
    assert [a["criteria"] for a in shown["actions"]] == ["company_no = ACME"]
    code, deleted, _ = cli("segment", "delete", "SEG00001")
    assert (code, deleted["no"], deleted["no_of_lines"]) == (0, "SEG00001", 3)
    refused(cli, ("segment", "list"), "segment", "show", "SEG00001", says="does not exist")
    assert cli("criteria", "delete", "acme")[1]["code"] == "ACME"
    assert cli("criteria", "list")[1] == []
    refused(cli, ("criteria", "list"), "criteria", "delete", "ACME", says="Code='ACME'")


def test_setup_series_list_show_add_and_set_number_series(cli):
    """SPEC §2 Setup: `rapport setup series …` with --json, bad input refused unchanged."""
    listed = ("setup", "series", "list")
    code, before, _ = cli(*listed)
    assert code == 0
    assert "SEG" in [row["code"] for row in before]
    code, made, _ = cli(
        "setup", "series", "add", "quote", "description=Quotes", "starting_no=QU0001"
    )
    assert code == 0
    assert (made["code"], made["next_no"], made["manual_nos"]) == ("QUOTE", "QU0001", False)
    code, changed, _ = cli("setup", "series", "set", "QUOTE", "last_no_used=QU0041")
    assert (code, changed["next_no"]) == (0, "QU0042")
    assert cli("setup", "series", "show", "quote")[1] == changed
    assert changed in cli(*listed)[1]
    refused(cli, listed, "setup", "series", "set", "QUOTE", "last_no_used=QU", says="last_no_used")
    refused(cli, listed, "setup", "series", "add", "QUOTE", "starting_no=Q1", says="already exists")
    refused(cli, listed, "setup", "series", "set", "NOPE", "description=x", says="'NOPE'")
    refused(cli, listed, "setup", "series", "set", "QUOTE", "last_no=QU1", says="'last_no'")
