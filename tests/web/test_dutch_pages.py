"""Dutch pages speak Dutch everywhere (issue 13 item 7, S7, X1): the criteria pane's
sentences, and the service errors a page shows (an unknown code with its did-you-mean, a
criteria syntax error at its position, BC's confirmations and refusals on the card, an
empty segment, a record not found), in the page's language; the same pages in English
still say what the CLI says."""

from __future__ import annotations

import html
import re
import string

from babel.messages.pofile import read_po

from rapport.services.jobs import queue as jobs
from rapport.services.segments import reuse
from rapport.web import i18n
from tests.web.segment_pages import world

DUTCH = {"accept-language": "nl-BE"}
ENGLISH = {"accept-language": "en"}


def text_of(answer) -> str:
    return html.unescape(re.sub(r"\s+", " ", answer.text))


def test_s7_the_criteria_pane_says_each_action_in_the_pages_language(browser_as, sessions):
    no = world(sessions, criteria="country in (BE, NL) and not mailing_group = NEWSLETTER")
    browser = browser_as("marketer")
    dutch = text_of(browser.get(f"/segments/{no}", headers=DUTCH))
    assert (
        "Contactpersonen toevoegen waarvan land/regio BE of NL is en "
        "die mailinggroep NEWSLETTER niet hebben" in dutch
    )
    english = text_of(browser.get(f"/segments/{no}", headers=ENGLISH))
    assert (
        "Add contacts whose country/region is one of BE or NL and "
        "that do not have mailing group NEWSLETTER" in english
    )


