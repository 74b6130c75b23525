"""The error tree (STYLE.md "Errors"): each class's fields, pinned, so every edge can render
them (the CLI as one line naming its own flag, the API as an RFC 9457 problem)."""

from __future__ import annotations

import json

import pytest

from rapport.errors import (
    CODE_FIELD,
    ENTRY_NO_FIELD,
    N_,
    NO_FIELD,
    Conflict,
    DeliveryFailed,
    Forbidden,
    Invalid,
    NotFound,
    RapportError,
    Text,
    does_not_exist,
    joined,
    missing_record,
    said,
    text_data,
    text_from,
    text_of,
)


@pytest.mark.parametrize("kind", [RapportError, Conflict, Forbidden])
def test_a_plain_error_carries_its_message_only(kind):
    error = kind("Segment SEG00009 is empty.")
    assert isinstance(error, RapportError)
    assert vars(error) == {
        "message": "Segment SEG00009 is empty.",
        "texts": (Text("Segment SEG00009 is empty."),),
        "joined": "; ",
    }
    assert str(error) == "Segment SEG00009 is empty."


def test_not_found_names_the_input_that_named_the_record_apart_from_its_message():
    """A record that is not there: `field` None when it is the one the caller acts on (the
    address's), else the input that named it (a body field, a parameter)."""
    message = "The Segment does not exist. Identification fields and values: No.='SEG00009'"
    own = NotFound(message)
    assert vars(own) == {
        "message": message,
        "texts": (Text(message),),
        "joined": "; ",
        "field": None,
    }
    named = does_not_exist(N_("Contact"), (NO_FIELD, "P9"), field="contact_no")
    assert (named.field, named.message) == (
        "contact_no",
        "The Contact does not exist. Identification fields and values: No.='P9'",
    )
    assert str(named) == named.message


def test_invalid_keeps_its_message_apart_from_the_field_and_position():
    error = Invalid("there is no action 7 to go back to", field="to_action")
    assert (error.message, error.field, error.position) == (
        "there is no action 7 to go back to",
        "to_action",
        None,
    )
    assert str(error) == "to_action: there is no action 7 to go back to"


def test_x1_invalid_criteria_carry_their_position():
    error = Invalid("expected a value", position=(1, 11))
    assert (error.message, error.field, error.position) == ("expected a value", None, (1, 11))
    assert str(error) == "line 1, col 11: expected a value"  # logs and tracebacks join them


def test_l3_a_failed_delivery_names_the_logged_segment_and_its_cause():
    cause = Invalid("delivery by e-mail needs a sender address: set RAPPORT_MAIL_FROM")
    error = DeliveryFailed(4, cause)
    assert (error.entry_no, error.cause) == (4, cause)
    assert error.message == (
        "Logged Segment 4 has been logged, but its delivery failed: delivery by e-mail needs "
        "a sender address: set RAPPORT_MAIL_FROM"
    )


def test_no_error_speaks_of_a_command_line_flag():
    """An error below the edge names the service's field, never `--db`, `--to` or `TABLE`."""
    from rapport.services.transfer.tables import get
    from rapport.storage.db import make_engine

    with pytest.raises(Invalid) as table:
        get("nope")
    with pytest.raises(Invalid) as url:
        make_engine("oracle://nowhere")
    assert (table.value.field, url.value.field) == ("table", "database_url")
    assert "TABLE" not in table.value.message
    assert "--db" not in url.value.message


