"""The demo's attachments: HTML e-mail bodies and Word (DOCX) letter templates per language,
and the salutation formulas they greet with.

Both use the merge fields of SPEC §6 in Jinja syntax (`{{ contact.name }}` …), as docxtpl
reads them. The DOCX bytes are made reproducible (fixed document properties and zip
timestamps) so that two loads of the demo store identical attachments.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from rapport.demo.setup_data import REFERENCE_TIME

# `contact.salutation` is the formal greeting with the name ("Dear Ms. Camille Maes").
GREETING = "{{ contact.salutation }},"
# Each salutation's greeting in Dutch and French (BC's Salutation Formulas), so that a letter
# greets in its own language ("Geachte heer Sem Jansen"); English takes the salutation's own.
# The name follows the greeting: a company gets "Beste" and "Bonjour", not "Madame, Monsieur".
SALUTATION_FORMULAS = [
    {"salutation_code": code, "language_code": language, "formal_greeting": greeting}
    for code, dutch, french in (
        ("MR", "Geachte heer", "Cher Monsieur"),
        ("MS", "Geachte mevrouw", "Chère Madame"),
        ("DR", "Geachte dokter", "Cher Docteur"),
        ("COMPANY", "Beste", "Bonjour"),
    )
    for language, greeting in (("NLB", dutch), ("FRB", french))
]
# The address block: the company (or the contact without one), then a person's name
# (`{%p … %}` paragraphs are removed by docxtpl, so a company's name is not printed twice).
ADDRESS = (
    "{{ contact.company_name or contact.name }}",
    "{%p if contact.company_name and contact.company_name != contact.name %}",
    "{{ contact.name }}",
    "{%p endif %}",
)
SIGNATURE = "{{ salesperson.name }}"

# (title, paragraphs, closing) per template and language.
EMAIL_TEXTS: dict[tuple[str, str], tuple[str, tuple[str, ...], str]] = {
    ("EMAIL", "ENU"): (
        "{{ interaction.subject }}",
        (
            "Here is the latest news from Rapport Demo for {{ contact.company_name }}.",
            "This issue: {{ segment.description }}.",
        ),
        "Kind regards,",
    ),
    ("EMAIL", "NLB"): (
        "{{ interaction.subject }}",
        (
            "Hier is het laatste nieuws van Rapport Demo voor {{ contact.company_name }}.",
            "In deze editie: {{ segment.description }}.",
        ),
        "Met vriendelijke groeten,",
    ),
    ("EMAIL", "FRB"): (
        "{{ interaction.subject }}",
        (
            "Voici les dernières nouvelles de Rapport Demo pour {{ contact.company_name }}.",
            "Dans ce numéro : {{ segment.description }}.",
        ),
        "Bien cordialement,",
    ),
    ("INVITE", "ENU"): (
        "{{ interaction.subject }}",
        (
            "We are delighted to invite you to our customer event.",
            "{{ segment.description }}: we look forward to meeting you.",
        ),
        "See you soon,",
    ),
    ("INVITE", "NLB"): (
        "{{ interaction.subject }}",
        (
            "Graag nodigen wij u uit op ons klantenevent.",
            "{{ segment.description }}: wij kijken ernaar uit u te ontmoeten.",
        ),
        "Tot binnenkort,",
    ),
    ("INVITE", "FRB"): (
        "{{ interaction.subject }}",
        (
            "Nous avons le plaisir de vous inviter à notre événement clients.",
            "{{ segment.description }} : nous nous réjouissons de vous rencontrer.",
        ),
        "À bientôt,",
    ),
}

LETTER_TEXTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ENU": (
        "Re: {{ interaction.subject }}",
        (
            "Thank you for your continued trust in Rapport Demo.",
            "Please find below a short abstract of {{ segment.description }}.",
            "Do not hesitate to contact me with any question.",
        ),
        "Yours sincerely,",
    ),
    "NLB": (
        "Betreft: {{ interaction.subject }}",
        (
            "Hartelijk dank voor uw vertrouwen in Rapport Demo.",
            "Hieronder vindt u een korte samenvatting van {{ segment.description }}.",
            "Aarzel niet om mij te contacteren met al uw vragen.",
        ),
        "Hoogachtend,",
    ),
    "FRB": (
        "Objet : {{ interaction.subject }}",
        (
            "Nous vous remercions de votre confiance envers Rapport Demo.",
            "Veuillez trouver ci-dessous un bref résumé de {{ segment.description }}.",
            "N'hésitez pas à me contacter pour toute question.",
        ),
        "Veuillez agréer nos salutations distinguées,",
    ),
}


def email_body(template: str, language: str) -> bytes:
    """The HTML body of an e-mail template's language variant."""
    title, paragraphs, closing = EMAIL_TEXTS[(template, language)]
    body = "\n".join(f"  <p>{escape(p, quote=False)}</p>" for p in paragraphs)
    html = (
        "<!DOCTYPE html>\n"
        f'<html lang="{language[:2].lower()}">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n"
        f"  <p>{GREETING}</p>\n{body}\n"
        f"  <p>{closing}<br>{SIGNATURE}</p>\n</body>\n</html>\n"
    )
    return html.encode("utf-8")


def letter_template(language: str) -> bytes:
    """A Word letter template with merge fields for docxtpl (reproducible bytes)."""
    from docx import Document

    subject, paragraphs, closing = LETTER_TEXTS[language]
    document = Document()
    properties = document.core_properties
    properties.author = "Rapport Demo"
    properties.title = "Abstract letter"
    properties.created = REFERENCE_TIME
    properties.modified = REFERENCE_TIME
    properties.last_modified_by = "Rapport Demo"
    properties.revision = 1
    for line in ADDRESS:
        document.add_paragraph(line)
    document.add_paragraph("")
    document.add_paragraph(subject).runs[0].bold = True
    document.add_paragraph(GREETING)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph(closing)
    document.add_paragraph(SIGNATURE)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same zip with every entry stamped at the reference time (python-docx uses now)."""
    stamp = REFERENCE_TIME.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def attachment_row(no: int, template: str, language: str, kind: str) -> dict[str, object]:
    """An `attachments` row for a template language variant."""
    content = letter_template(language) if kind == "docx" else email_body(template, language)
    return {
        "no": no,
        "file_name": f"{template.lower()}-{language.lower()}.{kind}",
        "file_extension": kind,
        "content": content,
        "read_only": False,
        "created_at": REFERENCE_TIME,
    }
