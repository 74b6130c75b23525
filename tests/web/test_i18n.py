"""English and Dutch (issue 13 item 7): every string of the web UI (its templates, the texts
its Python modules mark with N_ and the criteria registry's labels the builder shows, all
read with babel.cfg as `make messages` reads them) has an entry in both catalogs, the Dutch
ones translated; the language follows the user's setting, else the browser's
Accept-Language, else English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from rapport.services.users import accounts
from rapport.web import captions, i18n, segment_lines, segments
from tests.api.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PINNED_DUTCH = {
    "User name": "Gebruikersnaam",
    "Password": "Wachtwoord",
    "Sign in": "Aanmelden",
    "Contacts": "Contacten",
    "Segments": "Segmenten",
    "Logged segments": "Geregistreerde segmenten",
    "Interactions": "Interacties",
    "Campaigns": "Campagnes",
    "Templates": "Sjablonen",
}


def template_strings() -> set[str]:
    """Every message `make messages` extracts (babel.cfg: templates, N_ texts, labels)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map)
    messages = set()
    for _filename, _line, message, _comments, _context in found:
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def catalog(language: str):
    with i18n.catalog_path(language).open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_template_string_is_in_the_catalog(language):
    # A plural message is known by its singular and translated when each of its forms is.
    entries = {
        message.id if isinstance(message.id, str) else message.id[0]: message.string
        if isinstance(message.string, str)
        else ("" if not all(message.string) else message.string[0])
        for message in catalog(language)
        if message.id
    }
    missing = sorted(template_strings() - entries.keys())
    assert missing == [], f"run `make messages` and translate: {missing}"
    if language == "nl":
        untranslated = sorted(k for k in template_strings() if not entries[k])
        assert untranslated == []


def test_the_pinned_controls_have_their_dutch_names():
    entries = {message.id: message.string for message in catalog("nl") if message.id}
    assert {key: entries.get(key) for key in PINNED_DUTCH} == PINNED_DUTCH


@pytest.mark.parametrize(
    ("setting", "header", "expected"),
    [
        (None, None, "en"),
        (None, "nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        (None, "fr-BE, en;q=0.5", "en"),
        (None, "de;q=0.9, nl;q=0.95", "nl"),
        ("NLB", "en-US", "nl"),
        ("ENU", "nl-BE", "en"),
        ("FRB", "nl", "nl"),
    ],
)
def test_the_language_is_the_users_then_the_browsers_then_english(setting, header, expected):
    assert i18n.negotiate(setting, header) == expected


def test_the_sign_in_page_speaks_dutch_to_a_dutch_browser(anonymous):
    html = anonymous.get("/login", headers={"accept-language": "nl-BE"}).text
    assert '<html lang="nl">' in html
    assert "Gebruikersnaam" in html
    assert "Wachtwoord" in html
    assert "Aanmelden" in html


def test_a_user_with_dutch_as_language_gets_dutch_pages(anonymous, sessions):
    sessions_ = sessions
    with sessions_.begin() as session:
        from rapport.storage.tables import Language

        session.add(Language(code="NLB", name="Dutch (Belgium)"))
    accounts.add_user(
        sessions_, "an", role="viewer", language_code="NLB", password=PASSWORD, by="tests"
    )
    anonymous.post("/login", data={"name": "an", "password": PASSWORD})
    html = anonymous.get("/", headers={"accept-language": "en"}).text
    assert "Segmenten" in html
    assert "Afmelden" in html


def python_labels() -> set[str]:
    """The texts the web's Python modules hand to a page to translate, read at run time."""
    tables = [segments.HEADER_FORM, segment_lines.LINE_FORM]
    labels = {label for table in tables for _field, label, _kind in table}
    labels |= {label for _field, label in segments.DIMENSIONS}
    labels |= set(segments.DONE_MESSAGES.values())
    labels |= set(captions.FIELD_CAPTIONS.values()) | set(captions.TABLE_CAPTIONS.values())
    labels |= {name for names in captions.VALUE_CAPTIONS.values() for name in names.values()}
    return labels | set(i18n.registry_labels())


def test_every_python_defined_label_is_extracted_and_translated_into_dutch():
    entries = {message.id: message.string for message in catalog("nl") if message.id}
    assert sorted(python_labels() - template_strings()) == []
    assert sorted(label for label in python_labels() if not entries.get(label)) == []


def test_the_criteria_builder_offers_its_fields_in_the_users_language(browser_as):
    browser = browser_as("viewer")
    dutch = browser.get("/criteria-builder/fields", headers={"accept-language": "nl-BE"}).json()
    english = browser.get("/criteria-builder/fields", headers={"accept-language": "en"}).json()
    labels = {item["name"]: item["label"] for item in dutch["fields"]}
    assert (labels["country"], labels["salesperson"]) == ("land/regio", "verkoper")
    relations = {item["name"]: item["label"] for item in dutch["relations"]}
    assert relations["mailing_group"] == "mailinggroep"
    assert {item["name"]: item["label"] for item in english["fields"]}[
        "country"
    ] == "country/region"


def test_a_question_of_the_card_is_asked_in_dutch(browser_as, sessions):
    from tests.web.segment_pages import world

    no = world(sessions, criteria="country = NL")
    browser = browser_as("marketer")
    asked = browser.post(
        f"/segments/{no}/header",
        data={"csrf_token": browser.csrf, "salesperson_code": "KIM"},
        headers={"accept-language": "nl-BE"},
    )
    assert "Wilt u de segmentregels bijwerken?" in asked.text
