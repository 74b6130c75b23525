"""Interaction templates (L1) on SQLite and PostgreSQL: templates with their language
variants, attaching e-mail bodies and Word templates with checked merge fields, and
read-only (logged) attachments never changed."""

from __future__ import annotations

import io

import docx
import pytest

from rapport.domain.merge_fields import ALL_MERGE_FIELDS
from rapport.errors import Invalid, NotFound
from rapport.services.templates import cards as templates
from rapport.storage import tables as t
from tests.factories import build_log_world


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_log_world(session)
    return sessions


def word_document(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_l1_list_and_show_give_defaults_and_language_variants(world):
    rows = templates.get_all(world)
    assert [r.code for r in rows] == ["ABSTRACT", "CALL"]
    abstract = templates.get(world, "abstract")
    assert (abstract.interaction_group_code, abstract.correspondence_type_default) == (
        "LETTER",
        "email",
    )
    assert (abstract.unit_cost, abstract.language_code_default) == (2, "ENU")
    assert [
        (v.language_code, v.attachment_no, v.file_name, v.read_only) for v in abstract.languages
    ] == [("ENU", 1, "abstract-enu.html", False)]
    assert templates.get(world, "CALL").languages == ()
    with pytest.raises(NotFound, match="Code='NOPE'"):
        templates.get(world, "nope")


def test_l1_attach_creates_a_variant_for_a_new_language(world):
    variant = templates.attach(
        world,
        "ABSTRACT",
        file_name="brief.docx",
        content=word_document("Beste {{ contact.name }},"),
        language_code="nlb",
    )
    assert (variant.language_code, variant.file_extension, variant.file_name) == (
        "NLB",
        "docx",
        "brief.docx",
    )
    assert [v.language_code for v in templates.get(world, "ABSTRACT").languages] == ["ENU", "NLB"]


def test_l1_attach_replaces_the_default_language_variant_in_place(world):
    variant = templates.attach(
        world, "abstract", file_name="uploads/new.txt", content=b"Hi {{ contact.name }}"
    )
    assert (variant.language_code, variant.attachment_no, variant.file_name) == (
        "ENU",
        1,
        "new.txt",
    )
    with world.begin() as session:
        assert session.get(t.Attachment, 1).content == b"Hi {{ contact.name }}"


def test_l1_a_read_only_attachment_is_never_changed(world):
    with world.begin() as session:
        session.get(t.Attachment, 1).read_only = True
    variant = templates.attach(world, "ABSTRACT", file_name="v2.html", content=b"<p>v2</p>")
    assert variant.attachment_no != 1
    with world.begin() as session:
        assert session.get(t.Attachment, 1).content == b"<p>Dear {{ contact.name }}</p>"
        assert session.get(t.Attachment, variant.attachment_no).read_only is False


def test_l1_the_first_variant_of_a_template_sets_its_default_language(world):
    templates.attach(world, "CALL", file_name="call.htm", content=b"x", language_code="NLB")
    assert templates.get(world, "CALL").language_code_default == "NLB"


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        (
            "body.pdf",
            b"%PDF",
            "body.pdf: an attachment is an e-mail body (.html, .htm, .txt) or "
            "a Word template (.docx), not .pdf",
        ),
        (
            "body",
            b"x",
            "body: an attachment is an e-mail body (.html, .htm, .txt) or a Word "
            "template (.docx), not a file without extension",
        ),
        ("body.html", b"", "body.html: the file is empty"),
        ("body.html", b"<p>\n{{ contact.name }</p>", "body.html: line 2: unexpected '}'"),
        ("body.txt", b"\xff\xfe", "body.txt: an e-mail body must be UTF-8 text"),
        ("letter.docx", b"not a zip", "letter.docx: not a Word document (.docx)"),
    ],
)
def test_l1_bad_attachments_are_refused_with_where(world, file_name, content, message):
    with pytest.raises(Invalid) as caught:
        templates.attach(world, "ABSTRACT", file_name=file_name, content=content)
    # The file is the field the error is about; str() joins it to the message.
    assert str(caught.value) == message


def test_l1_a_word_template_with_a_bad_merge_field_names_the_paragraph(world):
    content = word_document("Dear {{ contact.name }},", "Kind regards", "{% if x %}unclosed")
    with pytest.raises(Invalid, match=r"^letter\.docx: paragraph 3: "):
        templates.attach(world, "ABSTRACT", file_name="letter.docx", content=content)


def test_l1_attach_needs_a_known_template_and_language(world):
    with pytest.raises(NotFound, match="Interaction Template does not exist"):
        templates.attach(world, "NOPE", file_name="a.txt", content=b"x")
    with pytest.raises(NotFound, match=r"The Language does not exist.*Code='XX'"):
        templates.attach(world, "ABSTRACT", file_name="a.txt", content=b"x", language_code="xx")


@pytest.mark.parametrize(
    ("file_name", "content", "where", "written", "meant"),
    [
        ("body.html", b"<p>Dear\n{{ contact.nam }}</p>", "line 2", "contact.nam", "contact.name"),
        ("body.txt", b"{{ salesperson.nmae }}", "line 1", "salesperson.nmae", "salesperson.name"),
        ("body.txt", b"Hi {{ contact['nam'] }}", "line 1", "contact.nam", "contact.name"),
        ("body.txt", b"{{ segment.description }}\n{{ colour }}", "line 2", "colour", None),
        (
            "letter.docx",
            word_document("Kind regards", "Dear {{ contact.salutaton }},"),
            "paragraph 2",
            "contact.salutaton",
            "contact.salutation",
        ),
    ],
)
def test_l1_an_unknown_merge_field_is_refused_when_attached(
    world, file_name, content, where, written, meant
):
    """L1, SPEC §6: a misspelt merge field is refused at attach time with a did-you-mean and
    the list of merge fields, and nothing changes (it would fail every delivery later)."""
    before = templates.get(world, "ABSTRACT")
    with pytest.raises(Invalid) as caught:
        templates.attach(world, "ABSTRACT", file_name=file_name, content=content)
    text = str(caught.value)
    assert f"{where}: unknown merge field {written}" in text
    assert (f"did you mean {meant}?" in text) == (meant is not None)
    assert f"The merge fields are: {', '.join(ALL_MERGE_FIELDS)}." in text
    assert templates.get(world, "ABSTRACT") == before


def test_l1_every_declared_merge_field_is_accepted(world):
    body = "\n".join(f"{{{{ {field} }}}}" for field in ALL_MERGE_FIELDS)
    body += "\n{% for word in contact.name.split() %}{{ word|upper }}{% endfor %}"
    variant = templates.attach(
        world, "ABSTRACT", file_name="all.txt", content=body.encode(), language_code="ENU"
    )
    assert variant.file_name == "all.txt"
    letter = word_document(*(f"{{{{ {field} }}}}" for field in ALL_MERGE_FIELDS))
    assert templates.attach(
        world, "CALL", file_name="all.docx", content=letter, language_code="ENU"
    )
