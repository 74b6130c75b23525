"""`rapport segment log`, `rapport logged …`, `rapport interactions …`, `rapport template …`
end to end (L1, L2, L5, L6, L7): exit statuses, messages on stderr, the JSON shapes of
SPEC §6."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from rapport.cli.main import run
from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import build_log_world, make_segment


@pytest.fixture
def rapport(sqlite_url, capsys):
    """A database with the logging world and segment SEG1 (P1, ACME on CP1, P4); runs
    `rapport --db URL ARGS…` and returns (exit status, stdout, stderr)."""
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        contacts = build_log_world(session)
        make_segment(
            session,
            "SEG1",
            description="Mailing",
            interaction_template_code="ABSTRACT",
            salesperson_code="JO",
            lines=[
                {"contact": contacts["P1"], "attachment_no": 1},
                {"contact": contacts["ACME"], "campaign_no": "CP1"},
                {"contact": contacts["P4"]},
            ],
        )
    sessions.kw["bind"].dispose()

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = run(["--db", sqlite_url, "--user", "admin", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call


def as_json(rapport, *args):
    status, out, err = rapport("--json", *args)
    assert status == 0, err
    return json.loads(out)


def test_l2_segment_log_prints_the_spec_json(rapport):
    assert as_json(rapport, "segment", "log", "seg1") == {
        "logged_segment": 1,
        "interactions": 3,
        "campaign_entries": 1,
        "delivered": 0,
        "follow_up": None,
        "failed": 0,
        "skipped": 0,
        "archive": None,
        "delivery": {
            "pending": 0,
            "sending": 0,
            "sent": 0,
            "failed": 0,
            "skipped": 0,
            "uncertain": 0,
        },
    }


def test_l2_segment_log_for_people_says_it_has_been_logged(rapport):
    status, out, err = rapport("segment", "log", "SEG1")
    assert status == 0
    assert "Segment SEG1 has been logged." in err
    assert "logged_segment" in out


def test_l7_a_log_error_exits_1_with_bc_s_message_and_changes_nothing(rapport):
    rapport("segment", "log", "SEG1")
    status, out, err = rapport("segment", "log", "SEG1")
    assert (status, out) == (1, "")
    assert "The Segment does not exist. Identification fields and values: No.='SEG1'" in err
    assert "Traceback" not in err
    status, _, err = rapport("segment", "log", "SEG1", "--deliver", "--bogus")
    assert status == 2


def test_l5_logged_list_cancel_uncancel_and_delete(rapport):
    rapport("segment", "log", "SEG1")
    rows = as_json(rapport, "logged", "list")
    assert rows == [
        {
            "entry_no": 1,
            "segment_no": "SEG1",
            "description": "Mailing",
            "no_of_interactions": 3,
            "canceled": False,
            "no_of_campaign_entries": 1,
            "creation_date": rows[0]["creation_date"],
            "user_id": "ADMIN",
        }
    ]
    assert as_json(rapport, "logged", "cancel", "1")["canceled"] is True
    assert as_json(rapport, "logged", "uncancel", "1")["canceled"] is False
    status, _, err = rapport("logged", "delete-canceled")
    assert (status, err.strip()) == (0, "0 Logged Segment has been deleted.")
    rapport("logged", "cancel", "1")
    assert as_json(rapport, "logged", "delete-canceled") == {"deleted": 1}
    status, _, err = rapport("logged", "cancel", "1")
    assert status == 1
    assert (
        "The Logged Segment does not exist. Identification fields and values: Entry No.='1'"
    ) in err


def test_l6_interactions_list_where_cancel_evaluate_and_totals(rapport):
    rapport("segment", "log", "SEG1")
    rows = as_json(rapport, "interactions", "list", "--where", "campaign_no = CP1")
    assert [(r["entry_no"], r["contact_no"], r["logged_segment"]) for r in rows] == [(2, "ACME", 1)]
    assert {
        "interaction_template_code",
        "interaction_group_code",
        "segment_no",
        "cost",
        "duration",
        "canceled",
        "delivery_status",
        "correspondence_type",
        "date",
    } <= set(rows[0])
    assert as_json(rapport, "interactions", "cancel", "1", "3") == {"entries": 2, "canceled": True}
    assert as_json(rapport, "interactions", "evaluate", "2", "positive")["evaluation"] == "positive"
    assert as_json(rapport, "interactions", "attempt-failed", "2")["attempt_failed"] is True
    assert as_json(rapport, "interactions", "totals", "--by", "template") == [
        {
            "code": "ABSTRACT",
            "description": "Abstract",
            "no_of_interactions": 1,
            "cost": 0,
            "duration": 0,
        }
    ]
    status, _, err = rapport("interactions", "list", "--where", "contry = BE")
    assert status == 1
    assert "unknown field 'contry'" in err
    status, out, _ = rapport("interactions", "list")
    assert (status, out.count("\n") > 3) == (0, True)  # a table for people


def test_l1_template_list_show_and_attach(rapport, tmp_path):
    codes = [row["code"] for row in as_json(rapport, "template", "list")]
    assert codes == ["ABSTRACT", "CALL"]
    shown = as_json(rapport, "template", "show", "abstract")
    assert shown["languages"][0]["file_name"] == "abstract-enu.html"
    body = tmp_path / "welcome.html"
    body.write_text("<p>Hello {{ contact.name }}</p>")
    variant = as_json(rapport, "template", "attach", "CALL", str(body), "--language", "NLB")
    assert (variant["language_code"], variant["file_name"]) == ("NLB", "welcome.html")
    bad = tmp_path / "bad.txt"
    bad.write_text("{{ contact.name")
    status, _, err = rapport("template", "attach", "CALL", str(bad))
    assert status == 1
    assert "bad.txt: line 1:" in err
    status, _, err = rapport("template", "attach", "CALL", str(tmp_path / "missing.txt"))
    assert status == 1
    assert "cannot read the file" in err


def test_l6_interactions_list_where_is_the_criteria_language_checked_before_any_output(rapport):
    """L6, X1: `--where` takes and/or/not, parentheses, relative dates and the SPEC §6 names
    the rows print; a bad one is refused before anything is written to stdout."""
    rapport("segment", "log", "SEG1")
    where = (
        "(interaction_template_code = abstract or segment_no = OTHER) "
        "and date >= today - 100 y and not (contact_no = P4 or cost > 5)"
    )
    rows = as_json(rapport, "interactions", "list", "--where", where)
    assert [row["contact_no"] for row in rows] == ["P1", "ACME"]
    for args in (("--json",), ()):
        status, out, err = rapport(
            *args, "interactions", "list", "--where", "cost > cheap or canceled"
        )
        assert (status, out) == (1, "")
        assert "line 1, col 8: cost: 'cheap' is not a number" in err
    status, out, err = rapport(
        "--json", "interactions", "totals", "--by", "template", "--where", "("
    )
    assert (status, out) == (1, "")
    assert "line 1, col 2: the criteria end too early" in err


def test_x7_l3_opt_out_by_hand_then_log_says_what_each_recipient_got(
    rapport, sqlite_url, smtp, monkeypatch, tmp_path
):
    """`contacts opt-out` after P1 was put on the segment: the log's delivery skips P1 and
    says so in `segment log --json` and, per recipient with the reason, in `logged show`."""
    _, mail = smtp
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:  # every line gets the e-mail body
        session.execute(update(t.SegmentLine).values(attachment_no=1))
    sessions.kw["bind"].dispose()
    monkeypatch.setenv("RAPPORT_SMTP_URL", str(mail.smtp_url))
    monkeypatch.setenv("RAPPORT_MAIL_FROM", str(mail.mail_from))
    consent = as_json(rapport, "contacts", "opt-out", "p1", "--type", "email")
    assert consent == {"contact_no": "P1", "opted_out": ["email"], "privacy_blocked": False}
    assert as_json(rapport, "contacts", "show", "P1")["opted_out"] == ["email"]
    status, out, _ = rapport("contacts", "show", "P1")
    assert status == 0
    assert "opted_out" in out
    assert "email" in out
    assert "privacy_blocked" in out
    status, _, err = rapport("contacts", "opt-out", "P1", "--type", "fax")
    assert (status, err.count("\n")) == (1, 1)
    assert "type: 'fax' is not one of" in err

    logged = as_json(rapport, "segment", "log", "SEG1", "--deliver", "--output", str(tmp_path))
    assert logged["delivery"] == {
        "pending": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "skipped": 1,
        "uncertain": 0,
    }
    shown = as_json(rapport, "logged", "show", "1")
    assert shown["delivery"] == logged["delivery"]
    assert [(d["contact_no"], d["status"], d["reason"]) for d in shown["deliveries"]] == [
        ("P1", "skipped", "the contact opted out of email"),
        ("ACME", "sent", ""),
        ("P4", "failed", "a hard copy needs a Word template"),
    ]
    status, out, _ = rapport("logged", "show", "1")
    assert status == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("entry_no  contact_no"))
    assert lines[header].split() == [
        "entry_no",
        "contact_no",
        "contact_name",
        "recipient",
        "status",
        "reason",
    ]
    status_at = lines[header].index("status")
    assert [line[status_at:].split(maxsplit=1) for line in lines[header + 1 :]] == [
        ["skipped", "the contact opted out of email"],
        ["sent"],
        ["failed", "a hard copy needs a Word template"],
    ]
    # L3/X8: the text lists the first recipients and says how many more there are; --json
    # streams them all, or the first N
    status, out, err = rapport("logged", "show", "1", "--limit", "1")
    assert status == 0
    assert "the contact opted out of email" in out
    assert "ACME" not in out
    assert "… 2 more recipients (--limit N, or --json)." in err
    first = as_json(rapport, "logged", "show", "1", "--limit", "2")
    assert first == {**shown, "deliveries": shown["deliveries"][:2]}
    assert as_json(rapport, "contacts", "opt-in", "P1", "--type", "email")["opted_out"] == []
