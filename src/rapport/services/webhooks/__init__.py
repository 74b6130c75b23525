"""Webhooks (X9): admins register URLs for events; events are written to an outbox in the
same transaction as the change they report, then POSTed, signed, retried with exponential
back-off, each attempt logged.

Use cases, by module:
- `subscriptions`: add_webhook (answers the secret once), get_all, delete
- `dispatch`: send_due (POST what is due; the server calls it in the background)

`outbox.emit` is called by the use cases that change what is reported, inside their
transaction, so a change that rolls back sends nothing.
"""
