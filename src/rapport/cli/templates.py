"""`rapport template …`: interaction templates and their language variants (L1).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Assignments, OptionalAssignments, assignments
from rapport.cli.state import state
from rapport.errors import Invalid

app = typer.Typer(no_args_is_help=True, help="Interaction templates and their attachments.")

COLUMNS = [
    "code",
    "interaction_group_code",
    "description",
    "correspondence_type_default",
    "language_code_default",
    "unit_cost",
    "unit_duration",
    "languages",
]
LANGUAGE_COLUMNS = [
    "language_code",
    "description",
    "attachment_no",
    "file_name",
    "read_only",
    "word_template_code",
]


@app.command("list")
def list_templates(ctx: typer.Context) -> None:
    """L1: every interaction template with its language variants."""
    from rapport.services.templates import cards as templates

    st = state(ctx)
    rows = [asdict(row) for row in templates.get_all(st.sessions)]

    def human() -> None:
        output.table(
            [
                {
                    **row,
                    "languages": ", ".join(v["language_code"] or "''" for v in row["languages"]),
                }
                for row in rows
            ],
            COLUMNS,
        )

    output.result(rows, as_json=st.json, human=human)


@app.command("show")
def show(ctx: typer.Context, code: Annotated[str, typer.Argument(help="Template code.")]) -> None:
    """L1: a template's defaults and its language variants with their attachments."""
    from rapport.services.templates import cards as templates

    st = state(ctx)
    row = asdict(templates.get(st.sessions, code))

    def human() -> None:
        output.fields({k: v for k, v in row.items() if k != "languages"})
        output.table(row["languages"], LANGUAGE_COLUMNS, title="languages")

    output.result(row, as_json=st.json, human=human)


@app.command("attach")
def attach(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Template code.")],
    file: Annotated[
        Path, typer.Argument(help=".html/.htm/.txt e-mail body or .docx Word template.")
    ],
    language: Annotated[
        str | None,
        typer.Option("--language", help="Language of the variant (default: the template's)."),
    ] = None,
) -> None:
    """L1: create or replace a language variant with this attachment; its merge fields
    ({{ contact.name }} …) are checked."""
    from rapport.services.templates import cards as templates

    st = state(ctx)
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise Invalid(f"cannot read the file: {exc.strerror}", field=str(file)) from exc
    variant = templates.attach(
        st.sessions, code, file_name=file.name, content=content, language_code=language
    )
    row = asdict(variant)
    output.result(row, as_json=st.json, human=lambda: output.fields(row))


TemplateCode = Annotated[str, typer.Argument(help="Template code.")]


def _show_template(row: dict[str, Any]) -> None:
    output.fields({k: v for k, v in row.items() if k != "languages"})
    output.table(row["languages"], LANGUAGE_COLUMNS, title="languages")


@app.command("create")
def create(ctx: typer.Context, code: TemplateCode, values: OptionalAssignments = None) -> None:
    """L1: a new interaction template, e.g. `interaction_group_code=LETTER
    description=Newsletter correspondence_type_default=email`."""
    from rapport.services.templates import edits

    st = state(ctx)
    row = asdict(edits.create_template(st.sessions, code, values=assignments(values)))
    output.result(row, as_json=st.json, human=lambda: _show_template(row))


@app.command("set")
def set_fields(ctx: typer.Context, code: TemplateCode, values: Assignments) -> None:
    """L1: change a template's fields (e.g. `unit_cost=2.5 language_code_default=NLB`)."""
    from rapport.services.templates import edits

    st = state(ctx)
    row = asdict(edits.set_template(st.sessions, code, values=assignments(values)))
    output.result(row, as_json=st.json, human=lambda: _show_template(row))
