"""X7, SPEC §10: a consent change by hand is in the audit log, as the one-click unsubscribe
is: `rapport contacts opt-out` and `opt-in` each write one entry (the contact, the
correspondence type, who) when they change something, in the change's own transaction."""

from __future__ import annotations

import json

import pytest

from rapport.cli.main import run
from rapport.errors import Invalid, NotFound
from rapport.services.contacts import consent
from rapport.services.users import audit
from tests.factories import make_person


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        make_person(session, "P1", "Ann")
    return sessions


def consent_entries(sessions) -> list[tuple[str, str, str, str]]:
    return [
        (entry.action, entry.subject, entry.detail, entry.user_name)
        for entry in audit.get_all(sessions)
        if entry.action.startswith("consent.")
    ]


def test_x7_an_opt_out_and_an_opt_in_on_the_command_line_are_in_audit_list(
    world, database_url, capsys
):
    def rapport(*args: str) -> str:
        capsys.readouterr()
        assert run(["--db", database_url, "--user", "mia", *args]) == 0
        return capsys.readouterr().out

    rapport("contacts", "opt-out", "P1", "--type", "email")
    rapport("contacts", "opt-out", "P1", "--type", "email")  # already opted out: no change
    rapport("contacts", "opt-in", "P1", "--type", "email")
    rapport("contacts", "opt-in", "P1", "--type", "email")  # nothing to take back
    rows = json.loads(rapport("--json", "audit", "list"))
    assert [(row["action"], row["subject"], row["detail"], row["user_name"]) for row in rows] == [
        ("consent.opted_in", "P1", "email", "MIA"),  # the command line's user
        ("consent.opted_out", "P1", "email", "MIA"),
    ]


def test_x7_the_audit_entry_names_who_changed_the_consent(world):
    consent.opt_out(world, "p1", correspondence_type="HARD_COPY", by="mia")
    consent.opt_in(world, "P1", correspondence_type="hard_copy", by="tom")
    assert consent_entries(world) == [
        ("consent.opted_in", "P1", "hard_copy", "tom"),
        ("consent.opted_out", "P1", "hard_copy", "mia"),
    ]


def test_x7_a_refused_consent_change_writes_no_audit_entry(world):
    with pytest.raises(NotFound):
        consent.opt_out(world, "NOPE", correspondence_type="email", by="mia")
    with pytest.raises(Invalid):
        consent.opt_out(world, "P1", correspondence_type="fax", by="mia")
    assert consent_entries(world) == []


def test_x7_a_privacy_block_set_and_lifted_is_in_audit_list(world, database_url, capsys):
    """`contacts set P1 privacy_blocked=…`: a change of the block is consent and audited
    with the command line's user; setting it to what it is writes nothing."""

    def rapport(*args: str) -> None:
        assert run(["--db", database_url, "--user", "mia", *args]) == 0
        capsys.readouterr()

    rapport("contacts", "set", "P1", "privacy_blocked=true")
    rapport("contacts", "set", "P1", "privacy_blocked=true", "name=Ann Smith")  # no change
    rapport("contacts", "set", "P1", "privacy_blocked=false")
    assert consent_entries(world) == [
        ("consent.privacy_unblocked", "P1", "", "MIA"),
        ("consent.privacy_blocked", "P1", "", "MIA"),
    ]
