"""The domain rules on a row, declared once (issue 11 item 4). The services check one row
with a rule's `check`; the import applies the same declaration to every row of a file,
set-based: the rules on one cell (`CellRule`) in the vectorised pass that converts each
chunk of a column (services/transfer/_values.py), the others as one query each over the
staging table, rendered from the rule (services/transfer/_checks.py, `RENDERINGS`). A test
walks `RULES` and proves that both paths refuse what each rule forbids.

    MaxLength        a text or code field holds at most its column's length (every table)
    DateForm         a date is written YYYY-MM-DD, as Business Central exports it (every table)
    EmailAddresses   an e-mail field holds addresses (`a@b.c`, several separated by `;`)
    DateOrder        a starting date may not be after the ending date (C1: campaigns)
    CompanyOfPerson  a person's company is a company contact, not a person (K1: contacts)
    OwnCompany       a company's company no. is its own no. (K1: contacts)
    CodeExists       a code names a record of its code table (country, salesperson, …)
    VariantLanguage  a template's default language is one of its language variants (L1)
    AnswerLine       a contact's profile answer is an answer line, not a question (K2)
    QuestionnaireFor a questionnaire for companies (persons) takes their answers only (K2)
    OneAnswer        a question without multiple answers keeps one answer per contact (K2)
                     (the three on profile answers are declared in profile_rules.py)
    NotBlank         a field that must name something (an opt-out's correspondence type)
    NumberRange      a number within BC's MinValue and MaxValue: costs, durations, duplicate
                     search weights zero or more, its minimum score 1 to 100 (number_rules.py)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapport.domain.number_rules import NUMBERS
from rapport.domain.number_rules import NumberRange as NumberRange
from rapport.domain.profile_rules import AnswerLine as AnswerLine
from rapport.domain.profile_rules import OneAnswer as OneAnswer
from rapport.domain.profile_rules import QuestionnaireFor as QuestionnaireFor
from rapport.errors import CODE_FIELD, N_, NO_FIELD, Invalid, NotFound, Text, missing_record

EVERY_TABLE = ""  # the `table` of a rule that holds on the fields of every table
# Text holds no NUL character (SPEC §10): PostgreSQL cannot store it in a text column, and
# SQLite would keep a string most tools cut short
NUL = "\x00"
NUL_MESSAGE = N_("must not contain the NUL character (U+0000)")
# A JSON `\\ud800` escape without its pair: no character, so no UTF-8 for it.
SURROGATE_MESSAGE = N_("must be text: a lone surrogate (such as \\ud800) is no character")
_PLAIN = r"(?:[^\s@;]+@[^\s@;]+)?"  # blank, or one address without spaces
_PLAIN_ADDRESSES = re.compile(f"{_PLAIN}(?:\n{_PLAIN})*")
# The same of one ASCII value, for RE2 (Arrow's expressions), whose `\s` leaves out \v and
# \x1c-\x1f where Python's takes them
_ASCII_SPACE = r"\t\n\x0b\x0c\r \x1c-\x1f"
PLAIN_ASCII_ADDRESS = f"^(?:[^{_ASCII_SPACE}@;]+@[^{_ASCII_SPACE}@;]+)?$"


@dataclass(frozen=True)
class MaxLength:
    """A text or code field holds at most as many characters as its column (BC's Text[n]
    and Code[n]); the length is the column's, declared once in the schema."""

    table: str = EVERY_TABLE
    field: str = ""

    def broken(self, value: str, length: int | None) -> bool:
        return length is not None and len(value) > length

    def message(self, value: str, length: int) -> Text:
        if len(value) <= 40:
            return N_("{value!r} is longer than {length} characters", value=value, length=length)
        return N_("{start!r}… is longer than {length} characters", start=value[:20], length=length)

    def check(self, field: str, value: str, length: int | None) -> None:
        if length is not None and self.broken(value, length):
            raise Invalid(self.message(value, length), field=field)


@dataclass(frozen=True)
class DateForm:
    """A date field holds a date written `YYYY-MM-DD` (blank: no date), the one form every
    edge and every file takes (Python alone would also take `20260301`)."""

    table: str = EVERY_TABLE
    field: str = ""

    def parse(self, text: str) -> dt.date:
        """The date `text` writes; ValueError when it is not one in this form."""
        date = dt.date.fromisoformat(text)
        if date.isoformat() != text:
            raise ValueError(text)
        return date

    def message(self, value: str) -> Text:
        return N_("{value!r} is not a date (YYYY-MM-DD)", value=value)

    def check(self, field: str, value: str) -> dt.date | None:
        """The date of `value` (None when blank); Invalid naming `field` otherwise."""
        text = value.strip()
        if not text:
            return None
        try:
            return self.parse(text)
        except ValueError as exc:
            raise Invalid(self.message(value), where=field) from exc


