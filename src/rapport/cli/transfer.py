"""`rapport import` and `rapport export`: tables to and from CSV or Excel files (K4, SPEC §6.1).

A file with bad rows imports nothing and exits 1, its bad rows counted on stderr; with
`--skip-bad-rows` the good rows are imported, the bad ones counted on stderr, and the exit
status is 0. A row may be bad for several reasons: each error is listed with its line and
column, the first `ERRORS_SHOWN` on stderr, and every one in the JSON result (`--json`,
written for a refused file too). An unknown table, a missing file or an unsupported
extension is a bad value (exit 1, SPEC §6). Services are imported inside the commands so
that `rapport --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rapport.cli import output, progress
from rapport.cli.state import state
from rapport.errors import Invalid

if TYPE_CHECKING:
    from rapport.services.transfer.imports import BadFile, ImportResult

Table = Annotated[
    str, typer.Argument(help="Table, e.g. contacts or contact_mailing_groups.", show_default=False)
]


def _table_spec(table: str) -> str:
    from rapport.services.transfer import tables as import_tables

    try:
        return import_tables.get(table).name
    except Invalid as exc:
        raise typer.BadParameter(exc.message, param_hint="TABLE") from exc


def _usable(path: Path, hint: str) -> None:
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter(f"{path.name}: expected a .csv or .xlsx file", param_hint=hint)


def import_table(
    ctx: typer.Context,
    table: Table,
    file: Annotated[
        Path,
        typer.Argument(
            help="A .csv or .xlsx file with a header row.",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ],
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Import the good rows and list the bad ones.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update", help="Update the rows whose key exists instead of rejecting them."
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Encoding of a CSV file, e.g. latin-1 or cp1252 (default: from its byte "
            "order mark, else UTF-8).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """K4: import a CSV/XLSX file into TABLE; nothing is imported when a row is bad.

    Profile answers (contact_profile_answers) keep one answer per contact to a question
    without multiple answers (K2): a file answering one twice for a contact is refused on
    the later line, and a row whose contact already gave another answer is refused naming
    it, as a row whose key exists is, unless --update, which replaces that answer. On a
    terminal the bar names the phase: reading the file, then checking the rows, writing
    them, building the indexes (a first load of contacts), updating the statistics and
    committing."""
    name = _table_spec(table)
    _usable(file, "FILE")
    from rapport.services.transfer import imports

    st = state(ctx)
    try:
        with progress.bar(f"Importing {file.name}", as_json=st.json) as update_bar:
            result = imports.import_table(
                st.sessions,
                name,
                file,
                by=st.user,
                skip_bad_rows=skip_bad_rows,
                update=update,
                encoding=encoding,
                on_progress=update_bar,
            )
    except imports.BadFile as exc:
        raise _refused(exc, name, as_json=st.json) from exc
    _imported(result, update=update, as_json=st.json)


def _refused(exc: BadFile, table: str, *, as_json: bool) -> Invalid:
    """A refused file's error: its bad rows counted, its first errors listed; with --json,
    every error is written on stdout first, as a job's result gives them."""
    from rapport.services.transfer.imports import ImportResult

    if as_json:
        output.write_json(ImportResult(table, 0, 0, exc.bad_rows).data())
    lines = [str(exc.headline), *_listed(exc.bad_rows)]
    return Invalid("\n".join(lines), field=exc.field)


def _listed(bad_rows: Sequence[object], prefix: str = "") -> list[str]:
    """The first errors of an import, one a line, then how many more --json gives."""
    from rapport.services.transfer.imports import ERRORS_SHOWN

    lines = [f"{prefix}{bad}" for bad in bad_rows[:ERRORS_SHOWN]]
    if len(bad_rows) > ERRORS_SHOWN:
        more = len(bad_rows) - ERRORS_SHOWN
        lines.append(f"… {output.counted(more, 'more error')} (--json lists them all).")
    return lines


def _imported(result: ImportResult, *, update: bool, as_json: bool) -> None:
    """An import's outcome: the errors of the rows skipped, then what was imported."""
    for line in _listed(result.bad_rows, prefix="skipped "):
        output.message(line)

    def human() -> None:
        updated = f", {result.updated} updated" if update else ""
        skipped = ""
        if result.bad_rows:
            rows, errors = result.no_of_bad_rows, len(result.bad_rows)
            skipped = f", {output.counted(rows, 'bad row')} skipped"
            if errors != rows:
                skipped += f" ({errors} errors)"
        output.message(f"{result.table}: {result.inserted} imported{updated}{skipped}")

    output.result(result.data(), as_json=as_json, human=human)


def export_table(
    ctx: typer.Context,
    table: Table,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write to FILE (.csv or .xlsx); default: CSV on stdout.",
            show_default=False,
        ),
    ] = None,
    where: Annotated[
        str | None,
        typer.Option(
            "--where",
            help='Criteria selecting contacts, e.g. "country = BE and type = person"; on a '
            "table of contacts' rows (contact_mailing_groups …), the rows of those contacts.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """K4: export TABLE with the columns its import reads, in key order; with --where, the
    contacts (or their rows) the criteria select. Bad criteria exit 1, nothing written.
    Written to a file on a terminal, a progress bar follows the rows."""
    name = _table_spec(table)
    if out is not None:
        _usable(out, "'-o' / '--output'")
    from rapport.services.transfer import exports

    st = state(ctx)
    with progress.bar(f"Exporting {name}", as_json=st.json or out is None) as update_bar:
        result = exports.export_table(
            st.sessions,
            name,
            where=where,
            path=out,
            stream=None if out else sys.stdout,
            on_progress=update_bar,
        )
    if out is not None:
        output.result(
            asdict(result),
            as_json=st.json,
            human=lambda: output.message(f"{result.table}: {result.rows} rows exported to {out}"),
        )
