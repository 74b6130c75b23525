"""X7, SPEC §10: a consent change by hand is in the audit log, as the one-click unsubscribe
is: `rapport contacts opt-out` and `opt-in` each write one entry (the contact, the
correspondence type, who) when they change something, in the change's own transaction. A
privacy block changed by an import with update is audited too, as the import's user, by one
INSERT … SELECT in the import's transaction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from rapport.cli.main import run
from rapport.errors import Invalid, NotFound
from rapport.services.contacts import card, cards, consent
from rapport.services.jobs import queue, starts
from rapport.services.jobs.runners import runners
from rapport.services.transfer import imports
from rapport.services.users import audit
from rapport.settings import Settings
from tests.factories import make_person
from tests.integration.import_world import write_file


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        make_person(session, "P1", "Ann")
    return sessions


@pytest.fixture
def blocks(sessions):
    """Ann (P1) and Cas (P3) not privacy blocked, Bob (P2) blocked."""
    with sessions.begin() as session:
        make_person(session, "P1", "Ann")
        make_person(session, "P2", "Bob", privacy_blocked=True)
        make_person(session, "P3", "Cas")
    return sessions


def blocks_file(tmp_path):
    """Ann blocked, Bob unblocked, Cas as she is, and a new contact Dee, blocked."""
    header = ["no", "type", "name", "privacy_blocked"]
    rows = [
        ["P1", "person", "Ann", "true"],
        ["P2", "person", "Bob", "false"],
        ["P3", "person", "Cas", "false"],
        ["P4", "person", "Dee", "true"],
    ]
    return write_file(tmp_path / "blocks.csv", [header, *rows])


def blocked(sessions) -> dict[str, bool]:
    return {no: card.get(sessions, no).privacy_blocked for no in ("P1", "P2", "P3")}


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


@pytest.mark.parametrize(
    ("change", "given"),
    [
        (consent.opt_out, {"correspondence_type": "email"}),
        (consent.opt_in, {"correspondence_type": "email"}),
        (cards.edit_contact, {"fields": {"privacy_blocked": True}}),
    ],
)
def test_x7_a_consent_change_names_its_user_or_is_not_made(world, change, given):
    """`by` has no default: an edge that forgot the user is stopped before any change."""
    with pytest.raises(TypeError, match="'by'"):
        change(world, "P1", **given)
    assert card.get(world, "P1").opted_out == ()
    assert card.get(world, "P1").privacy_blocked is False
    assert consent_entries(world) == []


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


def test_x7_an_import_names_its_user_or_is_not_made(blocks, tmp_path):
    with pytest.raises(TypeError, match="'by'"):
        imports.import_table(blocks, "contacts", blocks_file(tmp_path), update=True)
    assert blocked(blocks) == {"P1": False, "P2": True, "P3": False}


def test_x7_an_import_with_update_audits_each_privacy_block_it_changes(blocks, tmp_path):
    """Ann's block set and Bob's lifted are audited as the import's user; Cas's unchanged
    block and the new contact Dee (added blocked, as `add_contact` adds one) are not."""
    result = imports.import_table(blocks, "contacts", blocks_file(tmp_path), by="mia", update=True)
    assert (result.inserted, result.updated) == (1, 3)
    assert blocked(blocks) == {"P1": True, "P2": False, "P3": False}
    assert consent_entries(blocks) == [
        ("consent.privacy_unblocked", "P2", "", "mia"),
        ("consent.privacy_blocked", "P1", "", "mia"),
    ]


def test_x7_an_imports_privacy_audit_is_one_statement_in_the_imports_transaction(blocks, tmp_path):
    """Set-based: one INSERT … SELECT into the audit log for every contact changed, on the
    connection and in the transaction that then updates the contacts (no commit between)."""
    said: list[tuple[int, str]] = []

    def heard(conn, _cursor, statement, *_args) -> None:
        said.append((id(conn.connection.dbapi_connection), " ".join(statement.split())))

    def committed(conn) -> None:
        said.append((id(conn.connection.dbapi_connection), "COMMIT"))

    engine = blocks.kw["bind"]
    event.listen(engine, "before_cursor_execute", heard)
    event.listen(engine, "commit", committed)
    try:
        imports.import_table(blocks, "contacts", blocks_file(tmp_path), by="mia", update=True)
    finally:
        event.remove(engine, "before_cursor_execute", heard)
        event.remove(engine, "commit", committed)
    audited = [n for n, (_, sql) in enumerate(said) if sql.startswith("INSERT INTO audit_log")]
    updated = [n for n, (_, sql) in enumerate(said) if sql.startswith("UPDATE contacts SET")]
    assert len(audited) == 1
    assert " SELECT " in said[audited[0]][1]
    (commit,) = [n for n, (_, sql) in enumerate(said) if sql == "COMMIT"]
    assert audited[0] < updated[0] < commit
    assert {said[n][0] for n in (*audited, *updated, commit)} == {said[commit][0]}


def test_x7_an_import_refused_or_without_update_audits_no_privacy_block(blocks, tmp_path):
    path = blocks_file(tmp_path)
    bad = write_file(tmp_path / "bad.csv", [*_rows(path), ["P5", "persoon", "Eve", "true"]])
    with pytest.raises(imports.BadFile):
        imports.import_table(blocks, "contacts", bad, by="mia", update=True)
    with pytest.raises(imports.BadFile):  # without update, the existing keys are refused
        imports.import_table(blocks, "contacts", path, by="mia")
    assert blocked(blocks) == {"P1": False, "P2": True, "P3": False}
    assert consent_entries(blocks) == []


def _rows(path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text().splitlines()]


def test_x7_an_import_job_audits_a_privacy_block_as_the_user_who_queued_it(blocks, tmp_path):
    """The web's and the API's import (a job) changes the block as the signed-in user."""
    starts.import_upload(
        blocks, table="contacts", path=blocks_file(tmp_path), update=True, by="ann"
    )
    assert queue.run_next(blocks, runners(Settings())) is True
    assert consent_entries(blocks) == [
        ("consent.privacy_unblocked", "P2", "", "ann"),
        ("consent.privacy_blocked", "P1", "", "ann"),
    ]


def test_x7_rapport_import_update_audits_the_privacy_block_as_the_command_lines_user(
    blocks, database_url, tmp_path, capsys
):
    path = blocks_file(tmp_path)
    args = ["--db", database_url, "--user", "mia", "import", "contacts", str(path), "--update"]
    assert run(args) == 0
    capsys.readouterr()
    assert consent_entries(blocks) == [
        ("consent.privacy_unblocked", "P2", "", "MIA"),
        ("consent.privacy_blocked", "P1", "", "MIA"),
    ]
