"""`rapport segment …` from the command line: JSON shapes of SPEC §6, exit statuses, errors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import sessionmaker

from rapport.cli.main import run
from rapport.storage import tables as t
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


def test_s1_create_prints_the_new_header(cli):
    code, created, err = cli(
        "segment", "create", "--description", "Mailing", "--template", "ABSTRACT"
    )
    assert (code, err) == (0, "")
    shown = cli("segment", "show", "SEG00001")[1]
    del shown["lines"]
    assert created == shown
    assert created["no"] == "SEG00001"
    assert created["interaction_template_code"] == "ABSTRACT"
    assert created["no_of_lines"] == 0


def test_s1_the_users_salesperson_is_found_whatever_the_case_of_the_user_id(
    cli, sqlite_url, capsys
):
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        session.add(t.User(name="jim", salesperson_code="KIM"))
    engine.dispose()
    for given in ("jim", "JIM", "Jim"):
        assert (
            run(
                [
                    "--db",
                    sqlite_url,
                    "--json",
                    "--user",
                    given,
                    "segment",
                    "create",
                    "--description",
                    "Calls",
                ]
            )
            == 0
        )
        assert json.loads(capsys.readouterr().out)["salesperson_code"] == "KIM"


def test_s3_add_reduce_refine_and_preview_have_the_spec_shapes(cli):
    cli("segment", "create", "--description", "Mailing")
    code, preview, _ = cli("segment", "add", "SEG00001", "--where", "country = BE", "--preview")
    assert code == 0
    skipped = {"excluded": 1, "privacy_blocked": 0, "opted_out": 0}
    assert {k: preview[k] for k in ("action_no", "added", "no_of_lines", "preview", "skipped")} == {
        "action_no": 1,
        "added": 5,
        "no_of_lines": 5,
        "preview": True,
        "skipped": skipped,
    }
    assert cli("segment", "add", "SEG00001", "--where", "country = BE")[1] == {
        "action_no": 1,
        "added": 5,
        "no_of_lines": 5,
        "skipped": skipped,
    }
    assert cli("segment", "reduce", "SEG00001", "--where", "no = P6")[1] == {
        "action_no": 2,
        "removed": 1,
        "no_of_lines": 4,
        "criteria_reset": False,
    }
    assert cli("segment", "refine", "SEG00001", "--where", "no = P1", "--entire-companies")[1] == {
        "action_no": 3,
        "removed": 1,
        "no_of_lines": 3,
        "criteria_reset": False,
    }


def test_s7_show_and_criteria_list_the_lines_and_actions(cli):
    cli("segment", "create", "--description", "Mailing", "--template", "ABSTRACT")
    cli("segment", "add", "SEG00001", "--where", "company_no = ACME")
    _, shown, _ = cli("segment", "show", "SEG00001")
    assert shown["no"] == "SEG00001"
    assert (shown["no_of_lines"], shown["no_of_criteria_actions"]) == (3, 1)
    assert [line["contact_no"] for line in shown["lines"]] == ["ACME", "P1", "P2"]
    assert {
        "line_no",
        "contact_name",
        "contact_company_no",
        "salesperson_code",
        "correspondence_type",
        "interaction_template_code",
        "language_code",
        "campaign_no",
    } <= set(shown["lines"][0])
    _, actions, _ = cli("segment", "criteria", "SEG00001")
    assert actions[0]["criteria"] == "company_no = ACME"


def test_s8_undo_set_and_explain_from_the_command_line(cli):
    cli("segment", "create", "--description", "Mailing")
    cli("segment", "add", "SEG00001", "--where", "company_no = ACME")
    cli("segment", "reduce", "SEG00001", "--where", "no = P2")
    assert cli("segment", "undo", "SEG00001")[1]["no_of_lines"] == 3
    code, header, _ = cli("segment", "set", "SEG00001", "description=Autumn")
    assert (code, header["description"]) == (0, "Autumn")
    _, why, _ = cli("segment", "explain", "SEG00001", "P2")
    assert why["on_segment"]
    assert why["events"][0]["event"] == "entry"


def test_errors_exit_1_with_one_line_and_change_nothing(cli):
    cli("segment", "create", "--description", "Mailing")
    code, out, err = cli("segment", "add", "SEG00001", "--where", "contry = BE")
    assert (code, out) == (1, None)
    assert "did you mean 'country'" in err
    assert "Traceback" not in err
    assert cli("segment", "show", "SEG00001")[1]["no_of_criteria_actions"] == 0
    assert cli("segment", "show", "SEG09")[0] == 1
    assert cli("segment", "set", "SEG00001", "nonsense")[0] == 1


def test_usage_errors_exit_2(cli):
    assert cli("segment", "add", "SEG00001")[0] == 2  # --where is required
    assert cli("segment", "frobnicate")[0] == 2


@pytest.mark.parametrize(
    ("command", "nos"), [("add-contact", ["BETA", "NOBODY"]), ("remove-contact", ["P1", "P3"])]
)
def test_s5_add_and_remove_contact_are_all_or_nothing(cli, command, nos):
    cli("segment", "create", "--description", "Mailing")
    cli("segment", "add", "SEG00001", "--where", "company_no = ACME")
    before = cli("segment", "show", "SEG00001")[1]
    code, out, err = cli("segment", command, "SEG00001", *nos)
    assert (code, out) == (1, None)
    assert nos[1] in err
    assert cli("segment", "show", "SEG00001")[1] == before


def test_s3_s4_x2_the_text_result_says_one_contact_and_one_line_in_the_singular(
    cli, sqlite_url, capsys
):
    """A criteria action's text result (no --json) counts in the number it says: "1
    contact added; 1 line.", not "1 contacts …; 1 lines."."""
    cli("segment", "create", "--description", "Mailing")

    def text(*args: str) -> str:
        assert run(["--db", sqlite_url, "--user", "admin", *args]) == 0
        return capsys.readouterr().out

    assert "would be added; the segment would have 1 line." in text(
        "segment", "add", "SEG00001", "--where", "no = P1", "--preview"
    )
    assert "Action 1: 1 contact added; 1 line." in text(
        "segment", "add", "SEG00001", "--where", "no = P1"
    )
    assert "Action 2: 0 contacts removed; 1 line." in text(
        "segment", "reduce", "SEG00001", "--where", "no = P2"
    )
