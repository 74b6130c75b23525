"""`rapport segment preview-letter SEG LINE`: one line's e-mail or letter merged for its
contact as the delivery would merge it, before the segment is logged (L3).

Registered on the segment sub-app by `cli/segments.py`; the service is imported inside the
command so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.options import Segment
from rapport.cli.state import state


def register(app: typer.Typer) -> None:
    """Add the `preview-letter` command to the segment sub-app."""
    app.command("preview-letter")(preview_letter)


def preview_letter(
    ctx: typer.Context,
    segment: Segment,
    line: Annotated[int, typer.Argument(help="The line no., e.g. 10000.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the merged letter to FILE: the DOCX of a Word template, else the body.",
        ),
    ] = None,
) -> None:
    """L3: the line's e-mail (recipient, subject, body) or Word letter, merged for its
    contact from the line's template variant; nothing is logged."""
    from rapport.services.delivery import preview

    st = state(ctx)
    if out is not None:
        written = preview.write_letter(st.sessions, segment, line, path=out, settings=st.settings)
        output.result(
            asdict(written),
            as_json=st.json,
            human=lambda: output.message(f"The merged letter is written to {written.path}."),
        )
        return
    shown = preview.preview_letter(st.sessions, segment, line, settings=st.settings).preview

    def human() -> None:
        head = {
            "contact": f"{shown.contact_no} {shown.contact_name}",
            "correspondence type": shown.correspondence_type,
            "to": shown.recipient,
            "subject": shown.subject,
        }
        output.fields({k: v for k, v in head.items() if v})
        output.say()
        output.say(shown.body)

    output.result(asdict(shown), as_json=st.json, human=human)
