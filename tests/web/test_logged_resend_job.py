"""Resend on a logged segment's card as a job (L5, X8; SPEC §8 "long work shows progress"):
the card's Resend queues what was not sent and sends the browser to the delivery job's
page, which follows it as it does a log with delivery's and then shows what was sent,
failed and skipped; a real SMTP server on loopback receives the e-mail. What cannot be
resent is refused on a page saying why, nothing queued."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import func, select

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.storage import tables as t
from tests.factories import build_log_world, make_queued_interaction, make_stored_attachment


@pytest.fixture
def logged(sessions):
    """Logged segment 1: Ann's e-mail sent, Acme's failed (550)."""
    with sessions.begin() as session:
        people = build_log_world(session)
        body = make_stored_attachment(session, b"<p>Dear {{ contact.name }}</p>")
        make_queued_interaction(session, people["P1"], status="sent", attachment=body)
        make_queued_interaction(session, people["ACME"], status="failed", attachment=body)
        session.query(t.Delivery).filter_by(status="failed").update(
            {"reason": "550 <mailbox> unknown", "recipient": "info@acme.test"}
        )
    return people


@pytest.fixture
def mailing(app, smtp):
    """The server's settings pointed at the loopback SMTP server: (inbox, settings)."""
    inbox, mail = smtp
    context = app.state.rapport
    context.settings = dataclasses.replace(
        context.settings,
        smtp_url=mail.smtp_url,
        mail_from=mail.mail_from,
        smtp_rate=mail.smtp_rate,
    )
    return inbox, context.settings


def no_of_jobs(sessions):
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(t.Job))


def test_x8_the_cards_resend_is_a_job_whose_page_follows_it_to_its_outcome(
    browser_as, logged, mailing, sessions
):
    inbox, settings = mailing
    browser = browser_as("marketer")
    answer = browser.post("/logged-segments/1/resend", data={"csrf_token": browser.csrf})
    assert answer.status_code == 303
    job_page = answer.headers["location"]
    assert re.fullmatch(r"/jobs/\d+", job_page)
    waiting = browser.get(job_page).text
    assert 'data-state="queued"' in waiting
    assert 'hx-trigger="every 1s"' in waiting  # followed until it ends
    assert "Resending logged segment 1: 1 interaction to deliver." in waiting
    assert inbox.messages == []  # the request only queued it
    assert jobs.run_next(sessions, runners(settings)) is True
    done = browser.get(job_page).text
    assert 'data-state="done"' in done
    outcome = re.sub(r"\s+", " ", done.split('id="job-outcome"')[1].split("</dl>")[0])
    assert "<dt>Sent</dt><dd>1</dd> <dt>Failed</dt><dd>0</dd> <dt>Skipped</dt><dd>0</dd>" in (
        outcome
    )
    assert 'href="/logged-segments/1"' in done
    assert [m["To"] for m in inbox.messages] == ["info@acme.test"]  # Ann's was sent before
    assert "<td>Sent</td><td></td>" in browser.get("/logged-segments/1").text
    dutch = browser.get(job_page, headers={"accept-language": "nl-BE"}).text
    assert 'data-state="done"' in dutch


def test_l5_resend_by_the_correspondence_type_chosen_on_the_card(
    browser_as, logged, mailing, sessions, tmp_path, monkeypatch
):
    """BC's Resend option: the card offers the correspondence type of every entry sent
    again ("Same as each entry" first); Acme's failed e-mail resent as a hard copy is
    delivered as one, and its interaction says hard copy. The body is an e-mail body, not a
    Word template: the hard copy fails and the card says why."""
    inbox, settings = mailing
    monkeypatch.chdir(tmp_path)
    browser = browser_as("marketer")
    card = browser.get("/logged-segments/1").text
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', card)
    assert options == [("", "Same as each entry"), ("hard_copy", "Hard Copy"), ("email", "Email")]
    form = {"csrf_token": browser.csrf, "correspondence_type": "hard_copy"}
    answer = browser.post("/logged-segments/1/resend", data=form)
    assert answer.status_code == 303
    assert jobs.run_next(sessions, runners(settings)) is True
    assert "<dt>Failed</dt><dd>1</dd>" in browser.get(answer.headers["location"]).text
    page = browser.get("/logged-segments/1").text
    assert "<td>Hard Copy</td>" in page
    assert "a hard copy needs a Word template" in page
    assert inbox.messages == []
    with sessions.begin() as session:
        kinds = [entry.correspondence_type for entry in session.query(t.InteractionLogEntry)]
    assert sorted(kinds) == ["email", "hard_copy"]  # the sent one is as it was


@pytest.mark.parametrize(
    ("form", "canceled", "status", "said"),
    [
        ({"correspondence_type": "fax"}, False, 422, "&#39;fax&#39; is not one of &#39;&#39;"),
        ({}, False, 422, "RAPPORT_SMTP_URL"),  # Acme's e-mail, and no SMTP server
        ({}, True, 409, "Logged Segment 1 is canceled: un-cancel it before resending."),
    ],
)
def test_l5_what_cannot_be_resent_is_refused_on_a_page_nothing_queued(
    browser_as, logged, sessions, form, canceled, status, said
):
    browser = browser_as("marketer")
    if canceled:
        browser.post("/logged-segments/1/cancel", data={"csrf_token": browser.csrf})
    refused = browser.post("/logged-segments/1/resend", data={"csrf_token": browser.csrf, **form})
    assert refused.status_code == status
    assert said in refused.text
    assert 'class="error" role="alert"' in refused.text
    with sessions.begin() as session:
        assert sorted(d.status for d in session.query(t.Delivery)) == ["failed", "sent"]
    assert no_of_jobs(sessions) == 0


@pytest.fixture
def with_uncertain(sessions):
    """Logged segment 1: Ann's e-mail uncertain (interrupted after its hand-off), Acme's
    failed."""
    with sessions.begin() as session:
        people = build_log_world(session)
        body = make_stored_attachment(session, b"<p>Dear {{ contact.name }}</p>")
        make_queued_interaction(session, people["P1"], status="uncertain", attachment=body)
        make_queued_interaction(session, people["ACME"], status="failed", attachment=body)
    return people


@pytest.mark.parametrize(
    ("ticked", "queued"),
    [(False, "1 interaction"), (True, "2 interactions")],
)
def test_x8_the_card_resends_the_uncertain_entries_only_when_ticked(
    browser_as, with_uncertain, mailing, ticked, queued
):
    """L5/X8: an entry interrupted after its hand-off may have arrived; the card offers it
    (with how many there are) beside Resend, unticked, as the CLI's --include-uncertain."""
    browser = browser_as("marketer")
    card = browser.get("/logged-segments/1").text
    assert 'name="include_uncertain"' in card
    assert "Also the 1 uncertain one (it may have arrived)" in card
    form = {"csrf_token": browser.csrf}
    if ticked:
        form["include_uncertain"] = "true"
    answer = browser.post("/logged-segments/1/resend", data=form)
    assert answer.status_code == 303
    assert (
        f"Resending logged segment 1: {queued} to deliver."
        in browser.get(answer.headers["location"]).text
    )


def test_x8_the_card_offers_no_uncertain_entries_when_there_are_none(browser_as, logged):
    assert 'name="include_uncertain"' not in browser_as("marketer").get("/logged-segments/1").text
