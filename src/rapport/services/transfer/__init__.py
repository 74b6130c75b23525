"""Import and export of tables (K4): CSV and XLSX, streamed and checked set-based.

Use cases: `imports.import_table`, `exports.export_table`. `tables` declares every
table's columns (shared by both directions), `files` reads and writes the file formats,
`_values` converts cells, `_checks` finds bad rows, `_writes` writes the staged rows (the
last three private to the package).
"""
