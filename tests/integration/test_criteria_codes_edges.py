"""X1, issue 11 item 7 at the edges: every use case that takes criteria refuses a code that
does not exist with a did-you-mean, before it changes or prints anything (segment actions
and previews, contact, line, entry and logged-segment lists, exports); replaying saved
criteria whose code was deleted since runs and warns (`warnings` in the result, on stderr
in the CLI and in its JSON). Patterns stay unchecked."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from rapport.cli.main import run
from rapport.criteria import Criteria
from rapport.errors import Invalid
from rapport.services.contacts import browse, cards
from rapport.services.interactions import browse as entry_browse
from rapport.services.interactions import entries
from rapport.services.segments import header, paging
from rapport.services.segments.actions import add_contacts, reduce, refine
from rapport.services.segments.reuse import reuse_criteria, save_criteria
from rapport.services.transfer import exports
from rapport.storage import tables as t
from rapport.storage.db import make_engine
from tests.integration.segment_world import build_world

NEWS = "unknown mailing group 'NEWS' — did you mean 'NEWSLETTER'?"
EXPECTED = {
    "refine": "unknown country/region 'BEL' — did you mean 'BE'?",
    "entries": "unknown template 'ABSTRAKT' — did you mean 'ABSTRACT'?",
    "totals": "unknown template 'ABSTRAKT' — did you mean 'ABSTRACT'?",
}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        build_world(session)
    return sessions


def _lines(sessions: sessionmaker[Session], no: str) -> list[str]:
    return [line.contact_no for line in header.get_lines(sessions, no)]


def test_x1_every_use_case_taking_criteria_refuses_an_unknown_code(
    world: sessionmaker[Session],
) -> None:
    no = header.create_segment(world, description="S", user="ADMIN").no
    add_contacts(world, no, criteria="country = BE", user="ADMIN")
    before = _lines(world, no)
    uses = {
        "add": lambda: add_contacts(world, no, criteria="mailing_group = NEWS", user="ADMIN"),
        "add preview": lambda: add_contacts(
            world, no, criteria="mailing_group = NEWS", user="ADMIN", preview=True
        ),
        "reduce": lambda: reduce(world, no, criteria="mailing_group = NEWS", user="ADMIN"),
        "refine": lambda: refine(
            world, no, criteria={"field": "country", "op": "=", "value": "BEL"}, user="A"
        ),
        "lines": lambda: paging.get_lines_page(world, no, limit=5, where="mailing_group = NEWS"),
        "contacts": lambda: list(cards.get_all(world, where="mailing_group = NEWS")),
        "contact page": lambda: browse.page(
            world, criteria=Criteria.parse("mailing_group in (NEWS, NEWSLETTER)")
        ),
        "entries": lambda: entries.get_all(world, where="template = ABSTRAKT"),
        "totals": lambda: entries.totals(world, by="template", where="template = ABSTRAKT"),
        "export": lambda: exports.export_lines(world, "contacts", where="mailing_group = NEWS"),
    }
    for name, use in uses.items():
        with pytest.raises(Invalid) as raised:
            use()
        assert raised.value.message.startswith(EXPECTED.get(name, NEWS)), name
        assert raised.value.field in ("criteria", "where"), name
    assert _lines(world, no) == before
    assert header.get(world, no).no_of_criteria_actions == 1


def test_x1_patterns_and_known_codes_still_run(world: sessionmaker[Session]) -> None:
    no = header.create_segment(world, description="S", user="ADMIN").no
    assert add_contacts(world, no, criteria="mailing_group = NEWSLETTER", user="ADMIN").added == 1
    assert (
        add_contacts(world, no, criteria="mailing_group(code matches 'NEWZ*')", user="A").added == 0
    )
    assert entry_browse.entry_page(world, criteria=None).items is not None


def test_x1_saved_criteria_whose_code_was_deleted_replay_and_warn(
    world: sessionmaker[Session],
) -> None:
    source = header.create_segment(world, description="S", user="ADMIN").no
    add_contacts(world, source, criteria="mailing_group = NEWSLETTER or country = NL", user="A")
    save_criteria(world, source, code="NEWS", user="ADMIN")
    with world.begin() as session:
        session.execute(delete(t.ContactMailingGroup))
        session.execute(delete(t.MailingGroup).where(t.MailingGroup.code == "NEWSLETTER"))
    target = header.create_segment(world, description="T", user="ADMIN").no
    result = reuse_criteria(world, target, code="NEWS", user="ADMIN")
    assert result.warnings == ("unknown mailing group 'NEWSLETTER'",)
    assert result.added == len(_lines(world, target)) > 0


def test_x1_the_cli_refuses_with_one_line_and_warns_on_replay(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        build_world(session)
    engine.dispose()

    def call(*args: str) -> tuple[int, str, str]:
        status = run(["--db", sqlite_url, "--json", "--user", "admin", *args])
        out, err = capsys.readouterr()
        return status, out, err

    call("segment", "create", "--description", "S")
    status, out, err = call("segment", "add", "SEG00001", "--where", "mailing_group = NEWS")
    assert (status, out) == (1, "")
    assert NEWS in err
    assert len(err.strip().splitlines()) == 1
    status, out, err = call("contacts", "list", "--where", "segment(SEG09999)")
    assert (status, out) == (1, "")
    assert "unknown segment 'SEG09999' — did you mean 'SEG00001'?" in err
    call("segment", "add", "SEG00001", "--where", "mailing_group = NEWSLETTER or country = NL")
    call("segment", "save-criteria", "SEG00001", "NEWS")
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        session.execute(delete(t.ContactMailingGroup))
        session.execute(delete(t.MailingGroup))
    engine.dispose()
    call("segment", "create", "--description", "T")
    status, out, err = call("segment", "reuse-criteria", "SEG00002", "NEWS")
    assert status == 0, err
    assert json.loads(out)["warnings"] == ["unknown mailing group 'NEWSLETTER'"]
    assert "warning: unknown mailing group 'NEWSLETTER'" in err
