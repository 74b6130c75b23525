"""The HTTP plumbing the API and the web UI share (SPEC §7, §10): who is asking (session
cookie or bearer token), what their role allows (one route → least-role table), CSRF,
security headers, upload limits, and errors as RFC 9457 problem documents.

`rapport.api` and `rapport.web` build on this package; `rapport.app` assembles them into
one application. Nothing here knows a route's business: it calls the services like any edge.
"""
