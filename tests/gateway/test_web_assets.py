"""The browser files under /assets/ (console/web_assets.py): an allowlist read at startup, pinned by SRI.

A small app of the asset routes and GraphiQL's page over files a test writes (no hub, no npm):
what is served and how, what is not, and what a hub without its files says.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from console.web_assets import CACHE_FOREVER, Asset, Assets
from gateway.graphiql import FILES, graphiql_routes

SCRIPT = b"console.log('xin ch\xc3\xa0o');\n"
STYLE = b"body { margin: 0 }\n"


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "node_modules" / "lib").mkdir(parents=True)
    (tmp_path / "node_modules" / "lib" / "lib.min.js").write_bytes(SCRIPT)
    (tmp_path / "node_modules" / "lib" / "secret.js").write_bytes(b"not on the list")
    (tmp_path / "page.css").write_bytes(STYLE)
    (tmp_path / "package.json").write_text("{}")
    return tmp_path


@pytest.fixture
def assets(root: Path) -> Assets:
    return Assets.load(root, ["node_modules/lib/lib.min.js", "page.css"])


@pytest.fixture
async def http(assets: Assets) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=assets.routes())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as client:
        yield client


class TestServed:
    async def test_a_file_is_served_at_a_url_naming_its_fingerprint_with_the_integrity_of_its_bytes(self, assets, http):
        script = assets["node_modules/lib/lib.min.js"]
        assert script.url == f"/assets/lib.min.{hashlib.sha384(SCRIPT).hexdigest()[:12]}.js"
        assert script.integrity == sri(SCRIPT)
        answer = await http.get(script.url)
        assert answer.status_code == 200
        assert answer.content == SCRIPT
        assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
        assert answer.headers["cache-control"] == CACHE_FOREVER

    async def test_a_stylesheet_is_served_as_css(self, assets, http):
        answer = await http.get(assets["page.css"].url)
        assert (answer.status_code, answer.content) == (200, STYLE)
        assert answer.headers["content-type"] == "text/css; charset=utf-8"

    def test_a_changed_file_gets_a_new_url_so_a_year_in_a_cache_is_safe(self, root, assets):
        (root / "page.css").write_bytes(STYLE + b"a { color: red }\n")
        again = Assets.load(root, ["page.css"])
        assert again["page.css"].url != assets["page.css"].url

    def test_pages_name_files_with_their_integrity(self, assets):
        script = assets["node_modules/lib/lib.min.js"]
        assert assets.script("node_modules/lib/lib.min.js") == (
            f'<script src="{script.url}" integrity="{sri(SCRIPT)}" crossorigin="anonymous"></script>'
        )
        assert f'integrity="{sri(STYLE)}" crossorigin="anonymous">' in assets.stylesheet("page.css")


class TestNotServed:
    @pytest.mark.parametrize(
        "path",
        [
            "/assets/lib.min.js",  # the name without its fingerprint
            "/assets/node_modules/lib/lib.min.js",
            "/assets/package.json",
            "/assets/secret.js",
            "/assets/..%2Fpackage.json",
            "/assets/%2e%2e%2fpackage.json",
            "/assets/..%2f..%2f..%2fetc%2fpasswd",
            "/assets/%2e%2e/package.json",
            "/assets/",
        ],
    )
    async def test_nothing_but_the_allowlist_by_its_exact_url(self, http, path):
        assert (await http.get(path)).status_code == 404

    async def test_a_file_off_the_list_is_not_served_even_at_the_url_it_would_have(self, root, http):
        would_be = Asset.read(root, "node_modules/lib/secret.js").url
        assert (await http.get(would_be)).status_code == 404

    @pytest.mark.parametrize("source", ["../outside.js", "/etc/passwd.js", "node_modules/../../x.css", "app.py"])
    def test_a_source_outside_the_folder_or_of_another_kind_cannot_be_listed(self, root, source):
        with pytest.raises(ValueError, match="not a servable asset"):
            Asset.read(root, source)


class TestNotInstalled:
    async def test_missing_files_are_logged_once_naming_make_and_graphiql_answers_503_saying_so(self, tmp_path, caplog):
        with caplog.at_level(logging.WARNING, logger="lienthong.console"):
            assets = Assets.load(tmp_path / "no-node-modules", FILES)
        warnings = [r for r in caplog.records if r.name == "lienthong.console"]
        assert len(warnings) == 1
        assert "make demo" in warnings[0].getMessage()
        assert "node_modules/graphiql/graphiql.min.js" in warnings[0].getMessage()
        assert assets.missing == FILES

        app = Starlette(routes=[*assets.routes(), *graphiql_routes(assets)])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as client:
            page = await client.get("/graphiql")
        assert page.status_code == 503
        assert "make demo" in page.text
        assert "node_modules/react/umd/react.production.min.js" in page.text

    def test_a_complete_install_logs_nothing(self, root, caplog):
        with caplog.at_level(logging.WARNING, logger="lienthong.console"):
            Assets.load(root, ["page.css"])
        assert [r for r in caplog.records if r.name == "lienthong.console"] == []
