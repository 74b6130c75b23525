"""Segments (S1–S15, X2, X3, X5): build, change, undo and use a segment.

Use cases, by module:
- `header`: create_segment, get, get_all, get_lines, set_header (S1, S2)
- `browse`: get_page, get_lines_page (the list and the lines, paged by keyset)
- `actions`: add_contacts, reduce, refine and their previews (S3, S4, X2)
- `manual`: add_contact, remove_contact, change_line_contact (S5)
- `line_edits`: set_line, get_line (S5)
- `history`: go_back, criteria, membership_log, explain (S7, S8, X3, X5)
- `reuse`: save_criteria, reuse_criteria, reuse_logged (S9, S10)
- `languages`: get_all, set_language and the per-language variants (S15)
- `outputs`: apply_mailing_group, export_contacts (S12, S13)
- `followup`: create_opportunities, create_tasks, get_opportunities, get_tasks (S14)
- `analytics`: stats, overlap (X6)

`lines` (the one set-based insert of segment lines with BC's defaults), `propagation`
(header → line propagation) and `fields` (editable header and line fields) are the engine
the use cases share; they run inside a caller's transaction.
"""
