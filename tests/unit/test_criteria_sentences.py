"""S7, X1: a criteria action said as one whole sentence, correct in English and in Dutch for
every shape the renderer says: a relation's code, a relation with or without rows, a
relation's rows matching a condition, the company's relations, field comparisons, yes/no
fields, `and`/`or`/`not` combinations, segment memberships and the criteria of an empty
definition (`no is empty`). Each shape is one translatable template, so Dutch puts its verb
last ("die mailinggroep EVENTS hebben", "waarvan het bedrijf bedrijfsrelatie CUST heeft")
instead of following the English order."""

from __future__ import annotations

import pytest

from rapport.criteria import describe, parse
from rapport.criteria.operators import OPERATORS, ValueType
from rapport.criteria.render import describe_which
from rapport.criteria.tree import Compare, InList, IsEmpty, Matches, Not
from rapport.services.segments.history import CriteriaLineRead, sentence
from rapport.web import i18n

FLAGS = (
    "allow_existing_contacts",
    "expand_contact",
    "allow_company_with_persons",
    "ignore_exclusion",
    "entire_companies",
    "manual",
)


def action(verb: str, criteria: str, *flags: str) -> CriteriaLineRead:
    """A criteria action as the segment's history reads it."""
    return CriteriaLineRead(
        action_no=1,
        action=verb,
        criteria=criteria,
        description="",
        no_of_lines_added=0,
        no_of_lines_removed=0,
        user_id="U",
        created_at=None,
        **{flag: flag in flags for flag in FLAGS},
    )


# (verb, criteria, English sentence, Dutch sentence)
ACTIONS = [
    (
        "reduce",
        "type = company",
        "Remove contacts whose type is company",
        "Contactpersonen verwijderen waarvan type bedrijf is",
    ),
    (
        "add",
        "interaction(evaluation in (very_positive, positive))",
        "Add contacts that have at least one interaction where evaluation is one of very "
        "positive or positive",
        "Contactpersonen toevoegen die minstens één interactie hebben waarvoor geldt: "
        "evaluatie is zeer positief of positief",
    ),
    (
        "add",
        "mailing_group = EVENTS",
        "Add contacts that have mailing group EVENTS",
        "Contactpersonen toevoegen die mailinggroep EVENTS hebben",
    ),
    (
        "reduce",
        "mailing_group in (NO_MAIL, NEWS)",
        "Remove contacts that have mailing group NO_MAIL or NEWS",
        "Contactpersonen verwijderen die mailinggroep NO_MAIL of NEWS hebben",
    ),
    (
        "add",
        "not mailing_group = NO_MAIL",
        "Add contacts that do not have mailing group NO_MAIL",
        "Contactpersonen toevoegen die mailinggroep NO_MAIL niet hebben",
    ),
    (
        "add",
        "mailing_group()",
        "Add contacts that have at least one mailing group",
        "Contactpersonen toevoegen die minstens één mailinggroep hebben",
    ),
    (
        "refine",
        "not interaction",
        "Keep only contacts that have no interaction",
        "Alleen contactpersonen behouden die geen interactie hebben",
    ),
    (
        "add",
        "interaction(date > 2024-01-01 and not canceled)",
        "Add contacts that have at least one interaction where date is after 2024-01-01 "
        "and not canceled",
        "Contactpersonen toevoegen die minstens één interactie hebben waarvoor geldt: "
        "datum is na 2024-01-01 en niet geannuleerd",
    ),
    (
        "reduce",
        "not interaction(date >= today - 90d)",
        "Remove contacts that have no interaction where date is on or after today - 90d",
        "Contactpersonen verwijderen die geen interactie hebben waarvoor geldt: "
        "datum is op of na today - 90d",
    ),
    (
        "reduce",
        "business_relation = CUST",
        "Remove contacts whose company has business relation CUST",
        "Contactpersonen verwijderen waarvan het bedrijf bedrijfsrelatie CUST heeft",
    ),
    (
        "add",
        "business_relation = CUST and industry_group in (RETAIL, WHOLESALE, FOOD)",
        "Add contacts whose company has business relation CUST and whose company has "
        "industry group RETAIL, WHOLESALE or FOOD",
        "Contactpersonen toevoegen waarvan het bedrijf bedrijfsrelatie CUST heeft en waarvan "
        "het bedrijf branche RETAIL, WHOLESALE of FOOD heeft",
    ),
    (
        "add",
        "not industry_group = RETAIL",
        "Add contacts whose company does not have industry group RETAIL",
        "Contactpersonen toevoegen waarvan het bedrijf branche RETAIL niet heeft",
    ),
    (
        "refine",
        "not industry_group",
        "Keep only contacts whose company has no industry group",
        "Alleen contactpersonen behouden waarvan het bedrijf geen branche heeft",
    ),
    (
        "refine",
        "country in (BE, NL, LU)",
        "Keep only contacts whose country/region is one of BE, NL or LU",
        "Alleen contactpersonen behouden waarvan land/regio BE, NL of LU is",
    ),
    (
        "add",
        "country = BE and not excluded and mailing_group = EVENTS",
        "Add contacts whose country/region is BE and that are not excluded from segments "
        "and that have mailing group EVENTS",
        "Contactpersonen toevoegen waarvan land/regio BE is en die niet uitgesloten van "
        "segmenten zijn en die mailinggroep EVENTS hebben",
    ),
    (
        "add",
        "created >= today - 30d or privacy_blocked",
        "Add contacts whose creation date is on or after today - 30d or that are privacy blocked",
        "Contactpersonen toevoegen waarvan aanmaakdatum op of na today - 30d is of die "
        "geblokkeerd voor privacy zijn",
    ),
    (
        "reduce",
        "not (country = BE or city = Gent)",
        "Remove contacts whose country/region is not BE and whose city is not Gent",
        "Contactpersonen verwijderen waarvan land/regio niet BE is en waarvan plaats niet Gent is",
    ),
    (
        "add",
        "country = NL or city = Gent and mailing_group = EVENTS",
        "Add contacts whose country/region is NL or (whose city is Gent and that have "
        "mailing group EVENTS)",
        "Contactpersonen toevoegen waarvan land/regio NL is of (waarvan plaats Gent is en die "
        "mailinggroep EVENTS hebben)",
    ),
    (
        "add",
        "not created < 2024-01-01 and city != Gent",
        "Add contacts (whose creation date is on or after 2024-01-01 or whose creation date "
        "is empty) and whose city is not Gent",
        "Contactpersonen toevoegen (waarvan aanmaakdatum op of na 2024-01-01 is of waarvan "
        "aanmaakdatum leeg is) en waarvan plaats niet Gent is",
    ),
    (
        "refine",
        "not name matches 'A*' and email is not empty",
        "Keep only contacts whose name does not match the filter 'A*' and whose e-mail is "
        "not empty",
        "Alleen contactpersonen behouden waarvan naam niet aan het filter 'A*' voldoet en "
        "waarvan e-mail niet leeg is",
    ),
    (
        "add",
        "segment(SEG1) or logged_segment(3)",
        "Add contacts that are on segment SEG1 or that received logged segment 3",
        "Contactpersonen toevoegen die op segment SEG1 staan of die geregistreerd segment 3 "
        "ontvingen",
    ),
    (
        "reduce",
        "not segment(SEG1) and not logged_segment(3)",
        "Remove contacts that are not on segment SEG1 and that did not receive logged segment 3",
        "Contactpersonen verwijderen die niet op segment SEG1 staan en die geregistreerd "
        "segment 3 niet ontvingen",
    ),
    (
        "refresh",
        "no is empty",
        "Refresh to contacts whose contact no. is empty",
        "Vernieuwen tot contactpersonen waarvan contactnr. leeg is",
    ),
]


