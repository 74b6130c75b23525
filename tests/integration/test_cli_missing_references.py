"""The command line's one error line for a record its input names that is not there (STYLE
"Errors"): Business Central's sentence names the record and its key; the argument that
named it goes first only where the command line shows it (`OTHER` of `contacts merge`), never
as a service's field name the user did not type."""

from __future__ import annotations

import json

import pytest

from tests.integration.command_line import on_segment_world


@pytest.fixture
def rapport(sqlite_url, capsys):
    """`rapport --db … --user admin ARGS` on the segment world: exit status, out, err."""
    return on_segment_world(sqlite_url, capsys)


def test_k5_a_missing_other_contact_is_said_after_its_argument(rapport):
    assert rapport("contacts", "merge", "ACME", "NOPE") == (
        1,
        "",
        "error: OTHER: The Contact does not exist. Identification fields and values: No.='NOPE'\n",
    )
    code, _, err = rapport("contacts", "merge", "NOPE", "ACME")
    assert (code, err) == (
        1,
        "error: The Contact does not exist. Identification fields and values: No.='NOPE'\n",
    )


def test_s2_s5_a_missing_code_in_a_field_value_is_said_in_bcs_words_alone(rapport):
    code, out, err = rapport("--json", "segment", "create", "--description", "Mailing")
    assert code == 0, err
    no = json.loads(out)["no"]
    code, _, err = rapport("segment", "set", no, "salesperson_code=NOPE")
    assert (code, err) == (
        1,
        "error: The Salesperson/Purchaser does not exist. Identification fields and values: "
        "Code='NOPE'\n",
    )
    code, _, err = rapport("segment", "add-contact", no, "NOPE")
    assert (code, err) == (
        1,
        "error: The Contact does not exist. Identification fields and values: No.='NOPE'\n",
    )
