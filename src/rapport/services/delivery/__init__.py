"""Delivery (L3, X7, X8): the idempotent queue that sends what a log produced.

Use cases: `queue.deliver`, `queue.resend`, `queue.get_deliveries`. `render` merges an
e-mail body or a Word template for one contact, `smtp` reads the SMTP URL, `output`
gathers the mail settings and the hard-copy bundle of one run.
"""