def test_the_cli_line_names_its_own_flag_the_position_and_how_to_resend():
    """Each error is rendered once by the CLI: the field as the command line's flag."""
    from rapport.cli.main import error_line

    assert error_line(Invalid("no action 5", field="to_action")) == "--to: no action 5"
    assert error_line(Invalid("bad", field="database_url")) == "--db: bad"
    assert error_line(Invalid("the file is empty", field="body.html")) == (
        "body.html: the file is empty"
    )
    assert error_line(Invalid("expected a value", position=(2, 7))) == (
        "line 2, col 7: expected a value"
    )
    assert error_line(Invalid("unexpected ')'", field="criteria", position=(1, 13))) == (
        "--where: line 1, col 13: unexpected ')'"
    )
    segment = does_not_exist(N_("Segment"), (NO_FIELD, "SEG9"))
    assert error_line(segment) == (
        "The Segment does not exist. Identification fields and values: No.='SEG9'"
    )
    # a record named by an argument the user typed is put after it; BC's sentence names a
    # record by its table and key, so a service field the command line shows nowhere is not
    assert error_line(does_not_exist(N_("Contact"), (NO_FIELD, "CT9"), field="other_no")) == (
        "OTHER: The Contact does not exist. Identification fields and values: No.='CT9'"
    )
    logged = does_not_exist(N_("Logged Segment"), (ENTRY_NO_FIELD, 9), field="entry_no")
    assert error_line(logged) == (
        "The Logged Segment does not exist. Identification fields and values: Entry No.='9'"
    )
    assert error_line(DeliveryFailed(3, Invalid("RAPPORT_SMTP_URL is not set"))) == (
        "Logged Segment 3 has been logged, but its delivery failed: RAPPORT_SMTP_URL is not "
        "set Resend with `rapport logged resend 3`."
    )


DUTCH = {
    "unknown {what} {code!r} — did you mean {guess!r}?": (
        "onbekende {what} {code!r} — bedoelt u {guess!r}?"
    ),
    "mailing group": "mailinggroep",
    "or": "of",
    "a value": "een waarde",
    "expected {expected}": "verwacht: {expected}",
    "Segment {no} does not exist.": "Segment {no} bestaat niet (zonder plaatshouder: {lost}).",
}


def test_an_error_in_parts_is_said_in_the_language_of_the_translator():
    """Issue 13 item 7: a message made with N_ keeps its template and values apart, so the
    web says it in Dutch; the English message is the same text filled in."""
    error = Invalid(
        [
            N_(
                "unknown {what} {code!r} — did you mean {guess!r}?",
                what=Text("mailing group"),
                code="NEWS",
                guess="NEWSLETTER",
            ),
            N_("expected {expected}", expected=(N_("a value"), Text("')'"))),
        ]
    )
    assert error.message == (
        "unknown mailing group 'NEWS' — did you mean 'NEWSLETTER'?; expected a value or ')'"
    )
    assert error.said(lambda text: DUTCH.get(text, text)) == (
        "onbekende mailinggroep 'NEWS' — bedoelt u 'NEWSLETTER'?; verwacht: een waarde of ')'"
    )
    lost = N_("Segment {no} does not exist.", no="SEG9")
    assert said(lost, lambda text: DUTCH.get(text, text)) == "Segment SEG9 does not exist."
    assert said(Text("")) == ""


def test_a_text_kept_as_json_data_is_said_again_in_any_language():
    """A job's messages are kept as JSON and said in each reader's language: a `Text` keeps
    its template and values (nested texts and alternatives too); plain text is literal."""
    import json

    def kept(text: Text | str) -> Text:
        return text_from(json.loads(json.dumps(text_data(text))))

    nested = N_("a {kind} of {names}", kind=N_("list"), names=("A", N_("B"), 3))
    assert kept(nested) == nested
    dutch = {"a {kind} of {names}": "een {kind} van {names}", "list": "lijst", "or": "of"}
    assert said(kept(nested), lambda s: dutch.get(s, s)) == "een lijst van A, B of 3"
    assert kept(N_("Importing {file}.", file="x.csv")) == N_("Importing {file}.", file="x.csv")
    assert kept(Text("plain")) == Text("plain")
    assert kept("words") == Text("words")
    assert str(kept("a {brace}")) == "a {brace}"  # plain text is never formatted


def test_k4_a_value_error_keeps_the_text_it_was_raised_with():
    """A domain rule's reason raised in a ValueError (a cell the import converts, a code
    too long) is kept as its template and values, to be said in the reader's language;
    the text of any other exception is kept as it is."""
    reason = N_("{value!r} is not a number", value="x")
    assert text_of(ValueError(reason)) is reason
    assert str(ValueError(reason)) == "'x' is not a number"
    assert text_of(ValueError("plain words")) == Text("plain words")
    assert text_of(KeyError("key")) == Text("'key'")


