"""Errors raised by the domain and the services; each edge maps them once.

    RapportError            a user-facing failure; nothing was changed
    ├── NotFound            a referenced record does not exist (contact, segment, code …);
    │                       `field` names the input that named it, if not the address's own
    ├── Invalid             bad input: `field` names the parameter or field at fault,
    │                       `position` the (line, column) in criteria text
    ├── Conflict            the data's state forbids the action (already logged, on a segment …)
    │   └── Stale           the record changed since the caller read it (optimistic concurrency)
    ├── Forbidden           the user may not do this
    └── DeliveryFailed      a segment was logged but its delivery failed: resend `entry_no`

An error speaks of the service's own parameters and fields (`to_action`, `criteria`,
`database_url`), never of an edge's words (a command-line flag, a URL, an HTML id), and keeps
its message apart from the field: `message` is the plain message, `field` and `position`
say what it is about, and only `str(error)` (for logs and tracebacks) joins them. Each edge
renders them
once: the CLI as one stderr line naming its own flag and exit status 1 (`rapport.cli.main`);
the API as an RFC 9457 problem document (404/422/409/412/403) with the field.

A message may be given as `Text` (made by `N_`: a template and its values) instead of plain
text, so that an edge speaking another language says it in the user's words: `message` is
the English, `texts` the parts and `said(text, translate)` one part in the language of
`translate` (the web's gettext; `make messages` extracts the templates marked `N_`). A
ValueError below the services may carry such a `Text` too (`ValueError(N_(…))`); the service
that turns it into an error keeps it (`text_of`). `joined` says several texts as one, and
`does_not_exist` is Business Central's NotFound for a record that is not there, worded once
(`missing_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A message as a template over named values (`str.format` syntax, `{code!r}` too).
    A value that is a `Text` is said in the same language; a tuple of values is said as
    alternatives ("a, b or c"). `values` None: the template is the literal text."""

    template: str
    values: Mapping[str, object] | None = field(default=None)

    def __str__(self) -> str:
        return said(self)


def N_(template: str, /, **values: object) -> Text:
    """Mark a message template for translation (`make messages` extracts it)."""
    return Text(template, values)


OR = N_("or")


def text_data(text: Text | str) -> object:
    """`text` as JSON data, to be kept (a job's messages) and said later in the reader's
    language (`text_from`): plain text as itself, a `Text` as its template and values."""
    if isinstance(text, str):
        return text
    values = None if text.values is None else {k: _data(v) for k, v in text.values.items()}
    return {"template": text.template, "values": values}


def _data(value: object) -> object:
    if isinstance(value, Text):
        return text_data(value)
    if isinstance(value, tuple):
        return [_data(item) for item in value]
    return value


def text_from(data: object) -> Text:
    """The `Text` kept as `data` (`text_data`); plain text is a literal `Text`."""
    if not isinstance(data, dict):
        return Text(str(data))
    values = data.get("values")
    kept = None if values is None else {k: _value(v) for k, v in values.items()}
    return Text(str(data.get("template", "")), kept)


def _value(data: object) -> object:
    if isinstance(data, dict):
        return text_from(data)
    if isinstance(data, list):
        return tuple(_value(item) for item in data)
    return data


def text_of(exc: BaseException) -> Text:
    """The message `exc` was raised with: the `Text` given to it (a domain rule's reason in a
    ValueError, `ValueError(N_(…))`), so that it is said in the reader's language; else its
    text as it is."""
    given = exc.args[0] if len(exc.args) == 1 else None
    return given if isinstance(given, Text) else Text(str(exc))


def joined(parts: Sequence[object], separator: str = ", ") -> Text:
    """`parts` said one after another with `separator` between them (each `Text` in the
    reader's language). The joined text is no message of its own: its template is not in
    the catalogs, so every language keeps it as it is."""
    between = separator.replace("{", "{{").replace("}", "}}")
    template = between.join(f"{{part{number}}}" for number in range(len(parts)))
    return Text(template, {f"part{number}": part for number, part in enumerate(parts)})


def _same(text: str) -> str:
    return text


def said(text: Text, translate: Callable[[str], str] = _same) -> str:
    """`text` with its template (and those of its values) in `translate`'s language."""
    if not text.template:
        return ""
    if text.values is None:
        return translate(text.template)
    values = {name: _said_value(value, translate) for name, value in text.values.items()}
    try:
        return translate(text.template).format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return text.template.format(**values)


def _said_value(value: object, translate: Callable[[str], str]) -> object:
    if isinstance(value, Text):
        return said(value, translate)
    if isinstance(value, tuple):
        items = [str(_said_value(item, translate)) for item in value]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {said(OR, translate)} " + items[-1]
    return value


