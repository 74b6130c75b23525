"""`rapport contacts duplicates` and `rapport contacts merge KEEP OTHER` (K5).

Registered on the contacts sub-app by `cli/contacts.py`; the services are imported inside
the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

PAIR_COLUMNS = ["score", "contact_no", "contact_name", "duplicate_no", "duplicate_name", "reasons"]


def register(app: typer.Typer) -> None:
    """Add `duplicates` and `merge` to the contacts sub-app."""
    app.command("duplicates")(duplicates)
    app.command("merge")(merge)


def duplicates(
    ctx: typer.Context,
    min_score: Annotated[
        int | None,
        typer.Option(
            "--min-score",
            help="Pairs scoring at least S (0-100; default: the marketing setup's "
            "duplicate_min_score).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """K5: pairs of contacts of one type that are likely one, best first, with their score
    and the values that matched (name, e-mail, phone, VAT no., address; the weights are
    the marketing setup's `duplicate_…_weight` fields)."""
    from rapport.services.contacts.duplicates import find_duplicates

    st = state(ctx)
    found = find_duplicates(st.sessions, min_score=min_score)
    data = asdict(found)

    def human() -> None:
        rows = [{**pair, "reasons": ", ".join(pair["reasons"])} for pair in data["pairs"]]
        output.table(rows, PAIR_COLUMNS)
        output.message(
            f"{output.counted(len(rows), 'pair')} {'scores' if len(rows) == 1 else 'score'}"
            f" {found.min_score} or more ({found.compared} compared)."
        )

    output.result(data, as_json=st.json, human=human)


def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The contact that stays, e.g. CT000002.")],
    other: Annotated[str, typer.Argument(help="The duplicate merged into it and deleted.")],
) -> None:
    """K5: merge OTHER into KEEP in one transaction: groups, relations, responsibilities,
    web sources, opt-outs, alternate addresses, profile answers, interactions, segment
    lines, opportunities, tasks (and a company's persons) move to KEEP; what both have
    under one key stays KEEP's, and the values that differ are listed. A company is not
    merged with a person."""
    from rapport.services.contacts.merge import merge_contacts

    st = state(ctx)
    result = merge_contacts(st.sessions, keep, other_no=other)
    data = asdict(result)

    def human() -> None:
        moved = ", ".join(f"{count} {name}" for name, count in result.moved.items() if count)
        output.message(
            f"Contact {result.merged_no} is merged into {result.contact_no}"
            f" (moved: {moved or 'nothing'})."
        )
        if data["differences"]:
            output.table(
                data["differences"],
                ["table", "key", "field", "kept", "dropped"],
                title=f"values of {result.merged_no} not kept",
            )

    output.result(data, as_json=st.json, human=human)
