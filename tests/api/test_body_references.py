"""A record named by the request's input that is not there (SPEC §6, STYLE "Errors"): a 422
problem whose `errors[0].field` names the body field or the parameter the client sent, in
Business Central's words, and nothing changed; a 404 says only that the address's own
resource is missing.

Each case sends one bad reference to a route whose own record (the segment, the contact,
the template …) is there, then reads back what the route would have changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from rapport.storage import tables as t
from tests.api.conftest import problem_of
from tests.factories import make_interaction
from tests.integration.segment_world import build_world

SEGMENT = "/api/segments/SEG00001"


@pytest.fixture
def world(sessions, client_as):
    """The segment world (JO and KIM, ENU/NLB/FRB, ACME, BETA, P1–P6, templates ABSTRACT
    and CALL), campaign CP1, sales cycle NEW, questionnaire CUSTOMER with answer line 30, an
    interaction of ACME (entry 1), and segment SEG00001 of the Belgian contacts (template
    ABSTRACT, salesperson JO)."""
    with sessions.begin() as session:
        build_world(session)
        session.add(t.Campaign(no="CP1", description="Spring"))
        session.add(t.SalesCycle(code="NEW", description="New business"))
        session.add(t.ProfileQuestionnaire(code="CUSTOMER", description="Customer"))
        session.flush()
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER", line_no=30, type="answer", description="Big"
            )
        )
        acme = session.query(t.Contact).filter_by(no="ACME").one()
        make_interaction(session, acme, date=dt.date(2026, 3, 2), description="Call")
    marketer = client_as("marketer")
    header = {"description": "Spring", "interaction_template_code": "ABSTRACT"}
    made = marketer.post("/api/segments", json={**header, "salesperson_code": "JO"})
    assert made.status_code == 201, made.text
    added = marketer.post(f"{SEGMENT}/actions", json={"type": "add", "criteria": "country = BE"})
    assert added.status_code == 200, added.text


@dataclass(frozen=True)
class Case:
    """`method` on `url` by `role` with `send` (json=, data=, params=, files=) names a
    record that is not there in the input `field`; `detail` is the message; `reads` are
    the addresses whose answers must not change."""

    method: str
    url: str
    send: dict[str, Any]
    field: str
    detail: str
    reads: tuple[str, ...] = ()
    role: str = "marketer"
    id: str = field(default="", compare=False)


def _missing(table: str, *key: str) -> str:
    """BC's sentence for the record of `table` whose key fields are `key`: caption, value,
    caption, value …"""
    fields = ",".join(f"{name}='{value}'" for name, value in zip(key[::2], key[1::2], strict=True))
    return f"The {table} does not exist. Identification fields and values: {fields}"


BODY = ("body.html", b"<p>Hello {{ contact.name }}</p>", "text/html")

CASES = [
    Case(
        "patch",
        SEGMENT,
        {"json": {"description": "Renamed", "salesperson_code": "NOPE"}},
        "salesperson_code",
        _missing("Salesperson/Purchaser", "Code", "NOPE"),
        (SEGMENT, f"{SEGMENT}/lines"),
        id="s2-header-salesperson",
    ),
    Case(
        "patch",
        SEGMENT,
        {"json": {"campaign_no": "CP9"}},
        "campaign_no",
        _missing("Campaign", "No.", "CP9"),
        (SEGMENT,),
        id="s2-header-campaign",
    ),
    Case(
        "post",
        "/api/segments",
        {"json": {"description": "New", "language_code_default": "XX"}},
        "language_code_default",
        _missing("Language", "Code", "XX"),
        ("/api/segments",),
        id="s1-create-language",
    ),
    Case(
        "patch",
        f"{SEGMENT}/lines/10000",
        {"json": {"contact_no": "NOPE"}},
        "contact_no",
        _missing("Contact", "No.", "NOPE"),
        (f"{SEGMENT}/lines", f"{SEGMENT}/history"),
        id="s5-line-contact",
    ),
    Case(
        "patch",
        f"{SEGMENT}/lines/10000",
        {"json": {"salesperson_code": "NOPE"}},
        "salesperson_code",
        _missing("Salesperson/Purchaser", "Code", "NOPE"),
        (f"{SEGMENT}/lines",),
        id="s5-line-salesperson",
    ),
    Case(
        "post",
        f"{SEGMENT}/contacts",
        {"json": {"contacts": ["P6", "NOPE"]}},
        "contacts",
        _missing("Contact", "No.", "NOPE"),
        (f"{SEGMENT}/lines", f"{SEGMENT}/history"),
        id="s5-contacts-by-hand",
    ),
    Case(
        "post",
        f"{SEGMENT}/reuse-criteria",
        {"json": {"code": "NOPE", "yes": True}},
        "code",
        _missing("Saved Segment Criteria", "Code", "NOPE"),
        (f"{SEGMENT}/lines", f"{SEGMENT}/history"),
        id="s9-reuse-criteria",
    ),
    Case(
        "post",
        f"{SEGMENT}/reuse-logged",
        {"json": {"entry_no": 99, "yes": True}},
        "entry_no",
        _missing("Logged Segment", "Entry No.", "99"),
        (f"{SEGMENT}/lines", f"{SEGMENT}/history"),
        id="s10-reuse-logged",
    ),
    Case(
        "post",
        f"{SEGMENT}/languages",
        {"data": {"language_code": "XX", "subject": "Hallo"}},
        "language_code",
        _missing("Language", "Code", "XX"),
        (f"{SEGMENT}/languages", f"{SEGMENT}/lines"),
        id="s15-language",
    ),
    Case(
        "post",
        f"{SEGMENT}/languages",
        {"data": {"language_code": "NLB", "subject": "Hallo", "line": "990000"}},
        "line",
        _missing("Segment Line", "Segment No.", "SEG00001", "Line No.", "990000"),
        (f"{SEGMENT}/languages", f"{SEGMENT}/lines"),
        id="s15-language-line",
    ),
    Case(
        "post",
        f"{SEGMENT}/opportunities",
        {"json": {"sales_cycle": "NOPE"}},
        "sales_cycle",
        _missing("Sales Cycle", "Code", "NOPE"),
        ("/api/opportunities",),
        id="s14-opportunities-sales-cycle",
    ),
    Case(
        "post",
        f"{SEGMENT}/tasks",
        {
            "json": {
                "type": "meeting",
                "date": "2026-05-04",
                "description": "Visit",
                "salesperson": "NOPE",
            }
        },
        "salesperson",
        _missing("Salesperson/Purchaser", "Code", "NOPE"),
        ("/api/tasks",),
        id="s14-tasks-salesperson",
    ),
    Case(
        "get",
        f"{SEGMENT}/overlap",
        {"params": {"with": ["NOPE"]}},
        "with",
        _missing("Segment", "No.", "NOPE"),
        role="viewer",
        id="x6-overlap-with",
    ),
    Case(
        "post",
        "/api/templates/ABSTRACT/attachments",
        {"files": {"file": BODY}, "data": {"language": "XX"}},
        "language",
        _missing("Language", "Code", "XX"),
        ("/api/templates/ABSTRACT",),
        id="l1-attachment-language",
    ),
    Case(
        "patch",
        "/api/templates/ABSTRACT",
        {"json": {"interaction_group_code": "NOPE"}},
        "interaction_group_code",
        _missing("Interaction Group", "Code", "NOPE"),
        ("/api/templates/ABSTRACT",),
        id="l1-template-group",
    ),
    Case(
        "post",
        "/api/contacts",
        {"json": {"type": "company", "name": "Nine", "country": "ZZ"}},
        "country",
        _missing("Country/Region", "Code", "ZZ"),
        ("/api/contacts",),
        id="k1-new-contact-country",
    ),
    Case(
        "patch",
        "/api/contacts/P2",
        {"json": {"company_no": "NOPE"}},
        "company_no",
        _missing("Contact", "No.", "NOPE"),
        ("/api/contacts/P2", "/api/contacts/ACME"),
        id="k1-contact-company",
    ),
    Case(
        "post",
        "/api/contacts/ACME/assignments",
        {"json": {"relation": "mailing_group", "code": "NOPE"}},
        "code",
        _missing("Mailing Group", "Code", "NOPE"),
        ("/api/contacts/ACME",),
        id="k2-assign-code",
    ),
    Case(
        "post",
        "/api/contacts/P2/assignments",
        {"json": {"relation": "profile", "code": "NOPE", "values": {"answer_line": "30"}}},
        "code",
        _missing("Profile Questionnaire", "Code", "NOPE"),
        ("/api/contacts/P2",),
        id="k2-profile-questionnaire",
    ),
    Case(
        "post",
        "/api/contacts/P2/assignments",
        {"json": {"relation": "profile", "code": "CUSTOMER", "values": {"answer_line": "99"}}},
        "answer_line",
        _missing(
            "Profile Questionnaire Line", "Profile Questionnaire Code", "CUSTOMER", "Line No.", "99"
        ),
        ("/api/contacts/P2",),
        id="k2-profile-answer-line",
    ),
    Case(
        "post",
        "/api/profiles/update-ratings",
        {"json": {"questionnaire": "NOPE"}},
        "questionnaire",
        _missing("Profile Questionnaire", "Code", "NOPE"),
        ("/api/contacts/P2",),
        id="k3-ratings-questionnaire",
    ),
    Case(
        "post",
        "/api/contacts/ACME/merge",
        {"json": {"other": "NOPE"}},
        "other",
        _missing("Contact", "No.", "NOPE"),
        ("/api/contacts/ACME",),
        id="k5-merge-other",
    ),
    Case(
        "post",
        "/api/campaigns",
        {"json": {"description": "Autumn", "status_code": "NOPE"}},
        "status_code",
        _missing("Campaign Status", "Code", "NOPE"),
        ("/api/campaigns",),
        id="c1-new-campaign-status",
    ),
    Case(
        "patch",
        "/api/campaigns/CP1",
        {"json": {"salesperson_code": "NOPE"}},
        "salesperson_code",
        _missing("Salesperson", "Code", "NOPE"),
        ("/api/campaigns/CP1",),
        id="c1-campaign-salesperson",
    ),
    Case(
        "post",
        "/api/interaction-log-entries/cancel",
        {"json": {"entries": [1, 99]}},
        "entries",
        _missing("Interaction Log Entry", "Entry No.", "99"),
        ("/api/interaction-log-entries/1",),
        id="l6-cancel-entries",
    ),
    Case(
        "patch",
        "/api/setup",
        {"json": {"default_salesperson_code": "NOPE"}},
        "default_salesperson_code",
        _missing("Salesperson/Purchaser", "Code", "NOPE"),
        ("/api/setup",),
        role="admin",
        id="setup-default-salesperson",
    ),
    Case(
        "post",
        "/api/users",
        {"json": {"name": "lina", "role": "viewer", "salesperson_code": "NOPE"}},
        "salesperson_code",
        _missing("Salesperson/Purchaser", "Code", "NOPE"),
        ("/api/users",),
        role="admin",
        id="users-salesperson",
    ),
    Case(
        "post",
        "/api/users",
        {"json": {"name": "lina", "role": "viewer", "language_code": "XX"}},
        "language_code",
        _missing("Language", "Code", "XX"),
        ("/api/users",),
        role="admin",
        id="users-language",
    ),
    Case(
        "post",
        "/api/tokens",
        {"json": {"user": "nobody", "name": "script"}},
        "user",
        "there is no user 'nobody'",
        ("/api/tokens", "/api/audit"),
        role="admin",
        id="tokens-user",
    ),
    Case(
        "get",
        "/api/tokens",
        {"params": {"user": "nobody"}},
        "user",
        "there is no user 'nobody'",
        role="admin",
        id="tokens-list-user",
    ),
]


def _read(client: Any, urls: tuple[str, ...]) -> list[Any]:
    answers = [client.get(url) for url in urls]
    for url, answer in zip(urls, answers, strict=True):
        assert answer.status_code == 200, (url, answer.text)
    return [answer.json() for answer in answers]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_body_or_parameter_naming_a_missing_record_is_a_422_naming_it(client_as, case):
    """S1, S2, S5, S9, S10, S14, S15, X6, L1, L6, K1–K5, C1, SPEC §7: the route's own
    record is there; the record its input names is not."""
    reader = client_as("admin")
    before = _read(reader, case.reads)
    answer = getattr(client_as(case.role), case.method)(case.url, **case.send)
    problem = problem_of(answer, 422)
    assert problem["detail"] == case.detail
    assert problem["errors"][0] == {"field": case.field, "message": case.detail}
    assert _read(reader, case.reads) == before


ADDRESSED = [
    ("patch", "/api/segments/SEG09999", {"json": {"salesperson_code": "NOPE"}}, "SEG09999"),
    ("post", "/api/segments/SEG09999/contacts", {"json": {"contacts": ["NOPE"]}}, "SEG09999"),
    ("patch", f"{SEGMENT}/lines/990000", {"json": {"contact_no": "NOPE"}}, "Line No.='990000'"),
    ("get", "/api/segments/NOPE/overlap", {"params": {"with": ["SEG00001"]}}, "NOPE"),
    ("get", "/api/saved-criteria/NOPE", {}, "NOPE"),
    (
        "post",
        "/api/templates/NOPE/attachments",
        {"files": {"file": BODY}, "data": {"language": "XX"}},
        "NOPE",
    ),
    ("post", "/api/contacts/NOPE/merge", {"json": {"other": "ACME"}}, "NOPE"),
    ("delete", "/api/contacts/ACME/assignments/mailing_group/NOPE", {}, "NOPE"),
    ("post", "/api/interaction-log-entries/99/evaluate", {"json": {"evaluation": ""}}, "99"),
    ("patch", "/api/campaigns/CP9", {"json": {"salesperson_code": "NOPE"}}, "CP9"),
]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(("method", "url", "send", "named"), ADDRESSED)
def test_x9_a_missing_record_the_address_names_is_still_a_404(client_as, method, url, send, named):
    """The address's own resource is looked up first: missing, it is the 404, whatever the
    input names, and the problem names no field."""
    answer = getattr(client_as("admin"), method)(url, **send)
    problem = problem_of(answer, 404)
    assert named in problem["detail"]
    assert "errors" not in problem
