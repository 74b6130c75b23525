"""The demo's letters and e-mails read right (K1, L1, L3): every demo template variant,
merged for a company and for a person with the merge record delivery builds, greets the
contact once by name, in the variant's language (the demo's salutation formulas), and
leaves no merge field unmerged; the demo segment's letters greet so too."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from rapport.demo import company
from rapport.services.delivery import preview
from rapport.services.delivery.render import docx_text, letter, merge_fields
from rapport.settings import Settings
from rapport.storage import tables as t


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    import shutil

    from rapport.storage.db import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    sessions = open_database(f"sqlite:///{path}")
    company.load_demo(sessions)
    return sessions


# How each language's greetings open: the salutations' own (English), the formulas'.
OPENINGS = {"ENU": ("Dear",), "NLB": ("Geachte", "Beste"), "FRB": ("Cher", "Chère", "Bonjour")}


def merge_record(session, contact: t.Contact, language: str) -> dict:
    """The merge record with the greeting the merge takes for `language`: the contact's
    salutation formula of that language, else the salutation's own greeting."""
    formula = session.get(t.SalutationFormula, (contact.salutation, language))
    greeting = (
        formula.formal_greeting
        if formula is not None
        else session.scalar(
            select(t.Salutation.formal_greeting).where(t.Salutation.code == contact.salutation)
        )
    )
    salesperson = session.get(t.Salesperson, contact.salesperson)
    return merge_fields(
        SimpleNamespace(
            formal_greeting=greeting,
            contact_no=contact.no,
            contact_name=contact.name,
            company_name=contact.company_name,
            contact_email=contact.email,
            address=contact.address,
            post_code=contact.post_code,
            city=contact.city,
            country=contact.country,
            salesperson_code=contact.salesperson,
            salesperson_name=salesperson.name if salesperson else "",
            segment_no="SEG00001",
            segment_description="Spring newsletter",
            description="Abstract",
            entry_no=1,
            subject="Spring news",
            date="2026-03-01",
        )
    )


def variants(session):
    itl, attachment = t.InteractionTemplateLanguage, t.Attachment
    return session.execute(
        select(itl.interaction_template_code, itl.language_code, attachment)
        .join(attachment, attachment.no == itl.attachment_no)
        .order_by(itl.interaction_template_code, itl.language_code)
    ).all()


@pytest.mark.parametrize("kind", ["company", "person"])
def test_l3_every_demo_variant_greets_the_contact_once_by_name(demo, kind):
    with demo() as session:
        contact = session.scalars(
            select(t.Contact)
            .where(t.Contact.type == kind, t.Contact.company_name != "", t.Contact.salutation != "")
            .order_by(t.Contact.no)
            .limit(1)
        ).one()
        found = variants(session)
        assert len(found) == 9
        for template, language, attachment in found:
            fields = merge_record(session, contact, language)
            salutation = fields["contact"]["salutation"]
            assert salutation.startswith(OPENINGS[language]), (language, salutation)
            for as_attachment in (False, True):
                merged = letter(
                    attachment.content,
                    attachment.file_extension,
                    fields,
                    as_attachment=as_attachment,
                )
                text = merged.body
                if merged.document is not None:
                    text = docx_text(merged.document)
                where = f"{template} {language} for {contact.no}"
                assert f"{contact.name} {contact.name}" not in text, where
                assert "{{" not in text, where
                assert "{%" not in text, where
                assert text.count(f"{fields['contact']['salutation']},") == 1, where
                if attachment.file_extension == "docx":
                    # The address block: the company, then a person's name; then the greeting.
                    address = [contact.company_name] + ([contact.name] if kind == "person" else [])
                    assert text.split("\n")[: len(address)] == address, where
                    assert text.count(contact.name) == 2, where


def test_l3_the_demo_segments_letters_greet_each_contact_in_its_language(demo):
    """The e-mails of SEG00002's lines, as previewed (the merge delivery makes): a Dutch
    line greets in Dutch, a French one in French (an English one, were there one, with the
    salutation's own greeting)."""
    lines = t.SegmentLine
    with demo() as session:
        segment = session.scalar(select(t.SegmentHeader.id).where(t.SegmentHeader.no == "SEG00002"))
        found = session.execute(
            select(lines.language_code, func.min(lines.line_no))
            .join(t.Contact, t.Contact.id == lines.contact_id)
            .where(
                lines.segment_id == segment,
                lines.removed_action.is_(None),
                lines.correspondence_type == "email",
                t.Contact.salutation != "",
            )
            .group_by(lines.language_code)
        ).all()
    assert {"NLB", "FRB"} <= {language for language, _ in found}
    for language, line_no in found:
        body = preview.preview_letter(demo, "SEG00002", line_no, settings=Settings()).preview.body
        greeting = body.split("<p>")[1]
        assert greeting.startswith(OPENINGS[language]), (language, greeting)
