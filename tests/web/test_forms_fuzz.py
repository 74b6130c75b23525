"""No form of the web UI answers 500 for bad input (SPEC §10: "bad input gets a clear error
and changes nothing; the server never answers 500 for it"; SPEC §8, X9).

The REST API is fuzzed by schemathesis (tests/api/test_schemathesis.py); this is its twin
for the HTML forms. An admin, who reaches every form, browses the demo company with a
segment built on it: the start page, the main navigation and every page linked from them
(one page per route, every code table), plus the pages an e-mail or a question leads to.
Each `<form method="post">` found is read into its action and its fields as the browser
would send them, then posted with hostile values: first each field in turn given one value
of each kind (left out, empty, blanks, 10,000 characters, NUL, bidi marks and emoji, a
negative number, numbers past 64 bits and past a float, an impossible date, SQL and criteria
fragments; a file that is not what its name says) while the others stay as the page gave
them, and each parameter of the form's address forged; then hypothesis, derandomized, mixes
such values and a select's own options in every field at once. Only the CSRF token is
always sent as given; hidden fields are forged like the rest.

Every answer must be below 500 and log no error; a 4xx page must show its error
(`class="error" role="alert"`); a redirect must lead to a page that renders. Every post
route of the web UI must have had a form fuzzed, or be named in `NOT_REACHED` with why.
The pages' own addresses are forged too: every query parameter of each page the crawl
visited given each hostile value, every number or code in its path forged; none may answer
500 or log an error.

The forms cover S1, S2, S3, S4, S5, S8, S9, S10, S12, S13, S14, X5, X7 (the segment pages and
the unsubscribe link), L1, L2, L3, L5, L6, C3, K1, K3, K4, K5 and the setup, code tables,
number series, users and tokens (SPEC §2 Setup, §7). The database is the test's own on
each engine; what the posts change accumulates, as a user's mistakes would.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import traceback
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from rapport import web
from rapport.demo.company import load_demo
from rapport.services.contacts import consent
from rapport.services.segments import actions, header, reuse
from tests.api.conftest import PASSWORD

# ----------------------------------------------------------------------------------------
# The world and the signed-in admin


def build_world(sessions: sessionmaker[Session]) -> str:
    """The demo company, and on it a segment with lines and two criteria actions whose
    criteria are saved (so the card shows every form); the segment's no."""
    load_demo(sessions)
    template = [("interaction_template_code", "EMAIL")]  # each line's letter can be previewed
    no = header.create_segment(
        sessions, description="Fuzzed segment", user="admin1", values=template
    ).no
    actions.add_contacts(sessions, no, criteria="country = BE", user="admin1")
    actions.add_contacts(sessions, no, criteria="country = NL and type = person", user="admin1")
    reuse.save_criteria(sessions, no, code="FUZZ", description="Fuzzed", user="admin1")
    return no


