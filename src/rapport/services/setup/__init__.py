"""Setup (SPEC §2 Setup): the marketing setup and the code tables users filter on.

Use cases, by module:
- `marketing`: get, set_setup (number series, defaults, inheritance flags)
- `codes`: get_all, add_code, set_code, delete_code (salespeople, languages, countries,
  industry groups, mailing groups … as `rapport codes` and the web setup page edit them)
- `series`: get_all, get, add_series, set_series (the number series the setup names)
- `forms`: the settable fields of each, with kind and length, for the setup pages' forms

`records` turns FIELD=VALUE text into typed values with the import's column rules
(`services/transfer/tables.py`), so a value is checked the same way whichever path set it.
"""
