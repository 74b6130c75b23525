"""Whole-process start-up of the CLI (SPEC §9: `rapport --help` and a one-contact command
≤ 0.3 s): a command loads only what it needs. Each command runs in its own interpreter with
`python -X importtime`, whose report names every module the process imported; a command
that does not need a heavy library must not load it, and a command that only reads
(`contacts show`, `segment list`) reads through SQLAlchemy Core without the ORM.
`benchmarks/bench_startup.py` times the whole processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import typer

from rapport.cli import collector
from rapport.cli.main import build, command_line
from rapport.services.segments.header import create_segment
from rapport.storage import tables
from rapport.storage.db import open_database
from tests.factories import build_log_world, make_company, make_segment

# Libraries no read of one contact, and no help text, needs: the server, the documents,
# the spreadsheets, the mail server, Spark and Arrow, the migrations.
HEAVY = (
    "alembic",
    "openpyxl",
    "docx",
    "docxtpl",
    "jinja2",
    "aiosmtpd",
    "fastapi",
    "starlette",
    "pyspark",
    "pyarrow",
    "pyroaring",  # the server's preview accelerator
)
# The criteria engine: its grammar (lark) and the compiler are for commands given criteria.
CRITERIA = ("lark", "rapport.criteria")
# What a command that only reads does without: SQLAlchemy's ORM and the mapped classes (it
# reads the Core tables of `storage.schema`), and pydantic (Typer's conversion of a
# parameter, built only for a value that needs it).
ORM = ("sqlalchemy.orm", "rapport.storage.tables", "pydantic")
# What `--help` does without: the standard modules a command imports when it writes JSON
# (json), reads a rapport.toml (tomllib) or reports an internal error (tempfile).
HELP_ONLY_LACKS = ("json", "tomllib", "tempfile")
# What a command on SQLite does without: PostgreSQL's dialect (SQLAlchemy loads a dialect to
# check an index option named after it; the partial indexes declare none).
OTHER_ENGINE = ("sqlalchemy.dialects.postgresql",)
# What reading a contact does without: the rules that check a written value.
WRITE_RULES = ("rapport.domain.rules", "rapport.domain.codes")
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \| (\s*)(\S+)$")


def imported_modules(*args: str) -> set[str]:
    """The modules `rapport ARGS…` imports, run as a process of its own."""
    command = [sys.executable, "-X", "importtime", "-m", "rapport", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {match.group(2) for line in done.stderr.splitlines() if (match := IMPORTED.match(line))}


def loaded(modules: set[str], packages: tuple[str, ...]) -> set[str]:
    """The top packages of `packages` (or their submodules) among `modules`."""
    return {p for p in packages for m in modules if m == p or m.startswith(p + ".")}


def test_x10_help_imports_no_database_criteria_or_heavy_library():
    modules = imported_modules("--help")
    assert "rapport.cli.main" in modules  # the report is read right
    assert loaded(modules, ("sqlalchemy", "rapport.services", *CRITERIA, *HEAVY, *ORM)) == set()
    assert loaded(modules, HELP_ONLY_LACKS) == set()


def test_x10_the_guard_sees_json_when_a_command_writes_it(sqlite_url):
    """The standard modules `--help` does without are imported where they are used."""
    modules = imported_modules("--db", sqlite_url, "--json", "segment", "list")
    assert "json" in modules


def outcome(app: typer.Typer, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple:
    """What `app` does with `argv` in-process: its output, and the message of the usage
    error it raises (if any)."""
    try:
        app(args=argv, prog_name="rapport", standalone_mode=False)
        message = None
    except typer.TyperException as exc:
        message = (type(exc).__name__, exc.format_message())
    return capsys.readouterr(), message


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--json", "--help"], ["--help", "contacts"], [], ["contact", "show"], ["--db"]],
    ids=["help", "json-help", "help-before-command", "no-arguments", "unknown", "no-value"],
)
def test_x10_the_root_without_a_sub_command_shows_what_the_whole_command_line_does(argv, capsys):
    """A command line that runs no sub-command builds each group as its outline (SPEC §9:
    start-up): its help, and its usage errors with their suggestions, are the whole
    command line's, word for word."""
    whole = outcome(build(), argv, capsys)
    assert outcome(build(outlines=True), argv, capsys) == whole
    assert whole[0].out or whole[1]  # each case shows something


@pytest.mark.parametrize(
    "argv",
    [
        ["contacts", "show", "--help"],
        ["contacts", "show"],
        ["contacts", "show", "A", "B"],
        ["segment", "list", "--help"],
        ["segment", "add", "--help"],
        ["segment", "add", "1", "--bogus"],
        ["contacts", "shw"],
        ["contacts", "--help"],
        ["--db", "x.db", "segment", "history", "--help"],
    ],
)
def test_x10_a_command_of_a_group_is_built_alone_and_says_what_the_whole_group_does(argv, capsys):
    """The group of the command run holds that command alone (SPEC §9: start-up): its
    help and its usage errors are the whole group's, word for word; a name that is no
    command of the group keeps the whole group (its "did you mean")."""
    name, following = command_line(argv)
    assert name is not None
    whole = outcome(build((name,)), argv, capsys)
    assert outcome(build((name,), only=following), argv, capsys) == whole
    assert whole[0].out or whole[1]