@contextmanager
def signed_in_admin(app: FastAPI) -> Iterator[TestClient]:
    """A browser signed in with the session cookie as admin1. A server error is answered
    (500), not raised into the test, so the test sees what a browser would. The app's
    lifespan is not entered: no job runs behind the posts' backs (an import, an export, a
    delivery stays queued), so every run posts the same things to the same data."""
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    try:
        answer = client.post("/api/login", json={"name": "admin1", "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        yield client
    finally:
        client.close()


# ----------------------------------------------------------------------------------------
# Reading a page: its links, its post forms, its error messages


@dataclass(frozen=True)
class Field:
    """One control of a form: what the browser sends as it stands (`value`, None when it
    sends nothing: an unticked box) and the values it offers (a select's, a button's)."""

    name: str
    kind: str
    value: str | None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    page: str
    action: str
    fields: tuple[Field, ...]
    multipart: bool = False
    htmx: bool = False

    def describe(self) -> str:
        return f"the form posting to {self.action} on {self.page}"


@dataclass
class _Building:
    action: str
    multipart: bool
    htmx: bool
    fields: dict[str, Field] = field(default_factory=dict)
    formactions: list[str] = field(default_factory=list)
    pressed: bool = False  # the first submit button seen: the one Enter presses

    def button(self, name: str, value: str, formaction: str | None) -> None:
        """A submit button: the first one's name and value are what Enter sends."""
        if formaction:
            self.formactions.append(formaction)
        if name:
            self.add(name, "submit", None if self.pressed else value, value)
        self.pressed = True

    def input(self, name: str, kind: str, a: dict[str, str]) -> None:
        if kind in ("checkbox", "radio"):
            value = a.get("value") or "on"
            self.add(name, kind, value if "checked" in a else None, value)
        elif kind == "file":
            self.add(name, kind, None)  # no file chosen: nothing is sent
        else:
            self.add(name, kind, a.get("value", ""))

    def add(self, name: str, kind: str, value: str | None, option: str | None = None) -> None:
        """A control; a name seen again (radio buttons, submit buttons) adds an option."""
        known = self.fields.get(name)
        options = (*(known.options if known else ()), *([] if option is None else [option]))
        if known is not None and known.value is not None:
            value = known.value
        self.fields[name] = Field(name, kind, value, options)


class PageReader(HTMLParser):
    """The links (`href` and htmx's `hx-get`), the post forms and the alerts of a page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[tuple[str, bool]] = []  # (address, asked by htmx)
        self.forms: list[Form] = []
        self.alerts: list[str] = []
        self._form: _Building | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, chosen
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._alert: tuple[str, int, list[str]] | None = None  # tag, depth, text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if self._alert is not None and tag == self._alert[0]:
            self._alert = (tag, self._alert[1] + 1, self._alert[2])
        elif "error" in a.get("class", "").split() and a.get("role") == "alert":
            self._alert = (tag, 1, [])
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], False))
        if a.get("hx-get"):
            self.links.append((a["hx-get"], True))
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = _Building(
                    urljoin(self.page, a.get("action") or self.page),
                    "multipart" in a.get("enctype", ""),
                    "hx-post" in a,
                )
            return
        if self._form is not None:
            self._control(tag, a)

    def _control(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        name, kind = a.get("name", ""), a.get("type", "").lower()
        if tag == "button" or (tag == "input" and kind in ("submit", "image")):
            if (kind or "submit") in ("submit", "image"):
                self._form.button(
                    name,
                    a.get("value", ""),
                    urljoin(self.page, a["formaction"]) if a.get("formaction") else None,
                )
        elif tag == "input" and name and kind not in ("button", "reset"):
            self._form.input(name, kind or "text", a)
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._option = [] if "value" not in a else None
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._alert is not None:
            self._alert[2].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None and self._select is not None:
            self._option.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._alert is not None and tag == self._alert[0]:
            kind, depth, text = self._alert
            self._alert = (kind, depth - 1, text) if depth > 1 else None
            if depth == 1:
                self.alerts.append("".join(text).strip())
        if tag == "option" and self._option is not None and self._select is not None:
            self._select[1][-1] = "".join(self._option).strip()  # an option without value
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, chosen = self._select
            value = chosen[-1] if chosen else (options[0] if options else None)
            self._form.fields[name] = Field(name, "select", value, tuple(options))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.add(name, "textarea", "".join(text).removeprefix("\n"))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self._end_form(self._form)
            self._form = None

    def _end_form(self, built: _Building) -> None:
        fields = tuple(built.fields.values())
        for action in [built.action, *built.formactions]:
            self.forms.append(
                Form(self.page, action, fields, multipart=built.multipart, htmx=built.htmx)
            )


def read_page(page: str, html: str) -> PageReader:
    reader = PageReader(page)
    reader.feed(html)
    reader.close()
    return reader


# ----------------------------------------------------------------------------------------
# The crawl


def route_of(app: FastAPI, path: str, method: str) -> APIRoute | None:
    for route in app.router.routes:
        if (
            isinstance(route, APIRoute)
            and method in (route.methods or ())
            and route.path_regex.match(path)
        ):
            return route
    return None


# Pages of one route whose forms differ by a path parameter: every code table's form has
# that table's fields.
KEPT_PARAMETERS = ("table",)
# Answers that are files, not pages.
NOT_PAGES = ("/jobs/{job_id}/file",)


def page_key(app: FastAPI, path: str) -> str | None:
    """One page per route (the forms of two contact cards are the same form), except where
    a path parameter of `KEPT_PARAMETERS` changes the form; None: not a page of the UI."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/api", "/static")):
        return None
    route = route_of(app, parts.path, "GET")
    if route is None or route.path in NOT_PAGES:
        return None
    match = route.path_regex.match(parts.path)
    assert match is not None
    key = route.path
    for name in KEPT_PARAMETERS:
        if name in match.groupdict():
            key = key.replace(f"{{{name}}}", match.group(name))
    return key


