"""The web UI in English and Dutch (issue: SPEC §8, X9): gettext catalogs kept as `.po`
files in `web/locale/`, read with Babel when the server starts.

The language of a page is the signed-in user's setting (their language code: `NLB`/`NLD`
→ Dutch, `ENU`/`ENG` → English), else the browser's Accept-Language, else English. Dutch is
nl-BE and uses Business Central's Dutch captions where they exist (the seed page calls *Add
contacts* "Contactpersonen toevoegen"). `make messages` extracts the strings of the
templates and merges them into the catalogs; a test fails when a template string has no
entry in either catalog.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).with_name("locale")
LANGUAGES = {"en": "English", "nl": "Nederlands"}
CATALOG_OF = {"en": "en", "nl": "nl_BE"}
DEFAULT = "en"
# Business Central language codes of users → UI languages.
FROM_BC_CODE = {"ENU": "en", "ENG": "en", "ENC": "en", "NLB": "nl", "NLD": "nl"}


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / CATALOG_OF[language] / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> Translations:
    """The compiled catalog of `language` (compiled in memory from its .po file)."""
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=CATALOG_OF[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(user_language_code: str | None, accept_language: str | None) -> str:
    """The UI language: the user's setting, else the browser's preference, else English."""
    if user_language_code and user_language_code.upper() in FROM_BC_CODE:
        return FROM_BC_CODE[user_language_code.upper()]
    for language, _quality in _accepted(accept_language or ""):
        primary = language.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def _accepted(header: str) -> list[tuple[str, float]]:
    """Accept-Language's languages, most wanted first."""
    found = []
    for part in header.split(","):
        piece = part.strip()
        if not piece:
            continue
        name, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        found.append((name.strip(), quality))
    return sorted(found, key=lambda item: -item[1])


def N_(message: str) -> str:
    """Mark a string defined in Python (a caption, a message) for `make messages`; the page
    translates it when it shows it."""
    return message


def registry_labels() -> list[str]:
    """The labels of the criteria registry the criteria builder shows (contact fields, the
    relations and their fields, the memberships), in registry order, each once."""
    from rapport.criteria import fields as registry

    labels = [item.label for item in registry.CONTACT_FIELDS.values()]
    for rel in registry.RELATIONS.values():
        labels += [rel.label, *(item.label for item in rel.fields.values())]
    labels += list(registry.MEMBERSHIPS.values())
    return list(dict.fromkeys(labels))


def sentence_words() -> list[str]:
    """The templates of the criteria's plain-language sentences: each operator's sentence
    (declared with its SQL in `criteria/operators.py`, some built from parts, so read from
    the declarations rather than the source text)."""
    from rapport.criteria.operators import OPERATORS

    words = [op.says for op in OPERATORS]
    words += [op.says_on_dates for op in OPERATORS if op.says_on_dates]
    return list(dict.fromkeys(words))


def enum_words() -> list[str]:
    """The values of the registry's enumerations as the criteria's sentences say them
    (`criteria/render`: a code in lower case, its `_` as a space, translated as a word), so
    that "whose type is company" is said in the page's language."""
    from rapport.criteria import fields as registry
    from rapport.criteria.operators import ValueType

    items = [*registry.CONTACT_FIELDS.values()]
    for rel in registry.RELATIONS.values():
        items += rel.fields.values()
    words = [
        choice.replace("_", " ")
        for item in items
        if item.type is ValueType.ENUM
        for choice in item.choices
        if choice
    ]
    return list(dict.fromkeys(words))


def extract_registry_labels(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel extraction method (babel.cfg) for `criteria/fields.py`: the texts it marks
    with `N_` (its errors), then its labels, the operators' sentences and the enumerations'
    values, read from the registry itself rather than from its source text."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for label in [*registry_labels(), *sentence_words(), *enum_words()]:
        yield 0, "gettext", label, []