def test_x10_segment_list_builds_one_command_of_the_segment_group():
    group = typer.main.get_command(build(("segment",), only="list"))
    assert isinstance(group, typer.core.TyperGroup)
    segment = group.commands["segment"]
    assert isinstance(segment, typer.core.TyperGroup)
    assert list(segment.commands) == ["list"]


def test_x10_help_of_a_sub_command_imports_no_database():
    modules = imported_modules("segment", "add", "--help")
    assert loaded(modules, ("sqlalchemy", "rapport.services", *CRITERIA, *HEAVY, *ORM)) == set()


@pytest.fixture
def database(sqlite_url):
    """A migrated database with one contact, so the commands below neither create nor
    migrate it (that needs Alembic)."""
    with open_database(sqlite_url).begin() as session:
        make_company(session, "C00001", name="Acme")
    return sqlite_url


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_x10_k1_contacts_show_imports_neither_the_orm_nor_the_criteria_engine(database, as_json):
    json_flag = ("--json",) if as_json else ()
    modules = imported_modules("--db", database, *json_flag, "contacts", "show", "C00001")
    assert "rapport.services.contacts.card" in modules
    assert "rapport.storage.schema" in modules
    assert "sqlalchemy.dialects.sqlite" in modules
    assert loaded(modules, (*ORM, *CRITERIA, *HEAVY, *OTHER_ENGINE, *WRITE_RULES)) == set()


def test_x10_segment_list_imports_neither_the_orm_nor_heavy_libraries(database):
    modules = imported_modules("--db", database, "segment", "list")
    assert "rapport.services.segments.overview" in modules
    assert loaded(modules, (*ORM, *CRITERIA, *HEAVY, *OTHER_ENGINE)) == set()


def test_x10_a_command_that_writes_still_maps_the_orm(database):
    """The guard above reads the report right: a command that writes loads the ORM."""
    modules = imported_modules("--db", database, "contacts", "add", "name=Beta")
    assert loaded(modules, ("sqlalchemy.orm", "rapport.storage.tables")) == {
        "sqlalchemy.orm",
        "rapport.storage.tables",
    }


