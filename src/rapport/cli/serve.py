"""`rapport serve`: the web UI and the REST API in one process (SPEC §7, §8).

It serves the database it is given and never loads demo data by itself; a database with no
admin is refused, with the command that creates one. Uvicorn finishes in-flight requests on
SIGINT/SIGTERM before it stops.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

# How long an idle keep-alive connection stays open. Uvicorn's 5 s default closes a
# connection that a busy client is about to reuse, and the request it sends then fails with
# a dropped connection (the load test saw 2 in 900 requests at 50 clients); longer than the
# 60 s idle timeout of the usual proxies, so that the proxy, not the server, closes first.
KEEP_ALIVE_SECONDS = 65


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers",
            help="Behind a TLS proxy: trust its X-Forwarded-Proto/For (cookies become Secure).",
        ),
    ] = False,
) -> None:
    """Serve the web UI under / and the REST API under /api."""
    import uvicorn

    from rapport.app import create_app
    from rapport.cli import collector
    from rapport.errors import Conflict
    from rapport.services.users import accounts

    st = state(ctx)
    if accounts.count_admins(st.sessions) == 0:
        raise Conflict(
            "this database has no admin; create one first: "
            "rapport user add NAME --role admin --password-stdin"
        )
    app = create_app(st.settings, st.sessions, accelerate=True)
    collector.serving()  # a command line's settings, not a server's
    output.message(f"Rapport serves http://{host}:{port}/ (API: http://{host}:{port}/api/docs)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
        timeout_graceful_shutdown=30,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        log_level="info",
        access_log=False,
    )