def crawl(app: FastAPI, client: TestClient, starts: list[str]) -> dict[str, PageReader]:
    """Every page reachable from `starts` by links and htmx gets, one per `page_key`."""
    seen: set[str] = set()
    pages: dict[str, PageReader] = {}
    queue = deque((start, False) for start in starts)
    while queue:
        path, htmx = queue.popleft()
        path = path.split("#", 1)[0]
        key = page_key(app, path)
        if key is None or key in seen:
            continue
        seen.add(key)
        answer = client.get(path, headers={"hx-request": "true"} if htmx else {})
        assert answer.status_code < 500, f"GET {path} answered {answer.status_code}"
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        pages[path] = read_page(path, answer.text)
        queue.extend((urljoin(path, link), htmx) for link, htmx in pages[path].links)
    return pages


# ----------------------------------------------------------------------------------------
# The forms to fuzz


def must_skip(form: Form, me: str) -> bool:
    """Forms a fuzzed post would take the signed-in admin out of the test with: signing
    out, and disabling or demoting themselves (every later post would then be refused or
    sent to the sign-in page, and test nothing)."""
    path = urlsplit(form.action).path
    return path == "/logout" or path.startswith(f"/admin/users/{me}/")


def form_key(app: FastAPI, form: Form) -> tuple[str, tuple[str, ...]]:
    route = route_of(app, urlsplit(form.action).path, "POST")
    assert route is not None, f"{form.describe()} posts to no route"
    return route.path, tuple(sorted(f.name for f in form.fields))


# The post routes of the web UI the crawl finds no form for, and why. Any other post route
# without a fuzzed form fails the test: a new form is reached, or named here.
NOT_REACHED = {
    "/logout": "skipped: it signs the admin out (must_skip)",
    "/segments/{no}/refresh": "only a dynamic segment's card has it; it posts the token alone",
    "/logged-segments/{entry_no}/uncancel": "only a canceled logged segment's card has it",
    "/logged-segments/{entry_no}/delete": "only a canceled logged segment's card has it",
}


def post_routes() -> set[str]:
    return {
        route.path
        for router in web.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in (route.methods or ())
    }


# Forms that take away what other forms work on go last, so those are fuzzed on the world
# as it was built.
TAKING_AWAY = ("/undo", "/delete", "/disable", "/revoke", "/merge", "/remove", "/log")


def forms_to_fuzz(app: FastAPI, pages: dict[str, PageReader], me: str) -> list[Form]:
    chosen: dict[tuple[str, tuple[str, ...]], Form] = {}
    for reader in pages.values():
        for form in reader.forms:
            if not must_skip(form, me):
                chosen.setdefault(form_key(app, form), form)
    return sorted(
        chosen.values(), key=lambda form: urlsplit(form.action).path.endswith(TAKING_AWAY)
    )


# ----------------------------------------------------------------------------------------
# Hostile values


