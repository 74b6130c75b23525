"""`rapport segment …`: build, inspect, change and undo segments (S1–S11, X2, X3, X5).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Segment, assignments
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Segments: build, inspect, log and undo.")

Where = Annotated[str, typer.Option("--where", help="Criteria (see docs/criteria-language.md).")]
Preview = Annotated[bool, typer.Option("--preview", help="Show the counts; change nothing.")]
EntireCompanies = Annotated[
    bool, typer.Option("--entire-companies", help="Match and remove whole companies.")
]
KeepCriteria = Annotated[
    bool,
    typer.Option(
        "--keep-criteria", help="Keep the criteria actions when the segment becomes empty."
    ),
]
Yes = Annotated[bool, typer.Option("--yes", help="Go ahead although the segment has criteria.")]


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
    ]
    result = segments.create_segment(
        st.sessions,
        description=description,
        user=st.user,
        values=[(f, v) for f, v in given if v],
    )
    output.result(asdict(result), as_json=st.json, human=lambda: output.stdout.print(result.no))


@app.command("list")
def list_segments(ctx: typer.Context) -> None:
    """List the segments with their counts."""
    from rapport.services.segments import header as segments

    st = state(ctx)
    rows = [asdict(s) for s in segments.get_all(st.sessions)]
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
    if st.json:
        output.write_json_with_rows(
            header, "lines", segments.get_lines(st.sessions, segment, limit=limit)
        )
        return
    shown = limit if limit is not None else SHOWN_LINES
    output.fields({k: v for k, v in header.items() if v not in ("", None)})
    output.table(list(segments.get_lines(st.sessions, segment, limit=shown)), LINE_COLUMNS)
    if header["no_of_lines"] > shown:
        output.message(f"… {header['no_of_lines'] - shown} more lines (--limit N, or --json).")


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


def print_action(result: Any, as_json: bool, *, verb: str) -> None:
    data = asdict(result)
    count = data["added"] if verb == "added" else data["removed"]
    shape = {"action_no": data["action_no"], verb: count, "no_of_lines": data["no_of_lines"]}
    shape |= {"skipped": data["skipped"]} if verb == "added" else {}  # X7: why left out
    if result.preview:
        shape |= {"preview": True, "sample": data["sample"]}

    def human() -> None:
        if result.preview:
            output.stdout.print(
                f"Preview: {count} contacts would be {verb}; the segment would "
                f"have {data['no_of_lines']} lines. Nothing was changed."
            )
            if data["sample"]:
                output.table(data["sample"], ["no", "name", "type", "company_no"], title="sample")
        else:
            output.stdout.print(
                f"Action {data['action_no']}: {count} contacts {verb}; {data['no_of_lines']} lines."
            )
        if verb == "added":
            output.stdout.print(f"Skipped: {output.counts(data['skipped'])}.")

    output.result(shape, as_json=as_json, human=human)


@app.command("add")
def add(
    ctx: typer.Context,
    segment: Segment,
    where: Where,
    allow_existing: Annotated[
        bool, typer.Option("--allow-existing", help="Allow contacts already on it.")
    ] = False,
    expand_companies: Annotated[
        bool,
        typer.Option("--expand-companies", help="A selected contact brings its whole company."),
    ] = False,
    related_companies: Annotated[
        bool, typer.Option("--related-companies", help="A selected person brings its company.")
    ] = False,
    ignore_exclusion: Annotated[
        bool, typer.Option("--ignore-exclusion", help="Add contacts excluded from segments too.")
    ] = False,
    preview: Preview = False,
) -> None:
    """S3: add the contacts matching the criteria (X2: --preview changes nothing)."""
    from rapport.services.segments import actions as segment_actions

    st = state(ctx)
    options = segment_actions.AddOptions(
        allow_existing=allow_existing,
        expand_companies=expand_companies,
        related_companies=related_companies,
        ignore_exclusion=ignore_exclusion,
    )
    result = segment_actions.add_contacts(
        st.sessions, segment, criteria=where, options=options, user=st.user, preview=preview
    )
    print_action(result, st.json, verb="added")


def _remove(
    ctx: typer.Context,
    kind: str,
    segment: str,
    where: str,
    entire_companies: bool,
    preview: bool,
    keep_criteria: bool,
) -> None:
    from rapport.services.segments import actions as segment_actions

    st = state(ctx)
    action = getattr(segment_actions, kind)
    result = action(
        st.sessions,
        segment,
        criteria=where,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        user=st.user,
        preview=preview,
    )
    print_action(result, st.json, verb="removed")


@app.command("reduce")
def reduce(
    ctx: typer.Context,
    segment: Segment,
    where: Where,
    entire_companies: EntireCompanies = False,
    preview: Preview = False,
    keep_criteria: KeepCriteria = False,
) -> None:
    """S4: remove the lines whose contact matches the criteria."""
    _remove(ctx, "reduce", segment, where, entire_companies, preview, keep_criteria)


@app.command("refine")
def refine(
    ctx: typer.Context,
    segment: Segment,
    where: Where,
    entire_companies: EntireCompanies = False,
    preview: Preview = False,
    keep_criteria: KeepCriteria = False,
) -> None:
    """S4: keep only the lines whose contact matches the criteria."""
    _remove(ctx, "refine", segment, where, entire_companies, preview, keep_criteria)


@app.command("add-contact")
def add_contact(
    ctx: typer.Context,
    segment: Segment,
    contacts: Annotated[list[str], typer.Argument(help="Contact nos.")],
) -> None:
    """S5: add contacts by hand, each as its own undoable action; all or nothing."""
    from rapport.services.segments import manual as segment_manual

    st = state(ctx)
    results = [
        asdict(r)
        for r in segment_manual.add_contacts_by_hand(
            st.sessions, segment, contact_nos=contacts, user=st.user
        )
    ]
    output.result(
        results,
        as_json=st.json,
        human=lambda: output.table(results, ["action_no", "added", "no_of_lines"]),
    )


@app.command("remove-contact")
def remove_contact(
    ctx: typer.Context,
    segment: Segment,
    contacts: Annotated[list[str], typer.Argument(help="Contact nos.")],
    keep_criteria: KeepCriteria = False,
) -> None:
    """S5: remove contacts by hand, each as its own undoable action; all or nothing."""
    from rapport.services.segments import manual as segment_manual

    st = state(ctx)
    results = [
        asdict(r)
        for r in segment_manual.remove_contacts_by_hand(
            st.sessions, segment, contact_nos=contacts, user=st.user, keep_criteria=keep_criteria
        )
    ]
    output.result(
        results,
        as_json=st.json,
        human=lambda: output.table(results, ["action_no", "removed", "no_of_lines"]),
    )


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


from rapport.cli import segment_history  # noqa: E402

segment_history.register(app)

from rapport.cli import segment_outputs  # noqa: E402

segment_outputs.register(app)

from rapport.cli import segment_log  # noqa: E402

segment_log.register(app)

from rapport.cli import segment_delete  # noqa: E402

segment_delete.register(app)
