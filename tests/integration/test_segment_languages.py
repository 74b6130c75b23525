"""Segment interaction languages (S15): per-language subject and attachment, per-line overrides."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services.segments import header as segments
from rapport.services.segments import languages as segment_languages
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.languages import Upload
from tests.integration.segment_world import build_world


@pytest.fixture
def seg(sessions):
    with sessions.begin() as session:
        build_world(session)
    no = segments.create_segment(
        sessions,
        description="Mailing",
        user="ADMIN",
        values=[("interaction_template_code", "ABSTRACT")],
    ).no
    add_contacts(sessions, no, criteria="company_no = ACME", user="ADMIN")
    return sessions, no


def lines_by_contact(sessions, no):
    return {line.contact_no: line for line in segments.get_lines(sessions, no)}


def test_s15_a_new_language_variant_goes_to_lines_whose_contact_speaks_it(seg):
    sessions, no = seg
    body = Upload("bonjour.html", b"<p>Bonjour {{ contact.name }}</p>")
    variants = segment_languages.set_language(
        sessions, no, language="FRB", subject="Bonjour", upload=body
    )
    assert [v.language_code for v in variants] == ["ENU", "FRB", "NLB"]
    lines = lines_by_contact(sessions, no)
    # Ann speaks FRB; ACME (NLB) and Bob (template default ENU) keep theirs.
    assert (lines["P1"].language_code, lines["P1"].subject) == ("FRB", "Bonjour")
    assert lines["ACME"].language_code == "NLB"
    assert lines["P2"].language_code == "ENU"
    french = next(v for v in variants if v.language_code == "FRB")
    assert lines["P1"].attachment_no == french.attachment_no


def test_s15_changing_a_variants_subject_reaches_the_lines_that_used_it(seg):
    sessions, no = seg
    segment_languages.set_language(sessions, no, language="ENU", subject="Hello")
    segment_languages.set_language(sessions, no, language="ENU", subject="Hi there")
    lines = lines_by_contact(sessions, no)
    assert lines["P2"].subject == "Hi there"
    assert lines["ACME"].subject == ""
    assert segments.get(sessions, no).subject_default == "Hi there"


def test_s15_a_line_variant_is_that_lines_own(seg):
    sessions, no = seg
    line_no = lines_by_contact(sessions, no)["P2"].line_no
    segment_languages.set_language(sessions, no, language="NLB", subject="Dag Bob", line_no=line_no)
    lines = lines_by_contact(sessions, no)
    assert (lines["P2"].language_code, lines["P2"].subject) == ("NLB", "Dag Bob")
    assert lines["ACME"].subject == ""


def test_s15_bad_input_is_refused_and_changes_nothing(seg):
    sessions, no = seg
    before = segment_languages.get_all(sessions, no)
    with pytest.raises(NotFound, match="Language does not exist"):
        segment_languages.set_language(sessions, no, language="XX")
    with pytest.raises(Invalid, match="line 1"):
        segment_languages.set_language(
            sessions, no, language="FRB", upload=Upload("bad.html", b"{{ contact.name ")
        )
    with pytest.raises(
        Invalid, match=r"unknown merge field contact\.nam; did you mean contact\.name"
    ):
        segment_languages.set_language(
            sessions, no, language="FRB", upload=Upload("bad.html", b"{{ contact.nam }}")
        )
    with pytest.raises(NotFound, match=r"The Segment Line does not exist\. .*Line No\.='5'"):
        segment_languages.set_language(sessions, no, language="FRB", line_no=5)
    assert segment_languages.get_all(sessions, no) == before


def test_s2_a_template_change_keeps_the_language_and_attachment_of_a_line_with_its_own(seg):
    """S2, BC test scenario 295002: after a header template change with update lines, every
    line has the new template; a line with its own variant keeps its language, subject and
    attachment, the others take the header's."""
    sessions, no = seg
    before = lines_by_contact(sessions, no)
    own_no = before["P2"].line_no
    segment_languages.set_language(
        sessions,
        no,
        language="FRB",
        subject="Salut Bob",
        upload=Upload("bob.html", b"<p>Salut {{ contact.name }}</p>"),
        line_no=own_no,
    )
    own = lines_by_contact(sessions, no)["P2"]
    assert own.attachment_no
    segments.set_header(sessions, no, values=[("interaction_template_code", "CALL")])
    after = lines_by_contact(sessions, no)
    assert {line.interaction_template_code for line in after.values()} == {"CALL"}
    assert {k: getattr(after["P2"], k) for k in ("language_code", "subject", "attachment_no")} == {
        "language_code": "FRB",
        "subject": "Salut Bob",
        "attachment_no": own.attachment_no,
    }
    for contact in ("ACME", "P1"):
        assert (after[contact].language_code, after[contact].attachment_no) == ("", 0)
    assert before["ACME"].language_code == "NLB"
