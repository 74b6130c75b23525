"""`rapport segment …`: build, inspect, change and undo segments (S1–S11, X2, X3, X5).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from rapport.cli import (
    output,
    segment_actions,
    segment_dynamic,
    segment_history,
    segment_letters,
    segment_log,
    segment_outputs,
)
from rapport.cli.options import Segment, assignments
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Segments: build, inspect, log and undo.")


@app.command("create")
def create(
    ctx: typer.Context,
    description: Annotated[str, typer.Option("--description", help="Description.")],
    template: Annotated[str, typer.Option("--template", help="Interaction template.")] = "",
    campaign: Annotated[str, typer.Option("--campaign", help="Campaign no.")] = "",
    salesperson: Annotated[str, typer.Option("--salesperson", help="Salesperson.")] = "",
    language: Annotated[str, typer.Option("--language", help="Default language.")] = "",
    subject: Annotated[str, typer.Option("--subject", help="Default subject.")] = "",
    date: Annotated[str, typer.Option("--date", help="Date (YYYY-MM-DD; default today).")] = "",
    dynamic: Annotated[
        bool, typer.Option("--dynamic", help="X4: its criteria actions stay live (refresh).")
    ] = False,
) -> None:
    """S1: create a segment; prints its number (--json: the new header)."""
    from rapport.services.segments import header as segments

    st = state(ctx)
    given = [
        ("interaction_template_code", template),
        ("campaign_no", campaign),
        ("salesperson_code", salesperson),
        ("language_code_default", language),
        ("subject_default", subject),
        ("date", date),
        ("dynamic", "true" if dynamic else ""),
    ]
    result = segments.create_segment(
        st.sessions,
        description=description,
        user=st.user,
        values=[(f, v) for f, v in given if v],
    )
    output.result(asdict(result), as_json=st.json, human=lambda: output.say(result.no))


@app.command("list")
def list_segments(ctx: typer.Context) -> None:
    """List the segments with their counts."""
    from rapport.services.segments import overview

    st = state(ctx)
    rows = [asdict(s) for s in overview.get_all(st.database)]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(
            rows,
            [
                "no",
                "description",
                "interaction_template_code",
                "campaign_no",
                "salesperson_code",
                "no_of_lines",
                "no_of_criteria_actions",
            ],
        ),
    )


SHOWN_LINES = 100
LINE_COLUMNS = [
    "line_no",
    "contact_no",
    "contact_name",
    "contact_company_no",
    "salesperson_code",
    "correspondence_type",
    "language_code",
]


@app.command("show")
def show(
    ctx: typer.Context,
    segment: Segment,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help=f"Show at most N lines (text: {SHOWN_LINES} unless given)."),
    ] = None,
) -> None:
    """The header, the lines and the counts of a segment (--json streams every line)."""
    from rapport.services.segments import header as segments

    st = state(ctx)
    header = asdict(segments.get(st.sessions, segment))
    if header["dynamic"]:
        from rapport.services.segments import dynamic

        header["exceptions"] = [asdict(e) for e in dynamic.get_exceptions(st.sessions, segment)]
    if st.json:
        output.write_json_with_rows(
            header, "lines", segments.get_lines(st.sessions, segment, limit=limit)
        )
        return
    shown = limit if limit is not None else SHOWN_LINES
    output.fields(
        {k: v for k, v in header.items() if v not in ("", None, []) and k != "exceptions"}
    )
    output.table(segments.get_lines(st.sessions, segment, limit=shown), LINE_COLUMNS)
    if header["no_of_lines"] > shown:
        output.message(f"… {header['no_of_lines'] - shown} more lines (--limit N, or --json).")
    if header.get("exceptions"):
        output.table(
            header["exceptions"], ["contact_no", "contact_name", "action_no"], title="Exceptions"
        )


@app.command("set")
def set_header(
    ctx: typer.Context,
    segment: Segment,
    values: Annotated[list[str], typer.Argument(help="FIELD=VALUE, applied in order.")],
    update_lines: Annotated[
        bool,
        typer.Option(
            "--update-lines/--no-update-lines", help="Propagate the changes to the lines (S2)."
        ),
    ] = True,
) -> None:
    """S2: change header fields, with Business Central's validation and propagation."""
    from rapport.services.segments import header as segments

    st = state(ctx)
    result = asdict(
        segments.set_header(
            st.sessions, segment, values=assignments(values), update_lines=update_lines
        )
    )
    output.result(result, as_json=st.json, human=lambda: output.fields(result))


@app.command("set-line")
def set_line(
    ctx: typer.Context,
    segment: Segment,
    line: Annotated[int, typer.Argument(help="The line no.")],
    values: Annotated[list[str], typer.Argument(help="FIELD=VALUE, applied in order.")],
) -> None:
    """S5: change one line (a changed contact is recorded as actions)."""
    from rapport.services.segments import line_edits as segment_line_edits

    st = state(ctx)
    segment_line_edits.set_line(
        st.sessions, segment, line, values=assignments(values), user=st.user
    )
    output.result(
        {"segment": segment.upper(), "line_no": line},
        as_json=st.json,
        human=lambda: output.message(f"Line {line} of {segment.upper()} changed."),
    )


# The actions come before `language` in `rapport segment --help`.
segment_actions.register(app)


@app.command("language")
def language(
    ctx: typer.Context,
    segment: Segment,
    language_code: Annotated[str, typer.Argument(help="Language code, e.g. NLB.")],
    subject: Annotated[
        str | None, typer.Option("--subject", help="Subject in that language.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="E-mail body (.html/.txt) or Word template (.docx).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    line: Annotated[int | None, typer.Option("--line", help="A line's own variant.")] = None,
) -> None:
    """S15: set the segment's subject and attachment for a language (or one line's own)."""
    from rapport.services.segments import languages as segment_languages

    st = state(ctx)
    upload = segment_languages.Upload(file.name, file.read_bytes()) if file else None
    rows = [
        asdict(r)
        for r in segment_languages.set_language(
            st.sessions,
            segment,
            language=language_code,
            subject=subject,
            upload=upload,
            line_no=line,
        )
    ]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(
            rows, ["segment_line_no", "language_code", "subject", "attachment_no"]
        ),
    )


segment_history.register(app)
segment_dynamic.register(app)
segment_outputs.register(app)
segment_log.register(app)
segment_letters.register(app)

from rapport.cli import segment_delete  # noqa: E402

segment_delete.register(app)
