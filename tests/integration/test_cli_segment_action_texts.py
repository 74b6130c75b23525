"""What `rapport segment reduce|refine|add|reuse-criteria` say they did (S4, S9, X2, X7):
a removal that empties a segment says that its criteria actions and history are reset (BC's
default answer, SPEC §6), in its preview as in its result; an add and a reuse say which
candidates their rules left out in words; a reuse's refusal names the command line's --yes,
once the saved criteria code is known to exist."""

from __future__ import annotations

import json

import pytest

from tests.integration.command_line import on_segment_world

NOBODY = "name = Zed"  # no contact of the world is called Zed


@pytest.fixture
def rapport(sqlite_url, capsys):
    """`rapport --db … --user admin ARGS`: its exit status, stdout and stderr."""
    return on_segment_world(sqlite_url, capsys)


def built(rapport, *criteria: str) -> str:
    """A new segment with one add action per criteria; its no."""
    code, out, err = rapport("segment", "create", "--description", "Mailing")
    assert code == 0, err
    no = out.strip()
    for where in criteria:
        assert rapport("segment", "add", no, "--where", where)[0] == 0
    return no


def as_json(rapport, *args: str) -> object:
    code, out, err = rapport("--json", *args)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("verb", ["refine", "reduce"])
def test_s4_x2_a_removal_that_empties_the_segment_says_its_criteria_would_be_and_are_reset(
    rapport, verb
):
    no = built(rapport, "company_no = ACME", "company_no = BETA")
    where = NOBODY if verb == "refine" else "company_no = ACME or company_no = BETA"
    preview = as_json(rapport, "segment", verb, no, "--where", where, "--preview")
    assert {k: preview[k] for k in ("action_no", "removed", "no_of_lines", "criteria_reset")} == {
        "action_no": 0,
        "removed": 5,
        "no_of_lines": 0,
        "criteria_reset": True,
    }
    kept = as_json(rapport, "segment", verb, no, "--where", where, "--preview", "--keep-criteria")
    assert (kept["action_no"], kept["criteria_reset"]) == (3, False)
    code, said, _ = rapport("segment", verb, no, "--where", where, "--preview")
    assert code == 0
    assert (
        "The segment would be left empty and its criteria actions and history reset"
        " (use --keep-criteria to keep them)." in said
    )
    code, said, _ = rapport("segment", verb, no, "--where", where)
    assert code == 0
    assert said.startswith(
        "5 contacts removed; the segment is empty, so its criteria actions and history were"
        " reset (--keep-criteria keeps them)."
    )
    assert "Action 0" not in said
    assert as_json(rapport, "segment", "criteria", no) == []


def test_s4_the_json_of_a_removal_says_whether_it_reset_the_criteria(rapport):
    no = built(rapport, "company_no = ACME", "company_no = BETA")
    assert as_json(rapport, "segment", "reduce", no, "--where", "company_no = BETA") == {
        "action_no": 3,
        "removed": 2,
        "no_of_lines": 3,
        "criteria_reset": False,
    }
    assert as_json(rapport, "segment", "refine", no, "--where", NOBODY) == {
        "action_no": 0,
        "removed": 3,
        "no_of_lines": 0,
        "criteria_reset": True,
    }
    kept = built(rapport, "company_no = ACME", "company_no = BETA")
    assert as_json(rapport, "segment", "refine", kept, "--where", NOBODY, "--keep-criteria") == {
        "action_no": 3,
        "removed": 5,
        "no_of_lines": 0,
        "criteria_reset": False,
    }
    code, said, _ = rapport("segment", "refine", kept, "--where", NOBODY, "--preview")
    assert code == 0
    assert "would be left empty" not in said  # nothing left to remove


