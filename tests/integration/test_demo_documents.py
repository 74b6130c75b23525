"""The demo's letters and e-mails read right (K1, L1, L3): every demo template variant,
merged for a company and for a person with the merge record delivery builds, greets the
contact once by name and leaves no merge field unmerged."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from rapport.demo import company
from rapport.services.delivery.render import docx_text, letter, merge_fields
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


def merge_record(session, contact: t.Contact) -> dict:
    greeting = session.scalar(
        select(t.Salutation.formal_greeting).where(t.Salutation.code == contact.salutation)
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
        fields = merge_record(session, contact)
        found = variants(session)
        assert len(found) == 9
        for template, language, attachment in found:
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
