"""Creating and changing interaction templates by field name (L1):
`rapport template create CODE FIELD=VALUE…` and `rapport template set CODE FIELD=VALUE…`.

Fields are checked as the import checks an `interaction_templates` file (`transfer.tables`):
codes upper-cased, enumerations in lower snake_case, the interaction group and the campaign
must exist, and the default language is blank or one of the template's language variants
(the domain rule `TEMPLATE_LANGUAGE`, BC's table relation to Interaction Tmpl. Language;
`template attach` adds variants).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.orm import Session

from rapport.domain.rules import TEMPLATE_LANGUAGE
from rapport.errors import N_, Conflict, Invalid
from rapport.services._versions import check_version
from rapport.services.setup.records import check_references, convert, editable_fields
from rapport.services.templates.cards import TemplateRead, find, read, variants
from rapport.services.transfer.tables import TABLES
from rapport.storage.db import Sessions
from rapport.storage.tables import InteractionTemplate, InteractionTemplateLanguage

SPEC = TABLES["interaction_templates"]
EDITABLE = editable_fields(SPEC, without=("code",))


def _code(code: str) -> str:
    key = code.strip().upper()
    if not key or len(key) > 10:
        raise Invalid(N_("{code!r} must be 1 to 10 characters", code=code), where="code")
    return key


def _check(session: Session, template_code: str, given: dict[str, Any]) -> None:
    check_references(session, SPEC, given)
    language = given.get("language_code_default")
    if language:
        variant = session.get(InteractionTemplateLanguage, (template_code, language))
        TEMPLATE_LANGUAGE.check(template_code, language, has_variant=variant is not None)


def _read(session: Session, template: InteractionTemplate) -> TemplateRead:
    session.flush()
    return read(template, variants(session, [template.code]).get(template.code, []))


def create_template(
    sessions: Sessions, code: str, *, values: Sequence[tuple[str, str]]
) -> TemplateRead:
    """L1: a new interaction template; `interaction_group_code` is required."""
    key = _code(code)
    given = convert(SPEC, values, editable=EDITABLE)
    missing = [
        c.name for c in SPEC.columns if c.required and c.name != "code" and c.target not in given
    ]
    if missing:
        raise Invalid(N_("a value is required"), where=missing[0])
    with sessions.begin() as session:
        if session.get(InteractionTemplate, key) is not None:
            raise Conflict(N_("The Interaction Template {key} already exists.", key=key))
        _check(session, key, given)
        template = InteractionTemplate(code=key, **given)
        session.add(template)
        return _read(session, template)


def set_template(
    sessions: Sessions,
    code: str,
    *,
    values: Sequence[tuple[str, str]],
    expected_version: Collection[str] | None = None,
) -> TemplateRead:
    """L1: change a template's fields in the order given. Segments already made from it
    keep their copies of its defaults, as in Business Central. With `expected_version`,
    the template must still be at one of those versions (else Stale, nothing changed)."""
    given = convert(SPEC, values, editable=EDITABLE)
    with sessions.begin() as session:
        template = find(session, code)
        session.refresh(template, with_for_update=True)
        check_version(template, expected_version, what=N_("interaction template"))
        _check(session, template.code, given)
        for name, value in given.items():
            setattr(template, name, value)
        return _read(session, template)