class RapportError(Exception):
    """A failure the user can act on; the message says what went wrong. A message in parts
    (several `Text`) is joined by `joined`: "; " between reasons, " " before a hint."""

    def __init__(self, message: str | Text | Sequence[Text], *, joined: str = "; ") -> None:
        if isinstance(message, str):
            texts: tuple[Text, ...] = (Text(message),)
        elif isinstance(message, Text):
            texts = (message,)
        else:
            texts = tuple(message)
        self.texts = texts
        self.joined = joined
        self.message = joined.join(said(text) for text in texts)
        super().__init__(self.message)

    def said(self, translate: Callable[[str], str]) -> str:
        """The message in `translate`'s language."""
        return self.joined.join(said(text, translate) for text in self.texts)

    def __str__(self) -> str:
        return self.message


class NotFound(RapportError):
    """A referenced record does not exist. `field` names the input (a body field, a
    parameter, a CLI option's service name) that referenced the missing record, when it is
    not what the address names: None when the record is the one the request is about (the
    API's 404), a field when the input named a record that is not there (its 422)."""

    def __init__(
        self,
        message: str | Text | Sequence[Text],
        *,
        field: str | None = None,
        joined: str = "; ",
    ) -> None:
        super().__init__(message, joined=joined)
        self.field = field


class Invalid(RapportError):
    """Bad input. `field` names the parameter, field, file or JSON path at fault; `position`
    is the (line, column) of a criteria error in its text. `where` is the older name of
    `field`, still accepted from the criteria engine."""

    def __init__(
        self,
        message: str | Text | Sequence[Text],
        *,
        field: str | None = None,
        position: tuple[int, int] | None = None,
        where: str | None = None,
        joined: str = "; ",
    ) -> None:
        super().__init__(message, joined=joined)
        self.field = field if field is not None else where
        self.position = position

    def __str__(self) -> str:
        text = self.message
        if self.position is not None:
            text = f"line {self.position[0]}, col {self.position[1]}: {text}"
        return f"{self.field}: {text}" if self.field else text


class Conflict(RapportError):
    """The state of the data forbids the action."""


class Stale(Conflict):
    """The record was changed by someone else after the caller read the version it names
    (Business Central: "another user has modified the record")."""


class Unconfirmed(Conflict):
    """Business Central's question whose default answer is No, not answered yes: the refusal
    says BC's `question`, then "(confirm with yes)", `yes` being the use case's parameter as
    the API's body and the web's form name it. A page asks the `question` instead; the
    command line names its own option (`named("--yes")`, in `cli.main`)."""

    def __init__(self, question: Text, *, answer: str = "yes") -> None:
        super().__init__([question, N_("(confirm with {answer})", answer=answer)], joined=" ")
        self.question = question

    def named(self, answer: str) -> Unconfirmed:
        """The same refusal, its answer named `answer` (the command line's `--yes`)."""
        return Unconfirmed(self.question, answer=answer)


class Forbidden(RapportError):
    """The current user may not perform the action."""


class DeliveryFailed(RapportError):
    """Logged segment `entry_no` was logged, but delivering it failed with `cause`; the log
    stays and the entries can be resent."""

    def __init__(self, entry_no: int, cause: RapportError) -> None:
        super().__init__(
            f"Logged Segment {entry_no} has been logged, but its delivery failed: {cause.message}"
        )
        self.entry_no = entry_no
        self.cause = cause


# The captions of the identification fields Business Central names when a record is not
# there (`missing_record`): a code table's key, the no. of a contact, a campaign or a segment,
# the entry no. of a ledger (an interaction log entry, a logged segment), and the two fields
# of a segment line's key.
CODE_FIELD = N_("Code")
NO_FIELD = N_("No.")
ENTRY_NO_FIELD = N_("Entry No.")
SEGMENT_NO_FIELD = N_("Segment No.")
LINE_NO_FIELD = N_("Line No.")


def missing_record(caption: Text, *key: tuple[Text, object]) -> Text:
    """Business Central's sentence for a record that is not there, `caption` naming its
    table and `key` its identification fields (their captions) with their values: "The
    Contact does not exist. Identification fields and values: No.='P9'". Several fields are
    joined by a comma, as BC joins them (`Segment No.='SEG00001',Line No.='10000'`). One
    message for every table: the captions are said in the reader's language."""
    fields = joined([joined((field, "='", value, "'"), "") for field, value in key], ",")
    return N_(
        "The {caption} does not exist. Identification fields and values: {key}",
        caption=caption,
        key=fields,
    )


def does_not_exist(caption: Text, *key: tuple[Text, object], field: str | None = None) -> NotFound:
    """NotFound in Business Central's words for the record `key` of `caption`'s table
    (`missing_record`): what a service raises when a record its caller names is not there,
    `field` naming the input that named it when that is not the record the caller is about."""
    return NotFound(missing_record(caption, *key), field=field)
