"""The browser files the hub serves under ``/assets/``: a fixed allowlist, installed from npm, pinned by SRI.

No page of the hub loads anything from a CDN: on a government network cut off from the
internet a CDN is not there, and GraphiQL stayed on "Loading…". The files come from the
registry packages of ``console/assets/package-lock.json`` (``npm ci``, run by ``make demo`` and
``make test``; npm checks every package against the lockfile's hashes), plus the few files of
our own beside it. Only the files a page names are served, read once at startup::

    assets = Assets.load(ASSETS_DIR, ["node_modules/graphiql/graphiql.min.js"])
    assets.script("node_modules/graphiql/graphiql.min.js")
    # '<script src="/assets/graphiql.min.1d145d10…js" integrity="sha384-HbRV…" crossorigin="anonymous"></script>'

Each URL carries a fingerprint of the file's bytes, so browsers may keep it for a year
(``immutable``) and a new version is a new URL; the page names its SHA-384 (Subresource
Integrity), so the browser runs exactly the bytes the hub read at startup. A file missing at
startup (``npm ci`` never ran) is logged once, naming the command that installs it; the hub
serves its API all the same, and the pages that need the file say so (``503``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

log = logging.getLogger("lienthong.console")

ASSETS_DIR: Final = Path(__file__).resolve().parent / "assets"
"""``package.json``, ``package-lock.json``, ``node_modules/`` (not in git) and the files of our own."""
PREFIX: Final = "/assets/"
INSTALL: Final = "make demo (or make test, or: cd console/assets && npm ci --ignore-scripts)"
CACHE_FOREVER: Final = "public, max-age=31536000, immutable"
MEDIA_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
FINGERPRINT_CHARS: Final = 12


@dataclass(frozen=True, slots=True)
class Asset:
    """One file as served: its bytes as read at startup, its URL and its Subresource Integrity."""

    source: str  # relative to ASSETS_DIR, e.g. "node_modules/react/umd/react.production.min.js"
    url: str  # "/assets/react.production.min.<fingerprint>.js"
    integrity: str  # "sha384-<base64>"
    media_type: str
    body: bytes

    @classmethod
    def read(cls, root: Path, source: str) -> Asset:
        """``source`` under ``root``; ``FileNotFoundError`` if it is not there."""
        path = PurePosixPath(source)
        if path.is_absolute() or ".." in path.parts or path.suffix not in MEDIA_TYPES:
            raise ValueError(f"not a servable asset: {source!r}")
        body = (root / path).read_bytes()
        digest = hashlib.sha384(body).digest()
        name = f"{path.stem}.{digest.hex()[:FINGERPRINT_CHARS]}{path.suffix}"
        return cls(
            source=source,
            url=PREFIX + name,
            integrity="sha384-" + base64.b64encode(digest).decode("ascii"),
            media_type=MEDIA_TYPES[path.suffix],
            body=body,
        )


class MissingAsset(LookupError):
    """A page asked for a file that was not installed (or is not on the allowlist)."""


class Assets:
    """The allowlist as loaded at startup: by source (for pages) and by URL (for browsers)."""

    def __init__(self, root: Path, found: Iterable[Asset], missing: Iterable[str]) -> None:
        self.root = root
        self._by_source: Mapping[str, Asset] = {asset.source: asset for asset in found}
        self._by_name: Mapping[str, Asset] = {
            asset.url.removeprefix(PREFIX): asset for asset in self._by_source.values()
        }
        self.missing: tuple[str, ...] = tuple(missing)

    @classmethod
    def load(cls, root: Path, sources: Iterable[str]) -> Assets:
        """Reads and hashes every file of ``sources``; what is missing is logged once, naming the fix."""
        found: list[Asset] = []
        missing: list[str] = []
        for source in dict.fromkeys(sources):
            try:
                found.append(Asset.read(root, source))
            except FileNotFoundError:
                missing.append(source)
        if missing:
            log.warning(
                "%d browser file(s) not installed under %s (%s): pages that need them answer 503 "
                "until you run %s; the API is served as usual",
                len(missing),
                root,
                ", ".join(missing),
                INSTALL,
            )
        return cls(root, found, missing)

    def missing_of(self, sources: Iterable[str]) -> list[str]:
        """Which of ``sources`` a page cannot have."""
        return [source for source in sources if source not in self._by_source]

    def __getitem__(self, source: str) -> Asset:
        try:
            return self._by_source[source]
        except KeyError:
            raise MissingAsset(f"{source} is not installed under {self.root}: run {INSTALL}") from None

    def script(self, source: str) -> str:
        """A ``<script>`` element for ``source``, with its integrity."""
        asset = self[source]
        return f'<script src="{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous"></script>'

    def stylesheet(self, source: str) -> str:
        """A ``<link rel="stylesheet">`` element for ``source``, with its integrity."""
        asset = self[source]
        return f'<link rel="stylesheet" href="{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous">'

    async def serve(self, request: Request) -> Response:
        """``GET /assets/{name}``: a file of the allowlist, by its exact URL; anything else is a 404."""
        asset = self._by_name.get(request.path_params["name"])
        if asset is None:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(asset.body, media_type=asset.media_type, headers={"cache-control": CACHE_FOREVER})

    def routes(self) -> list[BaseRoute]:
        return [Route(PREFIX + "{name}", self.serve, methods=["GET", "HEAD"])]


def not_installed_page(missing: Iterable[str]) -> Response:
    """What a page answers while the files it needs are not installed: 503, naming the command."""
    listed = ", ".join(missing)
    return PlainTextResponse(
        f"This page needs browser files that are not installed ({listed}).\nRun: {INSTALL}\n",
        status_code=503,
        headers={"retry-after": "60"},
    )