@dataclass(frozen=True)
class EmailAddresses:
    """In `table`, `field` is blank or e-mail addresses separated by `;`: each one a local
    part, one `@` and a domain, without spaces."""

    table: str
    field: str

    def bad_address(self, value: str) -> str | None:
        """The first address of `value` that is not one, if any."""
        for address in filter(None, (part.strip() for part in value.split(";"))):
            local, at, domain = address.partition("@")
            if not (local and at and domain) or "@" in domain or any(map(str.isspace, address)):
                return address
        return None

    def broken(self, value: str) -> bool:
        return self.bad_address(value) is not None

    def any_broken(self, values: Sequence[str]) -> bool:
        """Whether any of `values` breaks the rule: one regular-expression pass over the
        joined values when each is blank or one plain address (and none holds a line
        break, which would read as two values), else value by value."""
        joined = "\n".join(values)
        if joined.count("\n") == len(values) - 1 and _PLAIN_ADDRESSES.fullmatch(joined):
            return False
        return any(map(self.broken, values))

    def message(self, value: str) -> Text:
        address = self.bad_address(value) or value
        return N_("{address!r} is not a valid e-mail address", address=address)

    def check(self, value: str) -> None:
        if self.bad_address(value) is not None:
            raise Invalid(self.message(value), field=self.field)


@dataclass(frozen=True)
class DateOrder:
    """In `table`, the date `start` may not be after the date `end` (either may be blank)."""

    table: str
    start: str
    end: str
    start_label: str  # captions, said in the reader's language (marked N_ where declared)
    end_label: str

    @property
    def field(self) -> str:
        return self.start

    def broken(self, start: dt.date | None, end: dt.date | None) -> bool:
        return start is not None and end is not None and start > end

    def message(self, start: Any, end: Any) -> Text:
        return N_(
            "{start_label} {start} must not be after {end_label} {end}.",
            start_label=Text(self.start_label),
            start=start.isoformat() if isinstance(start, dt.date) else str(start),
            end_label=Text(self.end_label),
            end=end.isoformat() if isinstance(end, dt.date) else str(end),
        )

    def check(self, row: Mapping[str, Any]) -> None:
        """Invalid, naming the starting date, when `row` breaks the rule."""
        start, end = row.get(self.start), row.get(self.end)
        if self.broken(start, end):
            raise Invalid(self.message(start, end), where=self.start)


@dataclass(frozen=True)
class CompanyOfPerson:
    """In `table`, the contact no. in `field` (a person's company) names a company contact:
    neither a person nor the contact itself (BC: Company No. relates to a company)."""

    table: str
    field: str

    def broken(self, company_type: str) -> bool:
        return company_type != "company"

    def message(self, no: str) -> Text:
        return N_("contact {no} is not a company", no=no)

    def check(self, no: str, company_type: str) -> None:
        """Invalid, naming the field, when the contact `no` of type `company_type` (its own
        type when it is the contact itself: a person) is not a company."""
        if self.broken(company_type):
            raise Invalid(self.message(no), field=self.field)


@dataclass(frozen=True)
class OwnCompany:
    """In `table`, a company's `field` (its company no.) is blank or its own no. `key`
    (reference §1.10: a company is its own company)."""

    table: str
    field: str
    key: str

    def broken(self, contact_type: str, company_no: str, no: str) -> bool:
        return contact_type == "company" and company_no not in ("", no)

    def message(self) -> Text:
        return N_("a company's company no. is its own no.")

    def check(self, contact_type: str, company_no: str, no: str) -> None:
        if self.broken(contact_type, company_no, no):
            raise Invalid(self.message(), field=self.field)


@dataclass(frozen=True)
class CodeExists:
    """In `table`, a non-blank `field` names a record of `target` by its `target_field`
    (BC's table relation), called `caption` in messages."""

    table: str
    field: str
    target: str
    caption: str  # said in the reader's language (marked N_ where declared)
    target_field: str = "code"

    def message(self, code: Any) -> Text:
        """Business Central's sentence for the missing record (`missing_record`), its key
        the target's code or no."""
        key = NO_FIELD if self.target_field == "no" else CODE_FIELD
        return missing_record(Text(self.caption), (key, code))

    def check(self, code: str, *, exists: bool) -> None:
        """NotFound when the non-blank `code` is not a record of the target (`exists`),
        naming the field that gave it: the input is at fault, not the record the caller
        acts on (the API's 422, not its 404)."""
        if code and not exists:
            raise NotFound(self.message(code), field=self.field)


@dataclass(frozen=True)
class VariantLanguage:
    """In `table`, the default language `field` of the template `key` is blank or the
    language of one of its variants: a row of `variants` whose `variant_key` is the template
    and whose `variant_language` is that language (BC 5064: Language Code (Default) relates
    to the template's Interaction Tmpl. Languages, each of a language that exists)."""

    table: str
    field: str
    key: str
    variants: str
    variant_key: str = "interaction_template_code"
    variant_language: str = "language_code"

    def message(self, template: str, language: str) -> Text:
        return N_(
            "template {template} has no {language} variant (attach a {language} variant to it "
            "first)",
            template=template,
            language=language,
        )

    def check(self, template: str, language: str, *, has_variant: bool) -> None:
        if language and not has_variant:
            raise Invalid(self.message(template, language), where=self.field)


