"""GraphiQL at /graphiql in demo mode: a page that loads only the hub's own files, each pinned by its SHA-384.

On a network without the internet, a page that names a CDN never loads; these tests read the
page the hub serves and every file it names, as a browser would, and check that production
serves no GraphiQL. (tests/e2e_browser/test_graphiql.py runs the page in Chromium.)
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import pytest
import pytest_asyncio

from domain.access import Role
from tests.fixtures.hub import Hub, hub_for

pytestmark = pytest.mark.e2e

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Tags(HTMLParser):
    """Every <script> and <link> of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "link"}:
            self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])  # the page needs no database
async def production_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "graphiql-production-hub", mode="production") as running:
        yield running


@pytest.fixture
def auth(hub: Hub) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.token('ministry.justice', [Role.MINISTRY])}"}


@pytest.mark.parametrize("hub", ["sqlite"], indirect=True)
class TestTheDemoPage:
    async def test_it_is_served_without_a_token_and_names_no_address_outside_the_hub(self, hub):
        page = await hub.http.get("/graphiql", headers=BROWSER)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
        assert 'data-endpoint="/graphql"' in page.text

    async def test_every_script_and_stylesheet_is_a_file_of_the_hub_with_the_integrity_of_what_it_serves(self, hub):
        page = await hub.http.get("/graphiql", headers=BROWSER)
        tags = tags_of(page.text)
        scripts = [attrs for tag, attrs in tags if tag == "script"]
        stylesheets = [attrs for tag, attrs in tags if tag == "link" and attrs.get("rel") == "stylesheet"]
        assert len(scripts) == 4  # React, ReactDOM, GraphiQL, the bootstrap
        assert len(stylesheets) == 2  # GraphiQL's, the page's
        assert page.text.count("<script") == len(scripts)  # nothing inline: every script has a src
        for attrs in [*scripts, *stylesheets]:
            url = attrs.get("src") or attrs.get("href")
            assert url is not None
            assert url.startswith("/assets/"), url
            assert attrs.get("crossorigin") == "anonymous"
            served = await hub.http.get(url)  # no token: a page's files are public
            assert served.status_code == 200, url
            digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
            assert attrs.get("integrity") == f"sha384-{digest}", url
            assert "immutable" in served.headers["cache-control"]
            kind = "text/javascript" if "src" in attrs else "text/css"
            assert served.headers["content-type"].startswith(kind), url

    async def test_its_policy_runs_scripts_and_styles_of_the_hub_only(self, hub):
        page = await hub.http.get("/graphiql", headers=BROWSER)
        policy = dict(
            directive.strip().split(" ", 1) for directive in page.headers["content-security-policy"].split(";")
        )
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["connect-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-cache"  # the next visit gets the next version's URLs

    async def test_a_browser_asking_graphql_for_a_page_is_sent_to_graphiql(self, hub):
        answer = await hub.http.get("/graphql", headers=BROWSER)
        assert answer.status_code == 307
        assert answer.headers["location"] == "/graphiql"

    async def test_the_api_stays_at_graphql(self, hub, auth):
        answer = await hub.http.post("/graphql", json={"query": "{ me { agencyCode } }"}, headers=auth)
        assert answer.json() == {"data": {"me": {"agencyCode": "ministry.justice"}}}

    @pytest.mark.parametrize(
        "path",
        [
            "/assets/graphiql.min.js",  # GraphiQL's file without its fingerprint
            "/assets/node_modules/graphiql/graphiql.min.js",
            "/assets/package.json",
            "/assets/package-lock.json",
            "/assets/..%2Fweb_assets.py",
            "/assets/..%2F..%2Fpyproject.toml",
            "/assets/%2e%2e%2f%2e%2e%2fgateway%2fsettings.py",
        ],
    )
    async def test_nothing_off_the_allowlist_is_served(self, hub, path):
        answer = await hub.http.get(path)
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


class TestProduction:
    async def test_there_is_no_graphiql(self, production_hub):
        headers = {"Authorization": f"Bearer {production_hub.token('ministry.justice', [Role.MINISTRY])}"}
        assert (await production_hub.http.get("/graphiql", headers={**BROWSER, **headers})).status_code == 404
        assert (await production_hub.http.get("/graphiql", headers=BROWSER)).status_code == 401  # nor a way round
        page = await production_hub.http.get("/graphql", headers={**BROWSER, **headers})
        assert page.status_code == 404
        assert "text/html" not in page.headers["content-type"]

    @pytest.mark.parametrize("hub", ["sqlite"], indirect=True)
    async def test_graphiql_files_are_not_served(self, production_hub, hub):
        page = await hub.http.get("/graphiql", headers=BROWSER)  # the demo hub's page names them
        urls = [attrs.get("src") or attrs.get("href") for _, attrs in tags_of(page.text)]
        assets = [url for url in urls if url and url.startswith("/assets/")]
        assert assets
        for url in assets:
            assert (await production_hub.http.get(url)).status_code == 404, url
