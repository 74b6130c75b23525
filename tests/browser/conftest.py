"""Browser tests: Playwright driving Debian's Chromium against `rapport serve` on loopback.

One server per test session, on a demo company in a fresh SQLite file, run by uvicorn in a
thread. Each test gets a new browser context; a Content-Security-Policy violation reported
by the browser fails the test; on failure a screenshot and a Playwright trace are kept in
`test-artifacts/`. In CI (`CI` set) a missing Chromium fails the run; it is never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from rapport.app import create_app
from rapport.demo.company import load_demo
from rapport.settings import Settings
from rapport.storage.db import open_database
from tests.line_counts import assert_lines_counted

IN_CI = bool(os.environ.get("CI"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
DEMO_PASSWORD = "rapport-demo"


def chromium_path() -> str | None:
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a server on the demo company."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'demo.db'}"
    sessions = open_database(url)
    load_demo(sessions)
    settings = Settings(database_url=url, secret_key="browser-tests")
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
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    assert_lines_counted(url)  # whatever the pages did to the segments (S1)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        if IN_CI:
            pytest.fail("Chromium is not installed; CI must run the browser tests")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


class CspViolations(list[str]):
    """Console messages in which the browser reports a blocked resource or script."""


@pytest.fixture
def page(browser: Any, live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.tracing.start(screenshots=True, snapshots=True)
    tab = context.new_page()
    violations = CspViolations()

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    tab.on("console", on_console)
    tab.set_default_timeout(10_000)
    yield tab
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_")
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.tracing.stop(path=str(ARTIFACTS / f"{name}-trace.zip"))
    else:
        context.tracing.stop()
    context.close()
    assert list(violations) == [], "the page broke its Content-Security-Policy"


def sign_in(page: Any, name: str = "jim", password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person does."""
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations axe-core finds on the page. axe is
    evaluated through the DevTools protocol, which the page's CSP does not govern."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
