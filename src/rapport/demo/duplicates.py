"""The demo company's planted duplicate contacts (K5), for `rapport contacts duplicates`.

Four contacts of the demo are entered a second time, each the way duplicates creep into a
contact base (the demo keeps its 260 contacts: the copies are made of contacts that were
generated last, so nothing else changes):

* the 1st person on its own, of the 1st company's first person: the name written "Last
  First", the e-mail in capitals (found by: same name, same e-mail);
* the 2nd person on its own, of the 2nd company's first person: one letter dropped from the
  name, the phone written another way, at the company's address (name, phone, address);
* the 3rd person on its own, of the 3rd company's first person: the name in capitals with
  its accents dropped, the same e-mail (same name, same e-mail);
* the last company (with its persons), of the company before it: the legal form written
  differently, the VAT no. with spaces, the same address (name, VAT no., address).

`planted` names them by contact no. (duplicate, original); `docs/demo.md` lists them for
the demo's users.
"""

from __future__ import annotations

import unicodedata

from rapport.demo.setup_data import Row


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _first_person(contacts: list[Row], company: Row) -> Row:
    return next(c for c in contacts if c.get("_company") is company)


def _rename(contact: Row, name: str) -> None:
    contact["name"], contact["search_name"] = name, name.upper()


def _pairs(contacts: list[Row]) -> list[tuple[Row, Row]]:
    companies = [c for c in contacts if c["type"] == "company"]
    alone = [c for c in contacts if c["type"] == "person" and c.get("_company") is None]
    originals = [_first_person(contacts, company) for company in companies[:3]]
    return [*zip(alone[:3], originals, strict=True), (companies[-1], companies[-2])]


def plant(contacts: list[Row]) -> None:
    """Turn the contacts generated last into duplicates of earlier ones (see the table)."""
    (one, first), (two, second), (three, third), (company, original) = _pairs(contacts)
    given, last = first["name"].split(" ", 1)
    _rename(one, f"{last} {given}")
    one["email"], one["language"] = first["email"].upper(), first["language"]
    _rename(two, second["name"][:-2] + second["name"][-1])
    two["phone"] = "".join(ch for ch in second["phone"] if ch.isdigit())
    for name in ("address", "post_code", "city"):
        two[name] = second[name]
    _rename(three, _ascii(third["name"]).upper())
    three["email"], three["language"] = third["email"], third["language"]
    stem = original["name"].rsplit(" ", 1)[0]
    form = original["name"].rsplit(" ", 1)[1].rstrip(".")
    _rename(company, f"{stem.upper()}, {form}")
    company["company_name"] = company["name"]
    vat = original["vat_no"]
    company["vat_no"] = " ".join(vat[i : i + 4] for i in range(0, len(vat), 4))
    for name in ("address", "post_code", "city"):
        company[name] = original[name]
    for person in contacts:
        if person.get("_company") is company:
            person["company_name"] = company["name"]
            for name in ("address", "post_code", "city"):
                person[name] = company[name]


def planted(contacts: list[Row]) -> list[tuple[str, str]]:
    """The planted pairs as (duplicate no., original no.)."""
    return [(copy["no"], original["no"]) for copy, original in _pairs(contacts)]