@pytest.fixture
def with_segment(database):
    """The database above with segment SEG00001, created by a command of its own."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rapport",
            "--db",
            database,
            "segment",
            "create",
            "--description",
            "S",
        ],
        check=True,
        capture_output=True,
    )
    return database


def test_x10_x2_a_preview_reads_through_core_without_the_orm(with_segment):
    """SPEC §9, X2: `segment add|reduce|refine --preview` changes nothing, so it reads
    through Core on the engine, as `segment list` does: no ORM, no mapped class, no heavy
    library; the criteria engine is loaded (it was given criteria)."""
    rapport = ("--db", with_segment, "--json")
    for command in (
        ("add", "SEG00001", "--where", "name = Acme", "--preview"),
        ("reduce", "SEG00001", "--where", "name = Acme", "--preview"),
        ("refine", "SEG00001", "--where", "name = Acme", "--entire-companies", "--preview"),
    ):
        modules = imported_modules(*rapport, "segment", *command)
        assert "rapport.services.segments.previews" in modules, command
        assert "rapport.criteria.compile_sql" in modules, command
        assert loaded(modules, (*ORM, *HEAVY, *OTHER_ENGINE)) == set(), command


AREAS = tuple(f"rapport.storage.tables.{area}" for area in tables.AREAS if area != "_base")


def test_x10_s3_s4_s8_criteria_actions_and_undo_write_through_core_without_the_orm(with_segment):
    """SPEC §9: an add (S3), a reduce and a refine (S4) and an undo (S8) write through Core
    on the engine: no ORM, no mapped class of any area, no heavy library; the actions load
    the criteria engine and its grammar (they were given criteria text), an undo neither (a
    static segment's undo reads no criteria)."""
    rapport = ("--db", with_segment, "--json")
    for command in (
        ("add", "SEG00001", "--where", "name = Acme"),
        ("reduce", "SEG00001", "--where", "name = Acme"),
        ("refine", "SEG00001", "--where", "name = Acme", "--entire-companies"),
    ):
        modules = imported_modules(*rapport, "segment", *command)
        assert "rapport.services.segments._recording" in modules, command
        assert "rapport.criteria.compile_sql" in modules, command
        assert loaded(modules, ("lark", "rapport.criteria.parser")) == {
            "lark",
            "rapport.criteria.parser",
        }, command
        assert loaded(modules, (*ORM, *HEAVY, *OTHER_ENGINE, *AREAS)) == set(), command
    undone = imported_modules(*rapport, "segment", "undo", "SEG00001")
    assert "rapport.services.segments.history" in undone
    assert loaded(undone, (*ORM, *CRITERIA, *HEAVY, *OTHER_ENGINE, *AREAS)) == set()


@pytest.fixture
def loggable(sqlite_url):
    """A database of the log's world with segments SEG1 and SEG2, each ready to be logged
    (P1 and P4 on it)."""
    with open_database(sqlite_url).begin() as session:
        world = build_log_world(session)
        for no in ("SEG1", "SEG2"):
            make_segment(
                session,
                no,
                interaction_template_code="CALL",
                salesperson_code="JO",
                lines=[{"contact": world["P1"]}, {"contact": world["P4"]}],
            )
    return sqlite_url


def test_x10_l2_l4_a_log_writes_through_core_and_a_follow_up_maps_the_segments_alone(loggable):
    """SPEC §9, L2: `segment log` writes through Core on the engine (no ORM, no mapped class,
    no heavy library) and reads no criteria; with a follow-up segment (L4), whose header is
    inserted as a mapped object, it maps the classes of the segments alone."""
    rapport = ("--db", loggable, "--json", "segment", "log")
    logged = imported_modules(*rapport, "SEG1")
    assert "rapport.services.interactions.log" in logged
    assert loaded(logged, (*ORM, *CRITERIA, *HEAVY, *OTHER_ENGINE, *AREAS)) == set()
    followed = imported_modules(*rapport, "SEG2", "--follow-up")
    assert loaded(followed, ("sqlalchemy.orm", *AREAS)) == {
        "sqlalchemy.orm",
        "rapport.storage.tables.segments",
    }


def test_x10_s3_s8_l2_text_written_to_a_pipe_loads_no_rich(loggable):
    """SPEC §9: the text result of a command (no --json) written to a pipe, as a script or a
    log file takes it, is written as it is; rich is loaded to draw on a terminal only."""
    rapport = ("--db", loggable)
    for command in (
        ("segment", "add", "SEG1", "--where", "name = Acme", "--preview"),
        ("segment", "add", "SEG1", "--where", "name = Acme"),
        ("segment", "undo", "SEG1"),
        ("segment", "log", "SEG2"),
        ("contacts", "show", "P1"),
    ):
        modules = imported_modules(*rapport, *command)
        assert loaded(modules, ("rich",)) == set(), command


def run_main(*args: str, tmp_path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`rapport ARGS…` as a process through the installed entry point (`main`), with what
    its collector holds frozen, its threshold as the interpreter exits, and how many
    collections it ran while `main` ran."""
    probe = tmp_path / "probe.txt"
    code = (
        "import atexit, gc, sys\n"
        "import os\n"
        "def ran():\n"
        "    return sum(generation['collections'] for generation in gc.get_stats())\n"
        "atexit.register(lambda: open(os.environ['PROBE'], 'w').write("
        "f'{gc.get_freeze_count()} {gc.get_threshold()[0]} {ran() - before}'))\n"
        "from rapport.cli.main import main\n"
        "sys.argv[0] = 'rapport'\n"
        "before = ran()\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "PROBE": str(probe)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, probe.read_text().split()


def test_x10_the_command_line_freezes_what_it_built_before_it_exits(database, tmp_path):
    """SPEC §9: the exit does not walk the command's objects again (a quarter of `contacts
    show`), young garbage is collected after `collector.THRESHOLD` new objects once the
    database is open, and a command that reads one contact makes fewer: it runs no
    collection."""
    done, (frozen, threshold, collections) = run_main(
        "--db", database, "contacts", "show", "C00001", tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Acme" in done.stdout
    assert int(frozen) > 10_000  # the modules, tables and command tree
    assert int(threshold) == collector.THRESHOLD
    assert int(collections) == 0


def test_x10_s4_a_criteria_action_starts_without_a_collection(database_url, tmp_path):
    """SPEC §9: a reduce loads the criteria engine and lark on top of what `contacts show`
    loads, past 100,000 new objects on PostgreSQL (its driver's import too); start-up waits
    for `collector.START_UP_THRESHOLD`, so the command runs no collection (one walking them
    all took 21–23 ms)."""
    sessions = open_database(database_url)
    with sessions.begin() as session:
        make_company(session, "C00001", name="Acme")
    no = create_segment(sessions, description="S", user="ADMIN").no
    sessions.kw["bind"].dispose()
    done, (_frozen, threshold, collections) = run_main(
        "--db", database_url, "segment", "reduce", no, "--where", "name = Acme", tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert int(threshold) == collector.THRESHOLD
    assert int(collections) == 0


def test_x10_a_file_written_by_a_command_is_whole_when_the_process_has_exited(database, tmp_path):
    """Files are closed by the command, not by the collector at exit: an export to a file
    holds every row once the process is gone."""
    out = tmp_path / "contacts.csv"
    done, _ = run_main("--db", database, "export", "contacts", "-o", str(out), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("C00001,")
