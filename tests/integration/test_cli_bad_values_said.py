"""Bad values at the command line are a user error in the product's words (SPEC §6: exit 1,
one line on stderr, nothing changed), never an internal error: a relative date out of the
date range in criteria (X1, K1, S3, X2), an unknown mailing group (S12) and an unknown
campaign, named by its No. (S1, S2)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import link, make_code, make_company, make_person, make_segment
from tests.integration.command_line import command_line


@pytest.fixture
def rapport(sqlite_url, capsys, tmp_path, monkeypatch):
    """Run `rapport --db URL ARGS…` on a database with SEG00001 (Acme and Ann, Ann in mailing
    group NEWS, campaign CP1); returns (exit status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    with open_database(sqlite_url).begin() as session:
        acme = make_company(session, "ACME", "Acme")
        ann = make_person(session, "P1", "Ann", company=acme)
        link(session, t.ContactMailingGroup, ann, "NEWS")
        make_code(session, t.MailingGroup, "XMAS")
        session.add(t.Campaign(no="CP1", description="Spring"))
        make_segment(session, "SEG00001", campaign_no="CP1", lines=[{"contact": acme}])
    return command_line(sqlite_url, capsys)


def snapshot(sqlite_url: str) -> tuple[object, ...]:
    """What a refused command must leave as it was."""
    with open_database(sqlite_url).begin() as session:
        counts = tuple(
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (
                t.SegmentHeader,
                t.SegmentLine,
                t.SegmentCriteriaLine,
                t.ContactMailingGroup,
                t.MailingGroup,
            )
        )
        header = session.scalars(select(t.SegmentHeader)).one()
        return (*counts, header.campaign_no, header.description)


def assert_user_error(status: int, out: str, err: str, *expected: str) -> None:
    assert (status, out) == (1, ""), err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err
    for text in expected:
        assert text in err, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["contacts", "list", "--where", "created = today - 99999y"],
            "--where: line 1, col 11: created: 'today - 99999y' is out of range",
        ),
        (
            ["segment", "add", "SEG00001", "--where", "created >= today + 20000y", "--preview"],
            "--where: line 1, col 12: created: 'today + 20000y' is out of range",
        ),
        (
            ["segment", "add", "SEG00001", "--where", "created >= today + 20000y"],
            "line 1, col 12: created: 'today + 20000y' is out of range",
        ),
        (
            ["segment", "reduce", "SEG00001", "--where", "created < today - 999999m"],
            "line 1, col 11: created: 'today - 999999m' is out of range",
        ),
        (
            ["contacts", "list", "--where", "name = Acme or\ncreated = today - 999999d"],
            "--where: line 2, col 11: created: 'today - 999999d' is out of range",
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_x1_k1_x2_a_relative_date_out_of_range_is_exit_1_at_its_place(
    rapport, sqlite_url, args, expected
):
    before = snapshot(sqlite_url)
    assert_user_error(*rapport(*args), expected, "(dates run from year 1 to 9999)")
    assert snapshot(sqlite_url) == before
    status, out, err = rapport("contacts", "list", "--where", "created > today - 2000y")
    assert (status, "ACME" in out) == (0, True), err


def test_s12_an_unknown_mailing_group_is_said_in_bc_words_and_changes_nothing(rapport, sqlite_url):
    before = snapshot(sqlite_url)
    status, out, err = rapport("segment", "apply-mailing-group", "SEG00001", "nope", "--replace")
    assert_user_error(
        status,
        out,
        err,
        "The Mailing Group does not exist. Identification fields and values: Code='NOPE'",
    )
    assert "Specify a Mailing Group Code" not in err
    assert snapshot(sqlite_url) == before
    status, out, err = rapport("segment", "apply-mailing-group", "SEG00001", "xmas")
    assert (status, out) == (0, ""), err
    assert "Mailing Group XMAS is now applied to Segment SEG00001." in err


@pytest.mark.parametrize(
    "args",
    [
        ["segment", "set", "SEG00001", "campaign_no=CP99"],
        ["segment", "create", "--description", "X", "--campaign", "cp99"],
    ],
    ids=["set", "create"],
)
def test_s1_s2_an_unknown_campaign_is_named_by_its_no(rapport, sqlite_url, args):
    before = snapshot(sqlite_url)
    status, out, err = rapport(*args)
    assert_user_error(
        status,
        out,
        err,
        "The Campaign does not exist. Identification fields and values: No.='CP99'",
    )
    assert "Code='CP99'" not in err
    assert snapshot(sqlite_url) == before
    status, out, err = rapport("segment", "set", "SEG00001", "salesperson_code=ZZ")
    assert_user_error(
        status,
        out,
        err,
        "The Salesperson/Purchaser does not exist. Identification fields and values: Code='ZZ'",
    )
