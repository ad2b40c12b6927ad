"""GraphiQL at ``/graphiql`` (demo mode only): a page of ours that loads nothing but the hub's own files.

Strawberry's page loaded React and GraphiQL from a public CDN and ran an inline script; on a
network without the internet it stayed on "Loading…". This page names only ``/assets/…``
URLs (``console/web_assets.py``: the npm packages of ``console/assets/package-lock.json``),
each with its SHA-384 ``integrity``, and its Content-Security-Policy runs scripts and styles
of the hub only: the bootstrap is a file (``console/assets/graphiql-page.js``), not inline.
GraphiQL talks to ``/graphql``: queries and mutations over HTTP, subscriptions over
graphql-transport-ws on the same URL. A browser asking ``/graphql`` itself for a page is sent
here (``307``, ``HubGraphQL.render_graphql_ide``). Production mode has no such page.
"""

from __future__ import annotations

import html
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from console.web_assets import Assets, not_installed_page

GRAPHIQL_PATH: Final = "/graphiql"
API_PATH: Final = "/graphql"
STYLESHEETS: Final = ("node_modules/graphiql/graphiql.min.css", "graphiql-page.css")
SCRIPTS: Final = (  # in this order: GraphiQL's UMD build needs React's globals, the bootstrap needs all three
    "node_modules/react/umd/react.production.min.js",
    "node_modules/react-dom/umd/react-dom.production.min.js",
    "node_modules/graphiql/graphiql.min.js",
    "graphiql-page.js",
)
FILES: Final = STYLESHEETS + SCRIPTS
"""What the page needs from ``console/assets``: the allowlist the hub serves in demo mode."""

CSP: Final = (  # no inline script or style, nothing from elsewhere; 'self' covers ws(s):// to this host
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
WELCOME: Final = """\
# Liên thông: GraphiQL on this hub's API (POST /graphql; subscriptions over WebSocket at /graphql).
#
# Paste a token printed by `make demo` (or `lienthong token …`) into the Headers tab below:
#   {"Authorization": "Bearer eyJ…"}
# then run the query with Ctrl-Enter or the ▶ button.
{
  me { agencyCode roles agency { name } }
}
"""


class GraphiQLPage:
    """The page, written once at startup with the URLs and integrity of the files it loads."""

    def __init__(self, assets: Assets) -> None:
        self.missing = assets.missing_of(FILES)
        self.html = "" if self.missing else _page(assets)

    async def serve(self, request: Request) -> Response:
        if self.missing:
            return not_installed_page(self.missing)
        return HTMLResponse(self.html, headers={"content-security-policy": CSP, "cache-control": "no-cache"})


def graphiql_routes(assets: Assets) -> list[BaseRoute]:
    return [Route(GRAPHIQL_PATH, GraphiQLPage(assets).serve, methods=["GET"])]


def _page(assets: Assets) -> str:
    links = "\n    ".join(assets.stylesheet(source) for source in STYLESHEETS)
    scripts = "\n    ".join(assets.script(source) for source in SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>GraphiQL · Liên thông</title>
    <link rel="icon" href="data:,">
    {links}
  </head>
  <body>
    <div id="graphiql" data-endpoint="{API_PATH}" data-default-query="{html.escape(WELCOME)}">Loading…</div>
    {scripts}
  </body>
</html>
"""
