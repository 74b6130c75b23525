"""Segments (S1–S15, X2, X3, X5): build, change, undo and use a segment.

Use cases (each one transaction; the public functions of these modules), by module:
- `header`: create_segment, get, get_all, get_lines, set_header (S1, S2)
- `overview`: get, get_all (the headers and their counts, filtered and paged by keyset,
  read through Core without the ORM)
- `browse`: get_page, get_lines_page (the list and the lines, paged by keyset)
- `actions`: add_contacts, reduce, refine and their previews (S3, S4, X2)
- `manual`: add_contact, remove_contact (S5)
- `line_edits`: set_line (S5, a changed contact included)
- `history`: go_back, criteria, membership_log (paged by keyset) (S7, S8, X5)
- `explain`: explain (X3)
- `reuse`: save_criteria, reuse_criteria, reuse_logged (S9, S10)
- `languages`: get_all, set_language and the per-language variants (S15)
- `outputs`: apply_mailing_group, export_contacts (S12, S13)
- `followup`: create_opportunities, create_tasks, get_opportunities, get_tasks (S14)
- `analytics`: stats, overlap (X6)

`results` holds what they take and return (AddOptions, AddResult, RemovalResult, the
previews, SegmentLine). The engine runs inside a use case's transaction and is private:
`_lines` (the one set-based insert of segment lines with BC's defaults), `_sample` (a
preview's count and sample), `_recording`
(recording an action and its lines), `_propagation` (header → line propagation) and
`_fields` (editable header and line fields). `engine` is the part other services packages
may call inside their own transaction (the log of a segment creates its follow-up segment).
"""
