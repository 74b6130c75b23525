"""Rendering pages: the Jinja2 environment (autoescaped), what every page knows (the user,
the CSRF token, the language) and the error page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from rapport.errors import Invalid, NotFound, RapportError, Text, said, text_from
from rapport.server.auth import identify
from rapport.server.context import context_of
from rapport.web.addresses import LINES_PER_PAGE
from rapport.web.captions import left_out, value_caption
from rapport.web.i18n import N_, negotiate, translations
from rapport.web.lookups import Lookups

TEMPLATES = Path(__file__).with_name("templates")
environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
)
environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
environment.globals["code_caption"] = value_caption
environment.globals["left_out_sentence"] = left_out
environment.globals["lines_per_page"] = LINES_PER_PAGE
templates = Jinja2Templates(env=environment)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the signed-in user and their CSRF token."""
    identity = identify(request)
    response: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {
            "user": identity.account if identity else None,
            "csrf_token": identity.csrf if identity else "",
            "lookups": Lookups(context_of(request).sessions if identity else None),
            **language_context(request),
            **context,
        },
        status_code=status_code,
    )
    return response


def language_of(request: Request) -> str:
    """The language of the answer: the user's setting, else the browser's, else English."""
    identity = identify(request)
    return negotiate(
        identity.account.language_code if identity else None,
        request.headers.get("accept-language"),
    )


def translator(request: Request) -> Callable[[str], str]:
    """Plain gettext in the request's language, for texts defined in Python (marked `N_`)
    that reach the page as data (JSON, a question) rather than through a template's `_`."""
    return translations(language_of(request)).gettext


def language_context(request: Request) -> dict[str, Any]:
    """The page's language, its gettext functions (`_`, `gettext`, `ngettext`) and `said`,
    which says a service's `Text` (a job's messages) in it, or one kept as JSON data (an
    import job's bad rows, `errors.text_data`)."""
    language = language_of(request)
    catalog = translations(language)

    def gettext(message: str, **variables: Any) -> Markup:
        # Jinja's new-style gettext: the translation is trusted, the variables are escaped.
        return Markup(catalog.gettext(message)) % variables  # noqa: S704 (our catalog)

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
        text = catalog.ngettext(singular, plural, num)
        return Markup(text) % {"num": num, **variables}  # noqa: S704 (our catalog)

    def say(text: Text | object) -> str:  # a service's message (a job's), escaped as a whole
        return said(text if isinstance(text, Text) else text_from(text), catalog.gettext)

    return {"lang": language, "_": gettext, "gettext": gettext, "ngettext": ngettext, "said": say}


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    if request.headers.get("hx-request"):
        fragment: HTMLResponse = templates.TemplateResponse(
            request,
            "_error.html",
            {"message": message, **language_context(request)},
            status_code=status_code,
        )
        return fragment
    return page(request, "error.html", status_code=status_code, message=message)


# What an error page says for an HTTP status of its own (a path no page has, a method it
# does not take, a form the framework could not read, an internal error), in the page's
# language; the API's problem documents keep the framework's words.
STATUS_MESSAGES = {
    400: N_("The request could not be read."),
    404: N_("There is no such page."),
    405: N_("This page cannot be sent that way."),
    422: N_("The form is not complete or not valid."),
    500: N_("An internal error occurred; it has been logged."),
}


def status_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The error page of an HTTP status: in the page's language where the status has its own
    words (`STATUS_MESSAGES`), else `message`."""
    known = STATUS_MESSAGES.get(status_code)
    return error_page(request, status_code, translator(request)(known) if known else message)


def _same(text: str) -> str:
    return text


def told(request: Request, exc: RapportError) -> str:
    """A service's error in the page's language (its templates marked `N_` are in the
    catalogs; a message without one is shown as the service wrote it)."""
    return exc.said(translator(request))


def beside_input(exc: RapportError, translate: Callable[[str], str] = _same) -> str:
    """An error as shown beside the input it is about: the message, after the position in
    the criteria text where there is one ("line 1, col 18: unknown field …"), in the
    language of `translate`."""
    message = exc.said(translate)
    if isinstance(exc, Invalid) and exc.position is not None:
        line, column = exc.position
        return translate(AT_POSITION).format(line=line, column=column, message=message)
    return message


AT_POSITION = N_("line {line}, col {column}: {message}")


def told_with_field(request: Request, exc: RapportError) -> str:
    """A service's error shown above a form of several inputs: the field it is about first,
    as `str(exc)` words it (the service's field name), then the message (after its position
    in criteria text) in the page's language."""
    message = beside_input(exc, translator(request))
    field = exc.field if isinstance(exc, (Invalid, NotFound)) else None
    return f"{field}: {message}" if field else message
