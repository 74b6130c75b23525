"""Logging with delivery in a real browser (L2, L3, X8; issue 12 item 7): a marketer logs a
segment of the demo company with delivery to a loopback SMTP server; the browser is sent to
the delivery job's page, which follows the progress (htmx polling, no inline script, the
CSP holds) until it shows the outcome; the job is found again on the jobs page, and the
logged segment shows each recipient's delivery status."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from rapport.app import create_app
from rapport.demo.company import load_demo
from rapport.services.segments import actions, header
from rapport.storage.db import open_database
from tests.browser.conftest import CspViolations, _free_port, sign_in
from tests.integration.mailbox import serve

pytestmark = pytest.mark.browser
CRITERIA = "type = person and correspondence_type = email and city = Hasselt"


@pytest.fixture
def mail_server(tmp_path) -> Iterator[tuple[Any, str, str, int]]:
    """A server on a fresh demo company whose SMTP server is a loopback one taking one
    message a second (so the progress is seen moving): (inbox, base URL, segment no., its
    number of lines)."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    sessions = open_database(url)
    load_demo(sessions)
    no = header.create_segment(
        sessions,
        description="Spring news",
        user="JIM",
        values=[("interaction_template_code", "EMAIL")],
    ).no
    lines = actions.add_contacts(sessions, no, criteria=CRITERIA, user="JIM").no_of_lines
    assert lines >= 3
    for inbox, mail in serve():
        settings = dataclasses.replace(
            mail, database_url=url, secret_key="browser-tests", smtp_rate=1.0
        )
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, sessions), host="127.0.0.1", port=port, log_level="warning"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.05)
        yield inbox, f"http://127.0.0.1:{port}", no, lines
        server.should_exit = True
        thread.join(timeout=10)
    sessions.kw["bind"].dispose()


@pytest.fixture
def tab(browser: Any, mail_server: tuple[Any, str, str, int]) -> Iterator[Any]:
    """A page on the mail server; a Content-Security-Policy violation fails the test."""
    context = browser.new_context(base_url=mail_server[1], viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    violations = CspViolations()

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    opened.on("console", on_console)
    opened.set_default_timeout(15_000)
    yield opened
    context.close()
    assert list(violations) == [], "the page broke its Content-Security-Policy"


def test_l3_logging_with_delivery_shows_the_job_progress_then_each_recipients_status(
    tab, mail_server
):
    inbox, base, no, lines = mail_server
    sign_in(tab, "jim")
    tab.goto(f"/segments/{no}")
    tab.get_by_label("Send e-mails and hard copies").check()
    tab.get_by_role("button", name="Log segment").click()
    tab.wait_for_url("**/jobs/*")
    job_path = tab.url.removeprefix(base)
    status = tab.locator("#job-progress [role=status]")
    seen = [status.get_attribute("data-state")]
    deadline = time.monotonic() + 30
    while seen[-1] != "done":  # htmx replaces the fragment every second
        assert time.monotonic() < deadline, seen
        tab.wait_for_timeout(200)
        seen.append(status.get_attribute("data-state"))
    assert seen[0] in ("queued", "running"), seen  # the page followed a job still at work
    assert tab.locator("#job-progress progress").get_attribute("value") == str(lines)
    assert f"{lines} of {lines}" in status.inner_text()
    outcome = tab.locator("#job-outcome").inner_text()
    assert outcome.split() == ["Sent", str(lines), "Failed", "0", "Skipped", "0"]
    assert len(inbox.messages) == lines
    tab.get_by_role("link", name="Jobs", exact=True).click()  # left, then found again
    tab.wait_for_url("**/jobs")
    tab.locator(f'a[href="{job_path}"]').click()
    tab.wait_for_url(f"**{job_path}")
    tab.get_by_role("link", name="Open the logged segment").click()
    tab.wait_for_url("**/logged-segments/*")
    statuses = tab.locator("table tbody tr td:nth-child(5)").all_inner_texts()
    assert statuses == ["Sent"] * lines  # the status by its caption
