"""Import and export of tables (K4): CSV and XLSX, streamed and checked set-based.

Use cases: `imports.import_table`, `exports.export_table`. `tables` declares every
table's columns (shared by both directions), `files` reads the file formats and checks
where an output goes, `writers` writes them, `_values` converts cells, `_checks` finds bad
rows, `_writes` writes the staged rows (the last three private to the package).
"""
