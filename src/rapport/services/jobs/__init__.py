"""Jobs: long work the server runs beside its requests (log with delivery, import of an
uploaded file), with progress a client can watch (SPEC §8; issue: jobs with progress).

Use cases (`queue`): submit, get, get_all, run_next, resume_interrupted. A job is a row:
it survives a restart, and a job that was running when the server stopped is queued again
(delivery is an idempotent queue, so running it again sends only what was not sent).
`runners` holds what each kind of job does.
"""