LONG = "x" * 10_000
HOSTILE = (
    "",
    " ",
    " \t\n ",
    LONG,
    "\x00",
    "A\x00B",
    "\u202ecipe\u200f",  # right-to-left override and mark
    "שלום",
    "😀👩‍👩‍👧",
    "Ωmega ß ﬁ",
    "-1",
    "0",
    "1e309",
    "99999999999999999999",
    "-99999999999999999999",
    "NaN",
    "2026-13-45",
    "31/12/2026",
    "0000-00-00",
    "' OR 1=1 --",
    "name = 'x' and (",
    "*",
    "%",
    "\\",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "true",
    "on",
    "null",
    "SEG99999",
)
MISSING = object()
KEEP = object()
# Text of any plane but surrogates, which a form cannot carry.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
FILE_NAMES = ("", "x.csv", "x.xlsx", "x.docx", "x.html", "x.txt", "../x.csv", "😀.csv", ".csv")
FILE_CONTENTS = (
    b"",
    b"\x00\xff\xfe garbage",
    b"no,header,here\n1,2,3\n",
    b"PK\x03\x04not really a zip",
    b"\xef\xbb\xbfcode;name\r\n\x00;\xff\r\n",
    ("x" * 10_000).encode(),
)


# One value of each kind, tried in every control in turn with the others as the page gave
# them: a form whose other fields are right reaches deepest into its service.
SWEEP: tuple[object, ...] = (
    MISSING,
    "",
    " \t\n ",
    LONG,
    "A\x00B",
    "\u202e😀",
    "-1",
    "1e309",
    "99999999999999999999",
    "2026-13-45",
    "' OR 1=1 --",
    "name = 'x' and (",
)
# A box or a button sends its value or nothing; a forged one sends anything, but the route
# only compares it, so fewer kinds of value tell it apart.
TICK_SWEEP: tuple[object, ...] = (MISSING, "", LONG, "\u202e😀", "-1")
FILE_SWEEP: tuple[object, ...] = (
    MISSING,
    ("", b""),
    ("x.csv", b"\x00\xff\xfe garbage"),
    ("x.csv", b"no,header,here\n1,2,3\n"),
    ("x.xlsx", b"PK\x03\x04not really a zip"),
    ("x.docx", b"PK\x03\x04not really a zip"),
    ("x.html", ("x" * 10_000).encode()),
)


# What a forged action puts in each parameter of the form's address in turn: numbers past
# 32 and 64 bits, a negative one, a long and a bidi text.
PATH_SWEEP = ("99999999999999999999", str(2**31), "-1", "x" * 300, "\u202e😀")
ACTION = "(action)"  # the key of an example's forged action, beside the fields' names


def fuzzed(control: Field) -> bool:
    return not (control.kind == "hidden" and control.name == "csrf_token")


SWEEPS = {"file": FILE_SWEEP, "checkbox": TICK_SWEEP, "radio": TICK_SWEEP, "submit": TICK_SWEEP}


def sweep(app: FastAPI, form: Form) -> Iterator[dict[str, Any]]:
    """Each control in turn given each kind of value, the others as the page gave them;
    then the same form posted to its address with each path parameter forged."""
    for control in filter(fuzzed, form.fields):
        for value in SWEEPS.get(control.kind, SWEEP):
            yield {c.name: value if c is control else KEEP for c in form.fields}
    path = urlsplit(form.action).path
    route = route_of(app, path, "POST")
    match = route.path_regex.match(path) if route else None
    for name in match.groupdict() if match else ():
        assert match is not None
        start, end = match.span(name)
        for value in PATH_SWEEP:
            forged = path[:start] + quote(value, safe="") + path[end:]
            yield {**{c.name: KEEP for c in form.fields}, ACTION: forged}


def value_of(control: Field) -> st.SearchStrategy[Any]:
    """What a user (or a forged post) may send for one control."""
    if not fuzzed(control):
        return st.just(KEEP)
    if control.kind == "file":
        return st.just(MISSING) | st.tuples(
            st.sampled_from(FILE_NAMES), st.sampled_from(FILE_CONTENTS) | st.binary(max_size=64)
        )
    offered = [st.sampled_from(control.options)] if control.options else []
    return st.one_of(st.just(KEEP), st.just(MISSING), st.sampled_from(HOSTILE), ANY_TEXT, *offered)