def test_k4_a_bad_rows_reason_is_kept_in_english_and_as_its_template():
    """An import's bad row as JSON data (a job's result): the reason in English, which the
    API and the CLI give, and kept as its template and values, which a page says in its
    language."""
    from rapport.services.transfer._bad_rows import BadRow

    reason = missing_record(N_("Country/Region"), (CODE_FIELD, "ZZ"))
    english = "The Country/Region does not exist. Identification fields and values: Code='ZZ'"
    bad = BadRow(4, "country", reason)
    assert str(bad) == f"line 4, column country: {english}"
    data = bad.data()
    assert (data["line"], data["column"], data["reason"]) == (4, "country", english)
    dutch = {**BC_DUTCH, "Country/Region": "Land/regio"}
    kept = text_from(json.loads(json.dumps(data["reason_text"])))
    assert said(kept, lambda text: dutch.get(text, text)) == (
        "Land/regio bestaat niet. Identificatievelden en -waarden: Code='ZZ'"
    )
    assert sorted([BadRow(4, "a", Text("b")), BadRow(3, "z", Text("c")), bad]) == [
        BadRow(3, "z", Text("c")),
        BadRow(4, "a", Text("b")),
        bad,
    ]


BC_DUTCH = {
    "The {caption} does not exist. Identification fields and values: {key}": (
        "{caption} bestaat niet. Identificatievelden en -waarden: {key}"
    ),
    "Contact": "Contact",
    "Segment Line": "Segmentregel",
    "No.": "Nr.",
    "Segment No.": "Segmentnr.",
    "Line No.": "Regelnr.",
}


@pytest.mark.parametrize(
    ("caption", "key", "english", "dutch"),
    [
        (
            N_("Contact"),
            [(NO_FIELD, "P9")],
            "The Contact does not exist. Identification fields and values: No.='P9'",
            "Contact bestaat niet. Identificatievelden en -waarden: Nr.='P9'",
        ),
        (  # BC's own example: a blank code is named as blank
            N_("Interaction Template"),
            [(CODE_FIELD, "")],
            "The Interaction Template does not exist. Identification fields and values: Code=''",
            "Interaction Template bestaat niet. Identificatievelden en -waarden: Code=''",
        ),
        (  # several fields, joined by a comma as BC joins them
            N_("Segment Line"),
            [(N_("Segment No."), "SEG00001"), (N_("Line No."), 10000)],
            "The Segment Line does not exist. Identification fields and values: "
            "Segment No.='SEG00001',Line No.='10000'",
            "Segmentregel bestaat niet. Identificatievelden en -waarden: "
            "Segmentnr.='SEG00001',Regelnr.='10000'",
        ),
    ],
)
def test_bcs_does_not_exist_is_one_message_naming_the_table_and_its_key(
    caption, key, english, dutch
):
    """Business Central's "does not exist" error, worded in one place: one message (the
    extracted template) for every table, its caption and key fields said in the reader's
    language, and kept as JSON data (a job's message) like any `Text`."""
    error = does_not_exist(caption, *key)
    assert isinstance(error, NotFound)
    assert error.message == english
    assert error.said(lambda text: BC_DUTCH.get(text, text)) == dutch
    (text,) = error.texts
    assert text == missing_record(caption, *key)
    assert text.template in BC_DUTCH
    assert said(text_from(json.loads(json.dumps(text_data(text))))) == english


def test_joined_texts_are_said_each_in_the_readers_language_and_never_formatted_again():
    parts = [N_("Segment Line"), "{not a field}", 3]
    assert said(joined(parts), lambda text: BC_DUTCH.get(text, text)) == (
        "Segmentregel, {not a field}, 3"
    )
    assert said(joined(["a", "b"], "{,}")) == "a{,}b"
    assert said(joined([])) == ""