@pytest.mark.parametrize(("verb", "criteria", "english", "dutch"), ACTIONS)
def test_s7_x1_an_action_is_one_correct_english_sentence(verb, criteria, english, dutch):
    del dutch
    assert sentence(action(verb, criteria)) == english


@pytest.mark.parametrize(("verb", "criteria", "english", "dutch"), ACTIONS)
def test_s7_x1_an_action_is_one_correct_dutch_sentence(verb, criteria, english, dutch):
    """Needs the Dutch of the sentences' templates in the nl_BE catalog."""
    del english
    assert sentence(action(verb, criteria), translate=i18n.translations("nl").gettext) == dutch


def test_s7_the_options_follow_the_sentence_in_parentheses():
    line = action("add", "industry_group = RETAIL", "expand_contact", "manual")
    assert sentence(line) == (
        "Add contacts whose company has industry group RETAIL "
        "(expanding to whole companies, by hand)"
    )


def example(op_text: str, kind: ValueType) -> Compare | InList | IsEmpty | Matches:
    """A condition with the operator `op_text` on a contact field of type `kind`."""
    field = {ValueType.CODE: "country", ValueType.TEXT: "name", ValueType.DATE: "created"}[kind]
    value, other = ("2024-01-01", "2024-02-01") if kind is ValueType.DATE else ("BE", "NL")
    if op_text in ("in", "not in"):
        return parse(f"{field} {op_text} ({value}, {other})")  # type: ignore[return-value]
    if op_text == "matches":
        return Matches(field, "A*")
    if "empty" in op_text:
        return parse(f"{field} {op_text}")  # type: ignore[return-value]
    return parse(f"{field} {op_text} {value}")  # type: ignore[return-value]


KINDS = (ValueType.CODE, ValueType.TEXT, ValueType.DATE)


@pytest.mark.parametrize(
    ("op", "kind"),
    [(op, kind) for op in OPERATORS for kind in KINDS if kind in op.types],
    ids=lambda item: getattr(item, "text", str(item)),
)
def test_x1_every_operator_and_its_negative_say_which_contacts(op, kind):
    """Each operator's statement, and the one its `not` is said by, has its relative clause:
    "whose" and the statement in English (a date's `not <` adds "or … is empty"), for each
    kind of value the operator takes."""
    for expr in (example(op.text, kind), Not(example(op.text, kind))):
        said = describe(expr)
        head = said.removesuffix(" or creation date is empty")
        empty = " or whose creation date is empty" if head != said else ""
        assert describe_which(expr) == f"whose {head}{empty}"