@dataclass(frozen=True)
class NotBlank:
    """In `table`, `field` may not be blank; `what` says what it must give."""

    table: str
    field: str
    what: str  # said in the reader's language (marked N_ where declared)

    def message(self) -> Text:
        return N_("give {what}", what=Text(self.what))

    def check(self, value: str, *, field: str) -> None:
        if not value:
            raise Invalid(self.message(), where=field)


TEXT_LENGTH = MaxLength()
DATE_FORM = DateForm()
CONTACT_EMAIL = EmailAddresses("contacts", "email")
# A caption in a declaration is marked for translation (`N_`) and kept as its English text;
# a rule's message says it in the reader's language.
CAMPAIGN_DATES = DateOrder(
    "campaigns",
    "starting_date",
    "ending_date",
    N_("Starting Date").template,
    N_("Ending Date").template,
)
PERSON_COMPANY = CompanyOfPerson("contacts", "company_no")
COMPANY_OWN_NO = OwnCompany("contacts", "company_no", "no")
TEMPLATE_LANGUAGE = VariantLanguage(
    "interaction_templates", "language_code_default", "code", "interaction_template_languages"
)
PROFILE_ANSWER = AnswerLine(
    "contact_profile_answers",
    "line_no",
    "profile_questionnaire_code",
    "profile_questionnaire_lines",
)
CONTACT_CODES = tuple(
    CodeExists("contacts", field, target, caption)
    for field, target, caption in (
        ("country", "countries", N_("Country/Region").template),
        ("territory", "territories", N_("Territory").template),
        ("salesperson", "salespeople", N_("Salesperson/Purchaser").template),
        ("language", "languages", N_("Language").template),
        ("organizational_level", "organizational_levels", N_("Organizational Level").template),
        ("salutation", "salutations", N_("Salutation").template),
    )
)
CAMPAIGN_CODES = (
    CodeExists("campaigns", "status_code", "campaign_statuses", N_("Campaign Status").template),
    CodeExists("campaigns", "salesperson_code", "salespeople", N_("Salesperson").template),
)
TEMPLATE_CODES = (
    CodeExists(
        "interaction_templates", "language_code_default", "languages", N_("Language").template
    ),
    CodeExists("interaction_templates", "campaign_no", "campaigns", N_("Campaign").template, "no"),
)
PROFILE_FOR = QuestionnaireFor(
    "contact_profile_answers", "contact_no", "profile_questionnaire_code", "profile_questionnaires"
)
ONE_ANSWER = OneAnswer(
    "contact_profile_answers",
    "line_no",
    "profile_questionnaire_code",
    "contact_no",
    "profile_questionnaire_lines",
)
OPT_OUT_TYPE = NotBlank(
    "contact_opt_outs",
    "correspondence_type",
    N_("a correspondence type: email or hard_copy").template,
)
# (The codes of the rows that only the import writes, an alternative address's country and
# an imported log entry's, are references of the import's table specs alone.)
CODES: tuple[CodeExists, ...] = (*CONTACT_CODES, *CAMPAIGN_CODES, *TEMPLATE_CODES)

Rule = (
    MaxLength
    | DateForm
    | EmailAddresses
    | DateOrder
    | CompanyOfPerson
    | OwnCompany
    | CodeExists
    | VariantLanguage
    | AnswerLine
    | QuestionnaireFor
    | OneAnswer
    | NotBlank
    | NumberRange
)
CellRule = MaxLength | DateForm | EmailAddresses  # a rule on one cell, whatever the rest of its row
RULES: tuple[Rule, ...] = (
    TEXT_LENGTH,
    DATE_FORM,
    CONTACT_EMAIL,
    CAMPAIGN_DATES,
    PERSON_COMPANY,
    COMPANY_OWN_NO,
    *CODES,
    TEMPLATE_LANGUAGE,
    PROFILE_ANSWER,
    PROFILE_FOR,
    ONE_ANSWER,
    OPT_OUT_TYPE,
    *NUMBERS,
)


def rules_of(table: str) -> tuple[Rule, ...]:
    """The rules on the rows of `table` (those of every table included)."""
    return tuple(rule for rule in RULES if rule.table in (table, EVERY_TABLE))


def codes_of(table: str) -> tuple[CodeExists, ...]:
    """The codes of `table`'s rows that must name a record of their code table."""
    return tuple(rule for rule in CODES if rule.table == table)


def email_rule(table: str, field: str) -> EmailAddresses | None:
    """The e-mail rule on `field` of `table`, if it holds addresses."""
    return next(
        (
            r
            for r in RULES
            if isinstance(r, EmailAddresses) and (r.table, r.field) == (table, field)
        ),
        None,
    )
