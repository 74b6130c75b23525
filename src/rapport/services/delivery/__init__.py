"""Delivery (L3, X7, X8): the idempotent queue that sends what a log produced.

Use cases: `queue.deliver`, `queue.resend` (`queue.requeue` in a caller's transaction),
`queue.get_deliveries` (of chosen states); before a segment is logged,
`preview.preview_letter`, `preview.write_letter` and `preview.send_test_email` show one
line's letter merged as the delivery would merge it. `render` merges an
e-mail body or a Word template for one contact, `smtp` reads the SMTP URL, `output`
gathers the mail settings and the hard-copy bundle of one run and composes one entry's
e-mail or hard copy, `merging` selects an entry's (or a line's) merge record.
"""