def test_x7_an_add_of_contacts_already_on_the_segment_does_not_say_none_were_skipped(rapport):
    """The add leaves out contacts already on the segment without counting them: the text
    says only what its exclusion and consent rules left out, never "Skipped: none."."""
    no = built(rapport, "company_no = ACME")
    code, said, _ = rapport("segment", "add", no, "--where", "company_no = ACME")
    assert code == 0
    assert "Action 2: 0 contacts added; 3 lines." in said
    assert "Skipped: none." not in said
    assert "Left out by exclusion or consent: none." in said
    code, said, _ = rapport("segment", "add", no, "--where", "company_no = BETA")
    assert code == 0
    assert "Left out by exclusion or consent: 1 excluded from segments." in said


def test_s9_x7_reuse_criteria_says_what_it_left_out_in_words(rapport):
    saved = built(rapport, "company_no = BETA")
    assert rapport("segment", "save-criteria", saved, "BETA")[0] == 0
    code, said, err = rapport("segment", "reuse-criteria", built(rapport), "BETA")
    assert code == 0, err
    assert "Left out by exclusion or consent: 1 excluded from segments." in said
    assert "{'excluded'" not in said


def test_s9_reuse_criteria_on_a_segment_with_criteria_is_refused_naming_yes(rapport):
    saved = built(rapport, "company_no = BETA")
    assert rapport("segment", "save-criteria", saved, "BETA")[0] == 0
    code, out, err = rapport("segment", "reuse-criteria", saved, "BETA")
    assert (code, out) == (1, "")
    assert err == (
        f"error: Segment {saved} already contains 1 No. of Criteria Actions. Are you sure you"
        " want to reuse a Saved Segment Criteria? (confirm with --yes)\n"
    )
    assert rapport("segment", "reuse-criteria", saved, "BETA", "--yes")[0] == 0


def test_s9_an_unknown_saved_criteria_code_is_said_before_bcs_question(rapport):
    no = built(rapport, "company_no = BETA")
    code, _, err = rapport("segment", "reuse-criteria", no, "NOPE")
    assert (code, err) == (
        1,
        "error: The Saved Segment Criteria does not exist. "
        "Identification fields and values: Code='NOPE'\n",
    )


def test_s10_an_unknown_logged_segment_is_said_before_bcs_question(rapport):
    """The segment has criteria, so reusing a logged segment asks first (default No): a
    logged segment that does not exist is said so instead of asked about."""
    no = built(rapport, "no = P1")
    code, _, err = rapport("segment", "reuse-logged", no, "99")
    assert (code, err) == (
        1,
        "error: The Logged Segment does not exist. "
        "Identification fields and values: Entry No.='99'\n",
    )


def test_x3_x7_explain_says_why_each_add_left_a_contact_out(rapport):
    """`segment explain` of a contact never on the segment: each add by criteria, the parts
    the contact matches and, when it matches them all, the rule that left it out in the
    sentence of `domain.skip_reasons` the card says (P4 is excluded from segments); a
    contact the adds did put there is explained by its events."""
    no = built(rapport, "country = NL", "no = P1")
    code, out, _ = rapport("segment", "explain", no, "P4")
    assert code == 0
    assert out.splitlines() == [
        "P4 Dee is not on the segment and never was.",
        "- not added by action 1 (add country = NL), by ADMIN",
        "    matches: country = NL",
        "    An add leaves it out: the contact is excluded from segments.",
        "- not added by action 2 (add no = P1), by ADMIN",
        "    does not match: no = P1",
    ]
    code, out, _ = rapport("segment", "explain", no, "P1")
    assert out.splitlines()[:2] == [
        "P1 Ann is on the segment (line 30000).",
        "- added by action 2 (add no = P1), by ADMIN",
    ]
    assert "not added" not in out


def test_s5_removing_the_last_contacts_by_hand_says_the_criteria_were_reset(rapport):
    """The last removal empties the segment: its row says action 0, and a sentence why."""
    no = built(rapport, "no = P1", "no = P3")
    code, out, err = rapport("segment", "remove-contact", no, "P1", "P3")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split() for line in lines[:3]] == [
        ["action_no", "removed", "no_of_lines"],
        ["3", "1", "1"],
        ["0", "1", "0"],
    ]
    assert lines[3] == (
        "The segment is empty, so its criteria actions and history were reset"
        " (--keep-criteria keeps them)."
    )
