"""Ids and entry nos. are 32-bit integers (`domain.codes.LARGEST_ENTRY_NO`); the API's
addresses take up to 2**62 (`RowId`). A larger one names no row: the service answers "not
found" instead of sending it to the database, where PostgreSQL failed on it (a 500, found by
tests/web/test_forms_fuzz.py for tokens, then looked for in the other resources)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("method", "address", "what"),
    [
        ("delete", "/api/tokens/{}", "token"),
        ("delete", "/api/webhooks/{}", "webhook"),
        ("get", "/api/jobs/{}", "job"),
        ("delete", "/api/jobs/{}", "job"),
    ],
)
def test_an_id_past_32_bits_is_not_found(client_as, method, address, what):
    admin = client_as("admin")
    for row_id in (2**31, 2**62):
        answer = getattr(admin, method)(address.format(row_id))
        assert answer.status_code == 404, (address, row_id)
        assert answer.json()["detail"] == f"there is no {what} {row_id}"
