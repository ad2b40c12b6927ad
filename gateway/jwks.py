"""Signing keys an issuer publishes as a JWK set (RFC 7517), kept fresh without restarts.

One :class:`JwksKeys` per configured issuer holds that issuer's keys by ``kid``::

    keys = JwksKeys("https://sso.moj.gov.vn", url, http, cache_dir, refresh_s=300, min_interval_s=30)
    await keys.start()          # cached keys from disk, then one fetch
    key = await keys.key(kid)   # an unknown kid triggers a fetch, at most one per min_interval_s

Why it is built this way:

- rotation: a fetched set replaces the previous one wholesale, so a newly published key is
  accepted on the next refresh (or at once, through the unknown-kid fetch) and a retired key
  stops being accepted after the next successful refresh;
- availability: the last good set is written to ``<keys_dir>/jwks/`` (atomically) and read at
  start, so the hub starts and keeps serving when the issuer's endpoint is down; failed fetches
  leave the keys in place and are retried every ``min_interval_s``;
- hostile tokens: garbage ``kid`` values cannot make the hub hammer the endpoint (one fetch per
  ``min_interval_s`` per issuer, concurrent requests share it), and only EdDSA (Ed25519) and
  ES256 (P-256) signing keys are kept, each bound to its one algorithm, so a token cannot pick
  ``none``, an HMAC algorithm or another curve.

Every fetch goes through the hub's aiohttp session, without redirects, with a total timeout
and a size bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import aiohttp
import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.clock import Clock

log = logging.getLogger("lienthong.jwks")

MAX_JWKS_BYTES = 256 * 1024


class JwksError(Exception):
    """A JWK set could not be fetched or read; the message says why."""


def signing_algorithm(key: object) -> str | None:
    """The one algorithm a public key may verify: EdDSA for Ed25519, ES256 for P-256, None otherwise."""
    if isinstance(key, Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key, EllipticCurvePublicKey) and isinstance(key.curve, SECP256R1):
        return "ES256"
    return None


def parse_jwks(document: object) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWK set document, by ``kid``.

    Keys without a ``kid``, meant for encryption, of another type or curve, private keys, and
    keys whose ``alg`` does not fit their type are left out. An empty ``keys`` list is a valid
    answer (the issuer retired every key); a document that is not a JWK set is an error.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError("the document is not a JWK set (an object with a 'keys' list)")
    try:
        keyset = jwt.PyJWKSet.from_dict(document)
    except jwt.PyJWKSetError:
        return {}  # no key PyJWT can use at all
    keys: dict[str, jwt.PyJWK] = {}
    for jwk in keyset:
        kid = jwk.key_id
        if not isinstance(kid, str) or not kid or jwk.public_key_use not in (None, "sig"):
            continue
        if signing_algorithm(jwk.key) != jwk.algorithm_name:
            continue
        if kid in keys:
            log.warning("JWK set lists kid %r twice; the first key is kept", kid)
            continue
        keys[kid] = jwk
    return keys


def cache_file(cache_dir: Path, issuer: str) -> Path:
    """Where the last good JWK set of ``issuer`` is kept (the name is a digest: issuers are URLs)."""
    return cache_dir / f"{hashlib.sha256(issuer.encode()).hexdigest()[:32]}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class JwksKeys:
    """The current signing keys of one issuer, fetched from its JWKS URL (see the module docstring)."""

    def __init__(
        self,
        issuer: str,
        url: str,
        http: aiohttp.ClientSession,
        cache_dir: Path,
        *,
        refresh_s: float,
        min_interval_s: float,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.url = url
        self.cache_path = cache_file(cache_dir, issuer)
        self._http = http
        self._refresh_s = refresh_s
        self._min_interval_s = min_interval_s
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._saved: object = None
        self._last_attempt: float | None = None
        self._healthy = False
        self._lock = asyncio.Lock()

    @property
    def keys(self) -> Mapping[str, jwt.PyJWK]:
        return MappingProxyType(self._keys)

    @property
    def healthy(self) -> bool:
        """Whether the last fetch succeeded."""
        return self._healthy

    async def start(self) -> None:
        """Cached keys first (if any), then one fetch; a failed fetch leaves the cached keys in use."""
        await asyncio.to_thread(self._load_cache)
        if await self.refresh():
            return
        if self._keys:
            log.warning(
                "JWKS of issuer %r unreachable at start; serving with the %d cached key(s) from %s, retrying",
                self.issuer,
                len(self._keys),
                self.cache_path,
            )
        else:
            log.error(
                "JWKS of issuer %r unreachable at start and no cached keys: its tokens are refused until it answers",
                self.issuer,
            )

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key named ``kid``; an unknown kid fetches the set again, at most once per ``min_interval_s``."""
        key = self._keys.get(kid)
        if key is not None:
            return key
        async with self._lock:  # concurrent requests for unknown kids share one fetch
            if kid not in self._keys and self._may_fetch():
                await self._refresh_locked()
            return self._keys.get(kid)

    async def refresh(self) -> bool:
        """Fetch the set now; True when it was fetched and the keys replaced."""
        async with self._lock:
            return await self._refresh_locked()

    async def run(self) -> None:
        """Refresh every ``refresh_s`` (every ``min_interval_s`` while the endpoint fails), until cancelled."""
        while True:
            await asyncio.sleep(self._refresh_s if self._healthy else self._min_interval_s)
            try:
                await self.refresh()
            except Exception:  # a bug must not end key rotation for the life of the process
                log.exception("refreshing the JWKS of issuer %r failed unexpectedly", self.issuer)

    def _may_fetch(self) -> bool:
        return self._last_attempt is None or self._clock() - self._last_attempt >= self._min_interval_s

    async def _refresh_locked(self) -> bool:
        self._last_attempt = self._clock()
        try:
            document = await self._fetch()
            keys = parse_jwks(document)
        except (JwksError, aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
            self._healthy = False
            log.warning(
                "could not refresh the JWKS of issuer %r from %s (%s); keeping %d known key(s)",
                self.issuer,
                self.url,
                str(exc) or type(exc).__name__,
                len(self._keys),
            )
            return False
        retired = sorted(self._keys.keys() - keys.keys())
        added = sorted(keys.keys() - self._keys.keys())
        if retired or added:
            log.info("JWKS of issuer %r: added %s, retired %s", self.issuer, added or "-", retired or "-")
        if not keys:
            log.warning("JWKS of issuer %r publishes no usable EdDSA/ES256 signing key", self.issuer)
        self._keys = keys
        self._healthy = True
        if document != self._saved:
            await asyncio.to_thread(self._save_cache, document)
        return True

    async def _fetch(self) -> Any:
        async with self._http.get(
            self.url, timeout=self._timeout, allow_redirects=False, headers={"Accept": "application/json"}
        ) as response:
            if response.status != 200:
                raise JwksError(f"HTTP {response.status}")
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                body.extend(chunk)
                if len(body) > MAX_JWKS_BYTES:
                    raise JwksError(f"the answer is larger than {MAX_JWKS_BYTES} bytes")
        return orjson.loads(bytes(body))

    def _load_cache(self) -> None:
        try:
            saved = orjson.loads(self.cache_path.read_bytes())
        except FileNotFoundError:
            return
        except (OSError, orjson.JSONDecodeError) as exc:
            log.warning("ignoring the unreadable JWKS cache %s of issuer %r: %s", self.cache_path, self.issuer, exc)
            return
        if not isinstance(saved, dict) or saved.get("issuer") != self.issuer:
            log.warning("ignoring the JWKS cache %s: it is not of issuer %r", self.cache_path, self.issuer)
            return
        try:
            self._keys = parse_jwks(saved.get("jwks"))
        except JwksError as exc:
            log.warning("ignoring the JWKS cache %s of issuer %r: %s", self.cache_path, self.issuer, exc)
            return
        self._saved = saved.get("jwks")
        log.info("loaded %d key(s) of issuer %r from %s", len(self._keys), self.issuer, self.cache_path)

    def _save_cache(self, document: object) -> None:
        record = {
            "issuer": self.issuer,
            "url": self.url,
            "saved_at": Clock().wall().isoformat(),
            "jwks": document,
        }
        try:
            _write_atomically(self.cache_path, orjson.dumps(record, option=orjson.OPT_INDENT_2))
        except OSError as exc:
            log.warning("could not save the JWKS cache %s of issuer %r: %s", self.cache_path, self.issuer, exc)
            return
        self._saved = document


@contextlib.asynccontextmanager
async def keeping_fresh(sources: Iterable[JwksKeys]) -> AsyncIterator[None]:
    """Start every source (cache, then one fetch) and refresh each in the background for the block.

    Leave the block before closing the HTTP session the sources use.
    """
    sources = list(sources)
    await asyncio.gather(*(s.start() for s in sources))
    tasks = [asyncio.create_task(s.run(), name=f"jwks-refresh:{s.issuer}") for s in sources]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
