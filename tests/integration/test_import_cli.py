"""K4 on the command line: `rapport import` and `rapport export`, their output and exit codes."""

from __future__ import annotations

import json

import pytest

from rapport.cli.main import run
from tests.integration.import_world import write_file


@pytest.fixture
def db(sqlite_url):
    return sqlite_url


def test_k4_import_prints_the_count_and_exits_0(db, tmp_path, capsys):
    path = write_file(tmp_path / "l.csv", [["code", "name"], ["nlb", "Dutch"], ["FRB", "French"]])
    assert run(["--db", db, "import", "languages", str(path)]) == 0
    assert "languages: 2 imported" in capsys.readouterr().err


def test_k4_import_with_json_prints_the_result(db, tmp_path, capsys):
    path = write_file(tmp_path / "l.csv", [["code", "name"], ["NLB", "Dutch"], ["X" * 11, "?"]])
    assert run(["--db", db, "--json", "import", "languages", str(path), "--skip-bad-rows"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert (data["inserted"], data["bad_rows"][0]["line"]) == (1, 3)
    assert "skipped line 3, column code" in captured.err


def test_k4_a_bad_file_exits_1_with_every_bad_row_on_stderr(db, tmp_path, capsys):
    path = write_file(tmp_path / "c.csv", [["no", "excluded"], ["C1", "maybe"], ["C2", "x"]])
    assert run(["--db", db, "import", "contacts", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 bad rows; nothing imported" in err
    assert "line 2, column excluded" in err
    assert "line 3, column excluded" in err


@pytest.mark.parametrize(
    "args",
    [
        ["import", "contacts"],
        ["import", "contacts", "c.csv", "--frobnicate"],
    ],
)
def test_k4_usage_errors_exit_2(db, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "contacts.txt").write_text("no\n")
    (tmp_path / "c.csv").write_text("no\n")
    assert run(["--db", db, *args]) == 2


def test_k4_export_writes_csv_to_stdout_and_a_file_round_trips(db, tmp_path, capsys):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "company_no"],
            ["C1", "company", "Acme", ""],
            ["P1", "person", "Ann", "C1"],
        ],
    )
    assert run(["--db", db, "import", "contacts", str(path)]) == 0
    capsys.readouterr()
    assert run(["--db", db, "export", "contacts"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("no,type,name,search_name,company_no,company_name")
    assert out.splitlines()[2].startswith("P1,person,Ann,ANN,C1,Acme")
    first, second = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    assert run(["--db", db, "export", "contacts", "-o", str(first)]) == 0
    assert run(["--db", db, "import", "contacts", str(first), "--update"]) == 0
    assert run(["--db", db, "export", "contacts", "-o", str(tmp_path / "two.csv")]) == 0
    assert (tmp_path / "two.csv").read_text() == out
    assert run(["--db", db, "export", "contacts", "-o", str(second)]) == 0


def test_k4_a_row_with_three_errors_is_one_bad_row_listing_each_error(db, tmp_path, capsys):
    """K4: the counts are of rows; every error is still listed with its line and column."""
    header = ["no", "type", "name", "country", "language", "salesperson"]
    path = write_file(tmp_path / "c.csv", [header, ["C1", "person", "Eve", "ZZ", "XXX", "NOPE"]])
    assert run(["--db", db, "import", "contacts", str(path)]) == 1
    err = capsys.readouterr().err
    assert "c.csv: 1 bad row (3 errors); nothing imported" in err
    for column in ("country", "language", "salesperson"):
        assert f"line 2, column {column}:" in err
    assert run(["--db", db, "import", "contacts", str(path), "--skip-bad-rows"]) == 0
    err = capsys.readouterr().err
    assert "contacts: 0 imported, 1 bad row skipped (3 errors)" in err
    assert err.count("skipped line 2, column") == 3


def test_k4_a_refused_file_with_json_gives_every_error_on_stdout(db, tmp_path, capsys):
    header = ["no", "type", "name", "country", "language", "salesperson"]
    path = write_file(tmp_path / "c.csv", [header, ["C1", "person", "Eve", "ZZ", "XXX", "NOPE"]])
    assert run(["--db", db, "--json", "import", "contacts", str(path)]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert (data["inserted"], data["no_of_bad_rows"], len(data["bad_rows"])) == (0, 1, 3)
    assert "1 bad row (3 errors); nothing imported" in captured.err


@pytest.mark.parametrize("skip", [False, True], ids=["refused", "skipped"])
def test_k4_many_errors_print_the_first_20_and_how_many_more(db, tmp_path, capsys, skip):
    """K4: re-importing an export without --update (every key exists) does not drown the
    terminal: 20 errors, then how many more --json lists."""
    rows = [["code", "name"], *([f"L{n}", "Lang"] for n in range(25))]
    path = write_file(tmp_path / "l.csv", rows)
    assert run(["--db", db, "import", "languages", str(path)]) == 0
    capsys.readouterr()
    flags = ["--skip-bad-rows"] if skip else []
    assert run(["--db", db, "import", "languages", str(path), *flags]) == (0 if skip else 1)
    err = capsys.readouterr().err
    assert err.count("is already in languages") == 20
    assert "… 5 more errors (--json lists them all)." in err
    assert ("languages: 0 imported, 25 bad rows skipped" in err) is skip
    assert run(["--db", db, "--json", "import", "languages", str(path), *flags]) == int(not skip)
    assert len(json.loads(capsys.readouterr().out)["bad_rows"]) == 25
