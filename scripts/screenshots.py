"""Screenshots of the web UI's main pages for the README and docs/ (`make screenshots`).

Loads the demo company into a fresh SQLite file, serves it on loopback, builds a segment
through the card as a marketer does (typed criteria, "Add contacts", "Reduce contacts"),
and photographs the segment card with its builder, the contacts list, the logged segment,
the charts and the Dutch card, each at desktop (1280 px) and phone (390 px) width, with
Debian's Chromium. Written to docs/screenshots/NAME-desktop.png and NAME-phone.png.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import expect, sync_playwright

from rapport.app import create_app
from rapport.demo.company import load_demo
from rapport.settings import Settings
from rapport.storage.db import open_database

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PASSWORD = "rapport-demo"  # noqa: S105 (the demo users' published password)
BUILDER_EXAMPLE = "country = BE and not mailing_group = NO_MAIL"


def serve(folder: Path) -> tuple[str, uvicorn.Server, threading.Thread]:
    url = f"sqlite:///{folder / 'demo.db'}"
    sessions = open_database(url)
    load_demo(sessions)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(Settings(database_url=url, secret_key=secrets.token_urlsafe(32)), sessions)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def sign_in(page: Any, name: str) -> None:
    page.goto("/login")
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def build_segment(page: Any) -> str:
    """A segment built on its card: Benelux persons, companies left out."""
    sign_in(page, "jim")
    page.goto("/segments")
    page.get_by_label("Description").fill("Spring mailing Benelux")
    page.get_by_role("button", name="Create segment").click()
    page.wait_for_url(re.compile(r"/segments/SEG\d+$"))
    no = str(page.url.rsplit("/", 1)[1])
    for taken, (criteria, button) in enumerate(
        (("country in (BE, NL)", "Add contacts"), ("type = company", "Reduce contacts")), start=1
    ):
        page.get_by_label("Criteria", exact=True).fill(criteria)
        page.get_by_role("button", name=button, exact=True).click()
        # The address says done=action from the first action on: wait for the header's count.
        expect(page.locator("p.counts strong").nth(1)).to_have_text(str(taken))
    return no


# A shot: its name, the page, the element to show, criteria to type first (or "").
Shot = tuple[str, str, str, str]


def shoot(browser: Any, base: str, shots: list[Shot], language: str) -> None:
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(
            base_url=base,
            viewport={"width": width, "height": height},
            extra_http_headers={"Accept-Language": language},
        )
        page = context.new_page()
        sign_in(page, "jim")
        for name, path, ready, criteria in shots:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            if criteria:
                page.locator("#criteria").fill(criteria)
                page.locator("#preview ul.preview").wait_for()
                page.wait_for_load_state("networkidle")
            if ready:
                page.locator(ready).first.scroll_into_view_if_needed()
            page.screenshot(path=str(OUT / f"{name}-{width_name}.png"), full_page=False)
        context.close()


def main() -> int:
    executable = "/usr/lib/chromium/chromium"
    if not Path(executable).exists():
        executable = shutil.which("chromium") or ""
    if not executable:
        sys.stderr.write("Chromium is not installed (apt-get install chromium)\n")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        base, server, thread = serve(Path(folder))
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        maker = browser.new_context(base_url=base)
        no = build_segment(maker.new_page())
        maker.close()
        shoot(
            browser,
            base,
            [
                ("segment-card", f"/segments/{no}", "", ""),
                ("segment-builder", f"/segments/{no}", "#build-title", BUILDER_EXAMPLE),
                ("contacts", "/contacts", "", ""),
                ("logged-segment", "/logged-segments/1", "", ""),
                ("charts", f"/segments/{no}", "#chart-title", ""),
                # beside the demo company's segment in progress (docs/demo.md)
                ("overlap", f"/segment-overlap?no={no}&no=SEG00002", "", ""),
            ],
            "en",
        )
        shoot(
            browser,
            base,
            [("dutch", f"/segments/{no}", "#build-title", BUILDER_EXAMPLE)],
            "nl-BE",
        )
        browser.close()
        server.should_exit = True
        thread.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
