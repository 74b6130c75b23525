"""X1: criteria that name a code that does not exist are refused with a did-you-mean, on
every subject; saved criteria whose code was since deleted run, and the codes they name
that are gone are reported as warnings (issue 11 item 7). Patterns are not checked."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import (
    CAMPAIGNS,
    ENTRIES,
    SEGMENTS,
    Criteria,
    Subject,
    check_codes,
    unknown_codes,
)
from rapport.criteria.fields import CONTACTS
from rapport.errors import Invalid
from rapport.storage import tables as t
from tests.factories import build_log_world, make_code, make_segment


def _world(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        build_log_world(session)
        make_code(session, t.MailingGroup, "NEWSLETTER")
        make_code(session, t.Country, "BE")
        make_code(session, t.CampaignStatus, "PLANNED")
        make_segment(session, "SEG00001")
        session.add(t.LoggedSegment(entry_no=1, segment_no="SEG00001", user_id="ADMIN"))


REFUSED = [
    (CONTACTS, "mailing_group = NEWS", "unknown mailing group 'NEWS' — did you mean 'NEWSLETTER'?"),
    (
        CONTACTS,
        "country = BEL or country = BE",
        "unknown country/region 'BEL' — did you mean 'BE'?",
    ),
    (CONTACTS, "country not in (BE, XX)", "unknown country/region 'XX'"),
    (CONTACTS, "not segment(SEG09999)", "unknown segment 'SEG09999' — did you mean 'SEG00001'?"),
    (CONTACTS, "logged_segment(7)", "unknown logged segment '7'"),
    (CONTACTS, "salesperson != JOE", "unknown salesperson 'JOE' — did you mean 'JO'?"),
    (CONTACTS, "interaction(template = ABSTRAKT)", "unknown template 'ABSTRAKT' — did you mean"),
    (ENTRIES, "campaign = CP3", "unknown campaign no. 'CP3' — did you mean 'CP"),
    (SEGMENTS, "template in (CALL, CALLS)", "unknown template 'CALLS' — did you mean 'CALL'?"),
    (CAMPAIGNS, "status_code = PLANED", "unknown status 'PLANED' — did you mean 'PLANNED'?"),
]


@pytest.mark.parametrize(("subject", "text", "message"), REFUSED)
def test_x1_an_unknown_code_is_refused_with_a_suggestion(
    sessions: sessionmaker[Session], subject: Subject, text: str, message: str
) -> None:
    _world(sessions)
    criteria = Criteria.parse(text, subject=subject)
    with sessions() as session, pytest.raises(Invalid) as raised:
        check_codes(session, criteria)
    assert str(raised.value).startswith(message)


ACCEPTED = [
    (CONTACTS, "mailing_group = NEWSLETTER and country in (BE, '') and segment(SEG00001)"),
    (CONTACTS, "mailing_group(code matches 'NEWS*') and country matches 'X*'"),
    (CONTACTS, "logged_segment(1) or salesperson = JO or country < ZZ"),
    (ENTRIES, "template = ABSTRACT and campaign in (CP1, CP2)"),
    (CAMPAIGNS, "status_code = PLANNED or salesperson is empty"),
]


@pytest.mark.parametrize(("subject", "text"), ACCEPTED)
def test_x1_known_codes_and_patterns_pass(
    sessions: sessionmaker[Session], subject: Subject, text: str
) -> None:
    _world(sessions)
    with sessions() as session:
        check_codes(session, Criteria.parse(text, subject=subject))


def test_x1_saved_criteria_whose_code_was_deleted_run_and_warn(
    sessions: sessionmaker[Session],
) -> None:
    _world(sessions)
    saved = Criteria.parse("mailing_group = NEWSLETTER or segment(SEG00001)")
    with sessions() as session:
        assert unknown_codes(session, saved) == []
    with sessions.begin() as session:
        session.execute(delete(t.ContactMailingGroup))
        session.execute(delete(t.MailingGroup).where(t.MailingGroup.code == "NEWSLETTER"))
    with sessions() as session:
        assert unknown_codes(session, saved) == ["unknown mailing group 'NEWSLETTER'"]
        assert list(session.scalars(saved.select_ids())) == []
