"""SPEC §6: every command takes `--json`, written before the command (where the option is
declared) or after it, where a user adds it to the command they just ran."""

from __future__ import annotations

import json

from rapport.cli.main import json_first


def test_x9_json_after_the_command_is_the_same_answer_as_before_it(rapport):
    assert rapport("contacts", "add", "name=Ann Peeters", "type=person")[0] == 0
    status, before, _ = rapport("--json", "contacts", "list")
    assert status == 0
    status, after, err = rapport("contacts", "list", "--json")
    assert (status, err) == (0, "")
    assert json.loads(after) == json.loads(before)
    assert [row["name"] for row in json.loads(after)] == ["Ann Peeters"]
    status, shown, _ = rapport("contacts", "show", json.loads(after)[0]["no"], "--json")
    assert (status, json.loads(shown)["name"]) == (0, "Ann Peeters")


def test_x9_json_moves_in_front_and_nothing_else_moves():
    assert json_first(["segment", "show", "S1", "--json"]) == ["--json", "segment", "show", "S1"]
    assert json_first(["--json", "segment", "list", "--json"]) == ["--json", "segment", "list"]
    assert json_first(["segment", "list"]) == ["segment", "list"]
    # after `--` an argument is an argument, even one that reads "--json"
    assert json_first(["criteria", "save", "--", "--json"]) == ["criteria", "save", "--", "--json"]