def test_x1_an_unknown_code_and_a_syntax_error_are_shown_in_dutch(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    form = {"csrf_token": browser.csrf, "action": "add"}
    unknown = browser.post(
        f"/segments/{no}/actions", data={**form, "criteria": "mailing_group = NEWS"}, headers=DUTCH
    )
    assert unknown.status_code == 422
    assert "onbekende mailinggroep 'NEWS' — bedoelt u 'NEWSLETTER'?" in text_of(unknown)
    early = browser.post(
        f"/segments/{no}/actions", data={**form, "criteria": "country ="}, headers=DUTCH
    )
    assert "regel 1, kolom 10: de criteria eindigen te vroeg; verwacht: " in text_of(early)
    assert "een waarde" in text_of(early)
    english = browser.post(
        f"/segments/{no}/actions", data={**form, "criteria": "country ="}, headers=ENGLISH
    )
    assert "line 1, col 10: the criteria end too early; expected " in text_of(english)


def test_x2_the_live_previews_error_is_in_dutch(browser_as, sessions):
    """X2: the preview shown while typing names an unknown code in the page's language."""
    no = world(sessions)
    browser = browser_as("marketer")
    query = {"criteria": "mailing_group = NEWS"}
    dutch = browser.get(f"/segments/{no}/preview", params=query, headers=DUTCH)
    assert "onbekende mailinggroep 'NEWS' — bedoelt u 'NEWSLETTER'?" in text_of(dutch)
    english = browser.get(f"/segments/{no}/preview", params=query, headers=ENGLISH)
    assert "'NEWSLETTER'?" in text_of(english)
    assert "onbekende" not in text_of(english)


def test_s8_s9_the_cards_refusals_and_bcs_question_are_in_dutch(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    undo = browser.post(f"/segments/{no}/undo", data={"csrf_token": browser.csrf}, headers=DUTCH)
    assert f"Segment {no} heeft geen criteriumactie om ongedaan te maken." in text_of(undo)
    reuse.save_criteria(
        sessions, world_segment(sessions), code="BE", description="Belgium", user="marketer1"
    )
    browser.post(
        f"/segments/{no}/actions",
        data={"csrf_token": browser.csrf, "action": "add", "criteria": "country = NL"},
    )
    asked = browser.post(
        f"/segments/{no}/reuse-criteria",
        data={"csrf_token": browser.csrf, "code": "BE"},
        headers=DUTCH,
    )
    assert (
        f"Segment {no} bevat al 1 criteriumacties. Weet u zeker dat u een opgeslagen "
        "segmentcriterium wilt hergebruiken?" in text_of(asked)
    )
    assert "confirm with yes" not in asked.text


def world_segment(sessions) -> str:
    """A second segment with one action, whose criteria are saved."""
    from rapport.services.segments import actions, header

    other = header.create_segment(sessions, description="Belgium", user="marketer1").no
    actions.add_contacts(sessions, other, criteria="country = BE", user="marketer1")
    return other


def test_l1_an_empty_segment_and_a_missing_one_are_refused_in_dutch(browser_as, sessions):
    no = world(sessions)
    browser = browser_as("marketer")
    missing = browser.get("/segments/SEG99999", headers=DUTCH)
    assert missing.status_code == 404
    assert ("De Segment bestaat niet. Identificatievelden en -waarden: Nr.='SEG99999'") in text_of(
        missing
    )
    tasks = browser.post(
        f"/segments/{no}/tasks",
        data={"csrf_token": browser.csrf, "description": "Call", "date": "2026-12-04"},
        headers=DUTCH,
    )
    assert f"U kunt geen taken maken voor een leeg segment ({no})." in text_of(tasks)


def test_every_dutch_translation_keeps_the_placeholders_of_its_message():
    """Each placeholder with its conversion and format (`{code!r}`, `{hours:g}`): a lost
    `!r` would say a value without its quotes."""
    with i18n.catalog_path("nl").open("rb") as handle:
        catalog = read_po(handle)
    formatter = string.Formatter()

    def names(text: str) -> set[tuple[str, str | None, str | None]]:
        return {
            (name, conversion, spec)
            for _, name, spec, conversion in formatter.parse(text)
            if name is not None
        }

    lost = [
        message.id
        for message in catalog
        if message.id and "{" in message.id and names(message.id) != names(message.string)
    ]
    assert lost == []


def test_s9_x1_reusing_criteria_whose_code_was_deleted_shows_the_warnings_on_the_card(
    browser_as, sessions
):
    """Issue 13: the card shows the replay warnings the CLI writes on stderr."""
    from sqlalchemy import delete

    from rapport.storage import tables as t

    no = world(sessions)
    other = world_segment(sessions)
    from rapport.services.segments import actions

    actions.add_contacts(sessions, other, criteria="mailing_group = NEWSLETTER", user="marketer1")
    reuse.save_criteria(sessions, other, code="NEWS", user="marketer1")
    reuse.save_criteria(sessions, world_segment(sessions), code="BE", user="marketer1")
    with sessions.begin() as session:
        session.execute(delete(t.ContactMailingGroup))
        session.execute(delete(t.MailingGroup).where(t.MailingGroup.code == "NEWSLETTER"))
    browser = browser_as("marketer")
    reused = browser.post(
        f"/segments/{no}/reuse-criteria", data={"csrf_token": browser.csrf, "code": "NEWS"}
    )
    assert reused.status_code == 200
    shown = text_of(reused)
    assert "The criteria have been reused." in shown
    warnings = re.search(
        r'<div class="warning" role="status" id="replay-warnings">.*?</div>', shown
    )
    assert warnings is not None
    assert "unknown mailing group 'NEWSLETTER'" in warnings.group(0)
    quiet = browser.post(
        f"/segments/{no}/reuse-criteria",
        data={"csrf_token": browser.csrf, "code": "BE", "yes": "yes"},
    )
    assert quiet.status_code == 303  # nothing to warn of: back to the card


def test_x9_a_role_is_named_in_the_pages_language_and_sent_as_its_code(browser_as, sessions):
    """The header names the user's role, and the users page its roles, in Dutch; the role
    a form sends stays the code the service reads."""
    admin = browser_as("admin")
    dutch = admin.get("/admin/users", headers=DUTCH).text
    assert re.search(r'<span class="who"[^>]*>[^<]* · beheerder</span>', dutch)
    assert "<td>marketeer</td>" in dutch
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', dutch)
    assert ("viewer", "lezer") in options
    assert ("admin", "beheerder") in options
    english = admin.get("/admin/users", headers=ENGLISH).text
    assert re.search(r'<span class="who"[^>]*>[^<]* · admin</span>', english)
    assert ("marketer", "marketer") in re.findall(
        r'<option value="(\w+)"[^>]*>([^<]+)</option>', english
    )


def test_x9_a_jobs_kind_and_state_are_named_in_the_pages_language(browser_as, sessions):
    """The jobs page and the start page name a job's kind and state in Dutch."""
    job = jobs.submit(sessions, kind="deliver", params={"logged_segment": 1}, by="marketer1")
    browser = browser_as("marketer")
    listed = browser.get("/jobs", headers=DUTCH).text
    assert "<td>verzending</td><td>in de wachtrij</td>" in listed
    start = browser.get("/", headers=DUTCH).text
    assert f'<a href="/jobs/{job}">verzending {job}</a>' in start
    assert "· in de wachtrij" in start
    english = browser.get("/jobs", headers=ENGLISH).text
    assert "<td>delivery</td><td>queued</td>" in english


def test_x9_an_error_page_of_the_framework_is_in_the_pages_language(browser_as, anonymous):
    """A path no page has, a method a page does not take, a form the framework refuses and
    too many failed sign-ins: the page says it in Dutch; the API keeps its own words."""
    browser = browser_as("marketer")
    missing = browser.get("/no-such-page", headers=DUTCH)
    assert missing.status_code == 404
    assert "Deze pagina bestaat niet." in text_of(missing)
    assert "Not Found" not in missing.text
    assert "There is no such page." in browser.get("/no-such-page", headers=ENGLISH).text
    wrong_method = browser.put("/segments", headers=DUTCH)
    assert wrong_method.status_code == 405
    assert "Deze pagina kan zo niet verzonden worden." in text_of(wrong_method)
    too_long = {"name": "x" * 51, "password": "wrong"}  # the form allows 50
    unreadable = anonymous.post("/login", data=too_long, headers=DUTCH)
    assert unreadable.status_code == 422
    assert "Het formulier is niet volledig of niet geldig." in text_of(unreadable)
    assert browser.get("/api/no-such-thing").json()["detail"] == "Not Found"
    body = {"name": "nobody", "password": "wrong"}
    answers = [anonymous.post("/login", data=body, headers=DUTCH) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [403] * 5 + [429]
    assert re.search(
        r"Te veel mislukte aanmeldingen; probeer over \d+ seconden opnieuw\.", text_of(answers[-1])
    )


def test_x9_a_refused_setup_form_says_why_in_dutch(browser_as, sessions):
    """A service's refusal beside the form, in the page's language: a domain rule's reason
    (a description longer than its column), a message holding a translated hint (an
    unknown code table and the one meant) and one naming a number series; in English the
    same pages say what the CLI says."""
    browser = browser_as("admin")
    token = {"csrf_token": browser.csrf}
    browser.post("/setup/codes/mailing_groups", data={**token, "code": "NEWS"})
    long = {**token, "description": "x" * 51}
    dutch = browser.post("/setup/codes/mailing_groups/NEWS", data=long, headers=DUTCH)
    assert dutch.status_code == 422
    assert f"{'x' * 20!r}… is langer dan 50 tekens" in text_of(dutch)
    english = browser.post("/setup/codes/mailing_groups/NEWS", data=long, headers=ENGLISH)
    assert f"{'x' * 20!r}… is longer than 50 characters" in text_of(english)
    table = browser.get("/setup/codes/mailing_grups", headers=DUTCH)
    assert table.status_code == 422
    assert "geen codetabel 'mailing_grups'; bedoelt u mailing_groups? (codetabellen: " in (
        text_of(table)
    )
    refused = browser.post(
        "/setup/number-series/SEG", data={**token, "last_no_used": "OPEN"}, headers=DUTCH
    )
    assert refused.status_code == 422
    assert "last_no_used 'OPEN' moet een getal bevatten om op te hogen" in text_of(refused)


# Business Central's sentence for country ZZ, which is not there, in English and in Dutch
MISSING_COUNTRY = "The Country/Region does not exist. Identification fields and values: Code='ZZ'"
MISSING_COUNTRY_NL = "De Land/regio bestaat niet. Identificatievelden en -waarden: Code='ZZ'"
BAD_ROWS = (
    b"no,type,name,country,email\n"
    b"C1,company,Alpha,,\n"
    b"C2,robot,Beta,,\n"
    b"C3,company,Gamma,ZZ,\n"
    b"C4,company,Delta,,ann at example.com\n"
)


def imported_in_the_background(browser, sessions, content: bytes, **form: str) -> str:
    """The job page of an upload of `content` into contacts, once its job has run."""
    from rapport.services.jobs.runners import runners
    from rapport.settings import Settings

    answer = browser.post(
        "/import",
        data={"csrf_token": browser.csrf, "table": "contacts", **form},
        files={"file": ("contacts.csv", content, "text/csv")},
    )
    assert answer.status_code == 303, answer.text
    assert jobs.run_next(sessions, runners(Settings())) is True
    return answer.headers["location"]


def bad_rows_of(answer) -> list[tuple[str, str, str]]:
    found = re.findall(
        r'<tr><td class="num">(\d+)</td><td>(\w*)</td><td>([^<]*)</td></tr>', answer.text
    )
    return [(line, column, html.unescape(reason)) for line, column, reason in found]


def test_k4_an_imports_bad_rows_are_given_their_reasons_in_dutch(browser_as, sessions):
    """K4, X9: the job page of a refused import gives each bad row's reason in the page's
    language (a cell that is no choice, a code that names no record with its field's
    caption, an address the e-mail rule refuses); the English page and the API's job keep
    the English reasons."""
    browser = browser_as("admin")
    job_path = imported_in_the_background(browser, sessions, BAD_ROWS)
    dutch = browser.get(job_path, headers=DUTCH)
    assert bad_rows_of(dutch) == [
        ("3", "type", "'robot' is niet een van company, person"),
        ("4", "country", MISSING_COUNTRY_NL),
        ("5", "email", "'ann at example.com' is geen geldig e-mailadres"),
    ]
    assert bad_rows_of(browser.get(job_path, headers=ENGLISH)) == [
        ("3", "type", "'robot' is not one of company, person"),
        ("4", "country", MISSING_COUNTRY),
        ("5", "email", "'ann at example.com' is not a valid e-mail address"),
    ]
    job = browser.get(f"/api{job_path}").json()
    assert [bad["reason"] for bad in job["result"]["bad_rows"]] == [
        "'robot' is not one of company, person",
        MISSING_COUNTRY,
        "'ann at example.com' is not a valid e-mail address",
    ]
    assert job["error"].splitlines()[1:] == [
        "line 3, column type: 'robot' is not one of company, person",
        f"line 4, column country: {MISSING_COUNTRY}",
        "line 5, column email: 'ann at example.com' is not a valid e-mail address",
    ]


def test_k4_the_bad_rows_an_import_skipped_are_listed_in_dutch(browser_as, sessions):
    """K4: an import that skips its bad rows lists them, with their reasons in Dutch."""
    browser = browser_as("admin")
    job_path = imported_in_the_background(browser, sessions, BAD_ROWS, skip_bad_rows="true")
    dutch = browser.get(job_path, headers=DUTCH)
    assert "<dt>Rijen toegevoegd</dt><dd>1</dd>" in dutch.text
    assert ("4", "country", MISSING_COUNTRY_NL) in bad_rows_of(dutch)


def test_k1_x9_a_refused_contact_card_and_user_form_say_why_in_dutch(browser_as, sessions):
    """The forms that show a refusal above their inputs (a contact's card, the users page)
    give the field the service names, then its message in the page's language; in English
    what the CLI says."""
    world(sessions)
    browser = browser_as("admin")
    bad = {"csrf_token": browser.csrf, "name": "Ann", "country": "ZZ"}
    dutch = browser.post("/contacts/P1", data=bad, headers=DUTCH)
    assert dutch.status_code == 422
    english = browser.post("/contacts/P1", data=bad, headers=ENGLISH)
    assert english.status_code == 422
    said, told = text_of(english), text_of(dutch)
    assert MISSING_COUNTRY in said
    assert MISSING_COUNTRY_NL in told
    assert MISSING_COUNTRY not in told
    user = {"csrf_token": browser.csrf, "name": "zed", "role": "boss", "password": "x" * 12}
    refused = browser.post("/admin/users", data=user, headers=DUTCH)
    assert refused.status_code == 422
    assert "role: 'boss' is geen rol (een van viewer, marketer, admin)" in text_of(refused)


def test_s1_x9_a_missing_number_series_is_said_in_dutch(browser_as, sessions):
    """A new segment when the marketing setup names no segment series (BC's TestField): the
    number series' own message, in the page's language; in English what the CLI says."""
    from rapport.storage import schema

    with sessions.begin() as session:
        session.execute(schema.marketing_setup.update().values(segment_nos=""))
    browser = browser_as("admin")
    form = {"csrf_token": browser.csrf, "description": "Spring"}
    dutch = browser.post("/segments", data=form, headers=DUTCH)
    assert dutch.status_code == 422
    assert "segment_nos moet een waarde hebben in Marketinginstellingen" in text_of(dutch)
    english = browser.post("/segments", data=form, headers=ENGLISH)
    assert "segment_nos must have a value in Marketing Setup" in text_of(english)
