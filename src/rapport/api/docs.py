"""GET /api/docs: the interactive API documentation, offline and under the CSP.

A small page of our own that loads the vendored swagger-ui-dist and a script file that
starts it; no inline script, no CDN. Swagger UI sets inline styles on its elements, so this
one page's policy allows inline *styles* (scripts stay 'self' only).
"""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from rapport.server.routers import api_router
from rapport.server.security import CSP

router = api_router(tags=["documentation"])

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rapport API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", summary="Interactive API documentation", include_in_schema=False)
def api_docs() -> HTMLResponse:
    policy = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return HTMLResponse(PAGE, headers={"content-security-policy": policy})
