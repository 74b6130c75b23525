"""Lookups on the pages (SPEC §8; Business Central's lookup on every field related to a
table): an input that holds a code names a <datalist> of the codes it may take, each with
its name, wherever the field appears (a segment's header, its outputs and the new-segment
form, the marketing setup, a contact's card); each list is written once per page, its text
escaped, and read only by a page that names it."""

from __future__ import annotations

import re

from sqlalchemy import insert

from rapport.services.campaigns import cards as campaigns
from rapport.services.setup import codes, lookups
from rapport.storage import tables as t
from tests.factories import statements
from tests.web.segment_pages import world


def inputs_with_lists(html: str) -> dict[str, str]:
    """Each input's name and the id of the list it names."""
    return dict(re.findall(r'<input [^>]*name="([^"]+)"[^>]*\blist="([^"]+)"', html))


def datalist(html: str, id_: str) -> list[tuple[str, str]]:
    """The (value, label) options of the page's one datalist `id_`."""
    lists = re.findall(rf'<datalist id="{id_}">(.*?)</datalist>', html, re.S)
    assert len(lists) == 1, f"{id_} written {len(lists)} times"
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', lists[0])


def named_codes(sessions, table: str) -> list[tuple[str, str]]:
    rows = codes.get_all(sessions, table).rows
    return [(row["code"], row.get("name") or row.get("description") or "") for row in rows]


def test_x9_the_segment_card_suggests_the_codes_of_its_header_and_outputs(browser_as, sessions):
    no = world(sessions)
    html = browser_as("marketer").get(f"/segments/{no}").text
    assert inputs_with_lists(html) == {
        "salesperson_code": "lookup-salespeople",
        "campaign_no": "lookup-campaigns",
        "interaction_template_code": "lookup-interaction_templates",
        "language_code_default": "lookup-languages",
        "code": "lookup-saved_criteria",
        "mailing_group": "lookup-mailing_groups",
        "sales_cycle_code": "lookup-sales_cycles",
    }
    # The header's salesperson and the tasks' salesperson share one list.
    assert html.count('list="lookup-salespeople"') == 2
    assert datalist(html, "lookup-salespeople") == [("JO", "Jo Smith"), ("KIM", "Kim Lee")]
    assert datalist(html, "lookup-languages") == named_codes(sessions, "languages")
    assert datalist(html, "lookup-mailing_groups") == named_codes(sessions, "mailing_groups")


def test_x9_the_new_segment_form_suggests_campaigns_by_description_escaped(browser_as, sessions):
    world(sessions)
    campaigns.create_campaign(sessions, description='Fair <b>"Spring"</b> & more', no="CP1")
    html = browser_as("marketer").get("/segments").text
    assert inputs_with_lists(html) == {
        "salesperson_code": "lookup-salespeople",
        "campaign_no": "lookup-campaigns",
        "interaction_template_code": "lookup-interaction_templates",
    }
    assert datalist(html, "lookup-campaigns") == [
        ("CP1", "Fair &lt;b&gt;&#34;Spring&#34;&lt;/b&gt; &amp; more")
    ]
    assert "<b>" not in html.split("lookup-campaigns", 2)[2]


def test_x9_the_marketing_setup_and_a_contact_card_suggest_their_codes(browser_as, sessions):
    world(sessions)
    admin = browser_as("admin")
    setup = admin.get("/setup").text
    named = inputs_with_lists(setup)
    assert named["default_salesperson_code"] == "lookup-salespeople"
    assert named["default_language_code"] == "lookup-languages"
    assert named["default_salutation_code"] == "lookup-salutations"
    assert named["default_sales_cycle_code"] == "lookup-sales_cycles"
    assert named["questionnaire"] == "lookup-questionnaires"
    assert datalist(setup, "lookup-salespeople") == [("JO", "Jo Smith"), ("KIM", "Kim Lee")]
    card = admin.get("/contacts/P1").text
    named = inputs_with_lists(card)
    assert named["salesperson"] == "lookup-salespeople"
    assert named["language"] == "lookup-languages"
    assert named["country"] == "lookup-countries"
    assert datalist(card, "lookup-countries") == named_codes(sessions, "countries")


def test_x9_a_page_without_a_code_input_reads_no_lookup(browser_as, sessions):
    """A viewer's card has no form: no list is named, and no code table is read for one
    (a marketer's card reads the salespeople's list once)."""
    no = world(sessions)

    def salespeople_read(role: str) -> tuple[str, int]:
        client = browser_as(role)
        with statements(sessions) as seen:
            html = client.get(f"/segments/{no}").text
        reads = [sql for sql, _ in seen if re.search(r"FROM salespeople ORDER BY", sql)]
        return html, len(reads)

    html, reads = salespeople_read("marketer")
    assert (html.count("<datalist"), reads) == (7, 1)
    html, reads = salespeople_read("viewer")
    assert (html.count("<datalist"), reads) == (0, 0)


def test_x9_a_lookup_holds_at_most_its_limit_of_codes_the_first_by_code(sessions):
    rows = [{"code": f"G{n:04d}", "description": f"group {n}"} for n in range(lookups.MOST + 5)]
    with sessions.begin() as session:
        session.execute(insert(t.MailingGroup), rows)
    found = lookups.options(sessions, ["mailing_groups"])["mailing_groups"]
    assert len(found) == lookups.MOST
    assert found[0] == ("G0000", "group 0")
    assert found[-1][0] == f"G{lookups.MOST - 1:04d}"


def test_every_field_lookup_is_a_lookup():
    assert set(lookups.FIELD_LOOKUPS.values()) <= set(lookups.LOOKUPS)
    assert lookups.lookup_of("description") is None