def filled(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({control.name: value_of(control) for control in form.fields})


# A text input the page leaves blank is kept filled with a new plausible value (a code, a
# name, a description), so the service gets past "must have a value" and "already exists"
# to the field under attack.
FILLED = ("text", "textarea", "password")
fillers = (f"FZ{n:05}" for n in itertools.count(1))


def kept(control: Field) -> str | None:
    if control.kind in FILLED and not control.value:
        return next(fillers)
    return control.value


def request_parts(form: Form, chosen: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    data: dict[str, str] = {}
    files: dict[str, Any] = {}
    for control in form.fields:
        value = chosen[control.name]
        if value is KEEP:
            value = kept(control)
        if value is MISSING or value is None:
            continue
        if control.kind == "file":
            files[control.name] = (value[0], value[1], "application/octet-stream")
        else:
            data[control.name] = value
    return data, files


# ----------------------------------------------------------------------------------------
# The test

FUZZ = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class Errors(logging.Handler):
    """The errors the server logs (an unexpected exception is logged with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def told(self) -> str:
        """What was logged, with the tracebacks."""
        told = []
        for record in self.records:
            told.append(record.getMessage())
            if record.exc_info:
                told.append("".join(traceback.format_exception(*record.exc_info)))
        return "\n".join(told)


def check_answer(form: Form, data: dict[str, str], answer: Any, errors: Errors) -> None:
    said = f"{form.describe()} with {shorten(data)} to {answer.request.url.path} answered "
    said += str(answer.status_code)
    assert answer.status_code < 500, f"{said}\n{errors.told()}"
    assert not errors.records, f"{said} and logged an error:\n{errors.told()}"
    if 400 <= answer.status_code < 500:
        assert answer.headers["content-type"].startswith("text/html"), said
        alerts = read_page(form.action, answer.text).alerts
        assert any(alerts), f'{said} without a class="error" role="alert" message'


def shorten(data: dict[str, str]) -> dict[str, str]:
    return {k: v if len(v) <= 40 else f"{v[:20]}…({len(v)} characters)" for k, v in data.items()}


def fuzz(app: FastAPI, client: TestClient, form: Form, errors: Errors) -> None:
    """Post the form as `sweep` and hypothesis fill it; check every answer."""
    statuses: set[int] = set()

    @given(chosen=filled(form))
    @FUZZ
    def post(chosen: dict[str, Any]) -> None:
        data, files = request_parts(form, chosen)
        headers = {"hx-request": "true"} if form.htmx else {}
        errors.records.clear()
        action = chosen.get(ACTION, form.action)
        answer = client.post(action, data=data, files=files or None, headers=headers)
        statuses.add(answer.status_code)
        check_answer(form, data, answer, errors)
        target = answer.headers.get("location", "")
        assert not target.startswith("/login"), f"{form.describe()} signed the admin out"
        if answer.is_redirect and target.startswith("/"):
            shown = client.get(target)
            assert shown.status_code < 500, (
                f"{form.describe()} with {shorten(data)} led to {target}, which answered "
                f"{shown.status_code}\n{errors.told()}"
            )

    for chosen in sweep(app, form):
        post = example(chosen=chosen)(post)
    post()
    # Refused every time (the CSRF token, the role), the form would have tested nothing.
    assert statuses - {403}, f"{form.describe()} was refused every time"


def starting_points(app: FastAPI, no: str) -> list[str]:
    """The start page with the main navigation, the segment's card first (so its card is
    the one visited), the sign-in page and an e-mail's unsubscribe link."""
    served = replace(app.state.rapport.settings, base_url="http://rapport.test")
    link = consent.unsubscribe_url(served, "CT000002")
    assert link is not None
    return [f"/segments/{no}", "/", "/login", urlsplit(link).path]


def questions(client: TestClient, no: str) -> list[PageReader]:
    """The cards that ask one of Business Central's questions: their forms post the asked
    form again with hidden fields, which a user may forge as well."""
    card = read_page(f"/segments/{no}", client.get(f"/segments/{no}").text)
    csrf = next(f.value for form in card.forms for f in form.fields if f.name == "csrf_token")
    asked = [
        (f"/segments/{no}/header", {"salesperson_code": "PS", "description": "Changed"}),
        (f"/segments/{no}/actions", {"criteria": "country in (BE, NL)", "action": "reduce"}),
        (f"/segments/{no}/reuse-criteria", {"code": "FUZZ"}),
    ]
    readers = []
    for path, data in asked:
        answer = client.post(path, data={"csrf_token": csrf or "", **data})
        assert answer.status_code == 200, (path, answer.status_code)
        reader = read_page(path, answer.text)
        assert any(form.fields for form in reader.forms)
        readers.append(reader)
    return readers


@pytest.mark.slow  # some 25 s an engine: 2,000 posts
def test_no_web_form_answers_500_for_bad_input(app, sessions, passwords, monkeypatch, tmp_path):
    # An import keeps its upload in a temporary folder until its job runs, which no job
    # runner does here: the test's own folder takes them.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    no = build_world(sessions)
    errors = Errors()
    server_log = logging.getLogger("rapport")
    server_log.addHandler(errors)
    try:
        with signed_in_admin(app) as client:
            pages = crawl(app, client, starting_points(app, no))
            asked = {f"{r.page} (asked)": r for r in questions(client, no)}
            forms = forms_to_fuzz(app, {**pages, **asked}, me="admin1")
            failures = []
            for form in forms:
                try:
                    fuzz(app, client, form, errors)
                except AssertionError as exc:
                    notes = "\n".join(getattr(exc, "__notes__", []))
                    failures.append(f"{exc}\n{notes}")
    finally:
        server_log.removeHandler(errors)
    missed = post_routes() - {form_key(app, form)[0] for form in forms}
    assert missed - set(NOT_REACHED) == set(), "post routes whose form the crawl did not find"
    assert not failures, "\n\n".join(failures)


# ----------------------------------------------------------------------------------------
# The pages' addresses: every query parameter and every number or name in the path


def forged_addresses(app: FastAPI, pages: dict[str, PageReader]) -> Iterator[str]:
    """For each page route the crawl visited (one address of it), the same address with each
    of its query parameters given each hostile value, then with each of its path parameters
    forged (`PATH_SWEEP`, and the hostile values an address can carry)."""
    in_path = [value for value in (*PATH_SWEEP, *HOSTILE) if value.strip() and "\x00" not in value]
    for page in pages:
        path = urlsplit(page).path
        route = route_of(app, path, "GET")
        assert route is not None, page
        for parameter in route.dependant.query_params:
            for value in HOSTILE:
                yield f"{path}?{parameter.alias}={quote(value, safe='')}"
        match = route.path_regex.match(path)
        assert match is not None
        for name in match.groupdict():
            start, end = match.span(name)
            for value in in_path:
                yield path[:start] + quote(value, safe="") + path[end:]


@pytest.mark.slow  # some 10 s an engine
def test_no_page_answers_500_for_a_forged_address(app, sessions, passwords):
    """SPEC §10 for the pages' addresses (their query parameters and the numbers and codes in
    their paths): a number past what the database keeps or a text where a number goes is a
    4xx page, never a 500 (a list's `after` past 32 bits was one on PostgreSQL)."""
    no = build_world(sessions)
    errors = Errors()
    server_log = logging.getLogger("rapport")
    server_log.addHandler(errors)
    failures: list[str] = []
    try:
        with signed_in_admin(app) as client:
            pages = crawl(app, client, starting_points(app, no))
            addresses = list(forged_addresses(app, pages))
            for address in addresses:
                errors.records.clear()
                answer = client.get(address)
                if answer.status_code >= 500 or errors.records:
                    failures.append(f"GET {address[:120]} answered {answer.status_code}")
                    failures.append(errors.told())
    finally:
        server_log.removeHandler(errors)
    assert len(addresses) > 500, "the crawl found too few pages to forge"
    assert not failures, "\n".join(failures)
