"""Interactions (L2, L4–L7): log a segment, logged segments, interaction log entries.

Use cases, by module:
- `log`: log_segment (L2, L4, L7)
- `logged`: get, get_all, show, cancel_log, uncancel_log, delete_canceled, requeue (a
  resend's checks and queue, which the server's resend job then delivers), resend (L5, X8)
- `entries`: get, get_all, cancel, evaluate, set_attempt_failed, totals (L6)

`_checks` (private) holds the checks of reference §3 "Logging" that `log` runs in its
transaction, `_follow_up_segment` (private) the follow-up segment it creates there (L4).
"""
