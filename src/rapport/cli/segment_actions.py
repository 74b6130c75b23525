"""`rapport segment add|reduce|refine|add-contact|remove-contact`: the criteria actions and
the manual lines of a segment (S3–S5, X2). Each prints the service's typed result as it is
(JSON: its fields); `print_action` renders any add or removal for people.

`register(app)` adds the commands to the `segment` sub-app. Services are imported inside
the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import (
    Engine,
    EngineName,
    EntireCompanies,
    KeepCriteria,
    Lake,
    Master,
    Preview,
    Segment,
    Where,
)
from rapport.cli.state import state

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from rapport.services.segments.on_lake import LakeAction
    from rapport.services.segments.results import AddResult, RemovalResult, Skipped


def register(app: typer.Typer) -> None:
    """Add these commands to the `segment` sub-app."""
    app.command("add")(add)
    app.command("reduce")(reduce)
    app.command("refine")(refine)
    app.command("add-contact")(add_contact)
    app.command("remove-contact")(remove_contact)


# What a removal that empties a segment does to its criteria (S4; SPEC §6: BC's default).
RESET = (
    "the segment is empty, so its criteria actions and history were reset"
    " (--keep-criteria keeps them)"
)
WOULD_RESET = (
    "The segment would be left empty and its criteria actions and history reset"
    " (use --keep-criteria to keep them)."
)


def left_out(skipped: Skipped) -> str:
    """X7: the sentence of the candidates an add's exclusion and consent rules left out, by
    reason, in the words of `domain.skip_reasons`. Contacts already on the segment are not
    among them (they are not counted)."""
    from rapport.domain.skip_reasons import left_out as sentence

    return str(sentence(asdict(skipped)))


def print_action(result: AddResult | RemovalResult, as_json: bool) -> None:
    """An add or a removal (or its preview, X2): JSON is the result's fields."""
    from rapport.services.segments.results import AddPreview, AddResult, RemovalPreview

    count, verb = (
        (result.added, "added") if isinstance(result, AddResult) else (result.removed, "removed")
    )
    reset = not isinstance(result, AddResult) and result.criteria_reset

    def human() -> None:
        if isinstance(result, AddPreview | RemovalPreview):
            output.say(
                f"Preview: {output.counted(count, 'contact')} would be {verb}; the segment"
                f" would have {output.counted(result.no_of_lines, 'line')}. Nothing was changed."
            )
            if reset:
                output.say(WOULD_RESET)
            if result.sample:
                output.table(result.sample, ["no", "name", "type", "company_no"], title="sample")
        elif reset:
            output.say(f"{output.counted(count, 'contact')} {verb}; {RESET}.")
        else:
            output.say(
                f"Action {result.action_no}: {output.counted(count, 'contact')} {verb};"
                f" {output.counted(result.no_of_lines, 'line')}."
            )
        if isinstance(result, AddResult):  # X7: why candidates were left out
            output.say(left_out(result.skipped))

    output.result(result, as_json=as_json, human=human)


def print_lake_action(
    run: LakeAction, as_json: bool, show: Callable[[Any], None] | None = None
) -> None:
    """An action run on Spark: the action as on the database (`show`, by default as an add
    or a removal), then the lake's contact nos. unknown here (skipped) and the time Spark
    took."""
    if as_json:
        output.write_json(run)
        return
    (show or (lambda result: print_action(result, False)))(run.result)
    if run.unknown_contacts:
        output.say(
            f"Skipped {run.unknown_contacts} contact nos. of the lake that are not in the "
            f"database: {', '.join(run.unknown_sample)}"
            + (" …" if run.unknown_contacts > len(run.unknown_sample) else "")
        )
    output.say(
        f"Spark ({run.master}): start-up {run.startup_seconds:.1f} s, "
        f"job {run.spark_seconds:.1f} s."
    )


def lake_folder(folder: Path | None) -> Path:
    """The lake's folder of a command run with --engine spark."""
    if folder is None:
        raise typer.BadParameter(
            "--engine spark reads a lake: give its folder", param_hint="--lake"
        )
    return folder


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
    engine: Engine = EngineName.DATABASE,
    lake: Lake = None,
    master: Master = "local[*]",
) -> None:
    """S3: add the contacts matching the criteria (X2: --preview changes nothing).

    With --engine spark the criteria run on Spark over the lake."""
    from rapport.services.segments.results import AddOptions

    st = state(ctx)
    options = AddOptions(
        allow_existing=allow_existing,
        expand_companies=expand_companies,
        related_companies=related_companies,
        ignore_exclusion=ignore_exclusion,
    )
    if engine is EngineName.SPARK:
        from rapport.services.segments import on_lake

        run = on_lake.add_contacts_on_lake(
            st.sessions,
            segment,
            criteria=where,
            options=options,
            lake=lake_folder(lake),
            master=master,
            user=st.user,
            preview=preview,
        )
        print_lake_action(run, st.json)
        return
    if preview:  # read through Core on the engine: the command imports no ORM (SPEC §9)
        from rapport.services.segments.previews import preview_add

        print_action(preview_add(st.database, segment, criteria=where, options=options), st.json)
        return
    from rapport.services.segments import actions as segment_actions

    result = segment_actions.add_contacts(
        st.database, segment, criteria=where, options=options, user=st.user
    )
    print_action(result, st.json)


def reduce(
    ctx: typer.Context,
    segment: Segment,
    where: Where,
    entire_companies: EntireCompanies = False,
    preview: Preview = False,
    keep_criteria: KeepCriteria = False,
    engine: Engine = EngineName.DATABASE,
    lake: Lake = None,
    master: Master = "local[*]",
) -> None:
    """S4: remove the lines whose contact matches the criteria.

    When it leaves the segment empty and the segment has more than one criteria action (this
    one counted), its criteria actions and history are reset, as Business Central's default
    answer does, unless --keep-criteria. --json then says "criteria_reset": true and
    "action_no": 0; with --preview, whether it would.

    With --engine spark the criteria run on Spark over the lake."""
    options = {
        "criteria": where,
        "entire_companies": entire_companies,
        "keep_criteria": keep_criteria,
        "preview": preview,
    }
    _remove(ctx, "reduce", segment, options, engine=engine, lake=lake, master=master)


def refine(
    ctx: typer.Context,
    segment: Segment,
    where: Where,
    entire_companies: EntireCompanies = False,
    preview: Preview = False,
    keep_criteria: KeepCriteria = False,
    engine: Engine = EngineName.DATABASE,
    lake: Lake = None,
    master: Master = "local[*]",
) -> None:
    """S4: keep only the lines whose contact matches the criteria.

    When it leaves the segment empty and the segment has more than one criteria action (this
    one counted), its criteria actions and history are reset, as Business Central's default
    answer does, unless --keep-criteria. --json then says "criteria_reset": true and
    "action_no": 0; with --preview, whether it would.

    With --engine spark the criteria run on Spark over the lake."""
    options = {
        "criteria": where,
        "entire_companies": entire_companies,
        "keep_criteria": keep_criteria,
        "preview": preview,
    }
    _remove(ctx, "refine", segment, options, engine=engine, lake=lake, master=master)


def _remove(
    ctx: typer.Context,
    kind: str,
    segment: str,
    options: dict[str, Any],
    *,
    engine: EngineName,
    lake: Path | None,
    master: str,
) -> None:
    """The one body of reduce and refine (`kind`), on the database or on Spark."""
    st = state(ctx)
    if engine is EngineName.SPARK:
        from rapport.services.segments import on_lake

        on_spark = on_lake.reduce_on_lake if kind == "reduce" else on_lake.refine_on_lake
        done = on_spark(
            st.sessions, segment, lake=lake_folder(lake), master=master, user=st.user, **options
        )
        print_lake_action(done, st.json)
        return
    if options["preview"]:  # read through Core on the engine, as an add's preview
        from rapport.domain.enums import SegmentAction
        from rapport.services.segments.previews import preview_removal

        result = preview_removal(
            st.database,
            segment,
            action=SegmentAction.REDUCE if kind == "reduce" else SegmentAction.REFINE,
            criteria=options["criteria"],
            entire_companies=options["entire_companies"],
            keep_criteria=options["keep_criteria"],
        )
        print_action(result, st.json)
        return
    from rapport.services.segments import actions as segment_actions

    on_db = segment_actions.reduce if kind == "reduce" else segment_actions.refine
    print_action(on_db(st.database, segment, user=st.user, **options), st.json)


def add_contact(
    ctx: typer.Context,
    segment: Segment,
    contacts: Annotated[list[str], typer.Argument(help="Contact nos.")],
) -> None:
    """S5: add contacts by hand, each as its own undoable action; all or nothing."""
    from rapport.services.segments import manual as segment_manual

    st = state(ctx)
    results = segment_manual.add_contacts_by_hand(
        st.sessions, segment, contact_nos=contacts, user=st.user
    )
    output.result(
        results,
        as_json=st.json,
        human=lambda: output.table(results, ["action_no", "added", "no_of_lines"]),
    )


def remove_contact(
    ctx: typer.Context,
    segment: Segment,
    contacts: Annotated[list[str], typer.Argument(help="Contact nos.")],
    keep_criteria: KeepCriteria = False,
) -> None:
    """S5: remove contacts by hand, each as its own undoable action; all or nothing."""
    from rapport.services.segments import manual as segment_manual

    st = state(ctx)
    results = segment_manual.remove_contacts_by_hand(
        st.sessions, segment, contact_nos=contacts, user=st.user, keep_criteria=keep_criteria
    )

    def human() -> None:
        output.table(results, ["action_no", "removed", "no_of_lines"])
        if any(result.criteria_reset for result in results):  # action no. 0
            output.say(f"{RESET[0].upper()}{RESET[1:]}.")

    output.result(results, as_json=st.json, human=human)
