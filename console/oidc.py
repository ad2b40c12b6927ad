"""The console's side of OpenID Connect: an authorization request with PKCE, the code exchanged, the ID token checked.

Written on aiohttp (the hub's one outbound HTTP session) and PyJWT (which the hub already uses for partner tokens)
rather than authlib, whose async client is httpx's: one HTTP stack in the hub, and the checks the console relies on
stay in this file, each named (issuer, audience, nonce, signature from the provider's JWKS, expiry by the machine's
wall clock, since the hub's own clock may be put on another day for a demo).

Errors (exception tree)::

    OidcError               the provider cannot be reached, answers wrongly, or its answer does not verify
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urlencode

import aiohttp
import jwt

from domain.clock import Clock

ALGORITHMS: Final = frozenset({"RS256", "PS256", "ES256", "EdDSA"})  # asymmetric only: never "none" or HS256
SCOPE: Final = "openid profile"


class OidcError(Exception):
    """The provider could not be reached or answered wrongly, or its ID token did not verify (message: why)."""


@dataclass(frozen=True, slots=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str | None  # None: a public client, PKCE alone
    redirect_uri: str  # the hub's callback, …/dang-nhap/xong
    timeout_s: float = 10.0
    leeway_s: int = 30


@dataclass(frozen=True, slots=True)
class Pending:
    """What the browser must bring back to the callback: kept in a sealed cookie, never in the page."""

    state: str
    nonce: str
    verifier: str  # the PKCE code verifier; its S256 hash went to the provider


def new_pending() -> Pending:
    return Pending(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))


def challenge(verifier: str) -> str:
    """The PKCE S256 code challenge of ``verifier`` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    """One relying party: the hub's client at one issuer. Discovery and keys are read at every sign-in (rare),
    so a rotated key or a moved endpoint needs no restart."""

    def __init__(self, config: OidcConfig, http: aiohttp.ClientSession, clock: Clock) -> None:
        self._config = config
        self._http = http
        self._clock = clock

    @property
    def issuer(self) -> str:
        return self._config.issuer

    def now(self) -> float:
        """The machine's wall time in seconds (what the provider's and the browser's expiries count in)."""
        return self._clock.wall().timestamp()

    async def authorization_url(self, pending: Pending) -> str:
        """Where to send the browser: the provider's authorization endpoint with state, nonce and PKCE S256."""
        metadata = await self._metadata()
        query = {
            "response_type": "code",
            "client_id": self._config.client_id,
            "redirect_uri": self._config.redirect_uri,
            "scope": SCOPE,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": challenge(pending.verifier),
            "code_challenge_method": "S256",
            # ask for the person's credentials every time: offices share computers, and signing out of the
            # console must not leave the next person one click from the last one's account
            "prompt": "login",
        }
        return f"{_text(metadata, 'authorization_endpoint')}?{urlencode(query)}"

    async def person(self, code: str, pending: Pending) -> str:
        """Exchange ``code`` and return the verified ID token's ``sub`` (the person's id in the registry)."""
        metadata = await self._metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._config.redirect_uri,
            "code_verifier": pending.verifier,
        }
        headers = {}
        if self._config.client_secret is None:
            form["client_id"] = self._config.client_id
        else:
            headers["Authorization"] = basic_auth(self._config.client_id, self._config.client_secret)
        tokens = await self._json("POST", _text(metadata, "token_endpoint"), data=form, headers=headers)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the provider's token answer has no id_token")
        keys = await self._json("GET", _text(metadata, "jwks_uri"))
        return verified_subject(id_token, keys, self._config, pending.nonce, self.now())

    async def _metadata(self) -> dict[str, Any]:
        metadata = await self._json("GET", f"{self._config.issuer}/.well-known/openid-configuration")
        if metadata.get("issuer") != self._config.issuer:
            raise OidcError(f"the discovery document names another issuer ({metadata.get('issuer')!r})")
        return metadata

    async def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_s)
        try:
            async with self._http.request(method, url, timeout=timeout, allow_redirects=False, **kwargs) as answer:
                body = await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OidcError(f"the provider cannot be reached ({type(exc).__name__})") from exc
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise OidcError(f"the provider answered {status} without JSON") from exc
        if not isinstance(document, dict):
            raise OidcError(f"the provider answered {status} with JSON that is not an object")
        if status != 200:
            raise OidcError(f"the provider answered {status}: {document.get('error', '?')}")
        return document


def basic_auth(client_id: str, secret: str) -> str:
    """``client_secret_basic`` (RFC 6749 §2.3.1): both parts form-encoded, then joined and base64-encoded."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def verified_subject(id_token: str, jwks: Mapping[str, Any], config: OidcConfig, nonce: str, now: float) -> str:
    """The ``sub`` of ``id_token`` once issuer, audience, nonce, signature (a key of ``jwks``) and expiry check."""
    try:
        header = jwt.get_unverified_header(id_token)
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise OidcError(f"the ID token's algorithm {algorithm!r} is not accepted")
        claims = jwt.decode(
            id_token,
            _key(jwks, header.get("kid"), str(algorithm)),
            algorithms=[str(algorithm)],
            audience=config.client_id,
            issuer=config.issuer,
            # expiry is checked below against the machine's wall clock (``now``), with the hub's leeway
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["iss", "aud", "sub", "exp", "iat", "nonce"],
            },
        )
    except jwt.PyJWTError as exc:
        raise OidcError(f"the ID token does not verify: {exc}") from exc
    exp, iat = claims["exp"], claims["iat"]
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise OidcError("the ID token's exp and iat must be numbers")
    if now > exp + config.leeway_s:
        raise OidcError("the ID token has expired")
    if iat > now + config.leeway_s:
        raise OidcError("the ID token was issued in the future")
    if not isinstance(claims["nonce"], str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise OidcError("the ID token's nonce is not this sign-in's")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise OidcError("the ID token names no subject")
    return subject


def _text(metadata: Mapping[str, Any], name: str) -> str:
    value = metadata.get(name)
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise OidcError(f"the discovery document has no {name}")
    return value


def _key(jwks: Mapping[str, Any], kid: object, algorithm: str) -> Any:
    """The provider's public key for ``kid`` (or its only key of that algorithm's type when no kid is given)."""
    try:
        keys = jwt.PyJWKSet.from_dict(dict(jwks)).keys
    except jwt.PyJWTError as exc:
        raise OidcError(f"the provider's JWKS cannot be read: {exc}") from exc
    family = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}[algorithm]
    fitting = [k for k in keys if (kid is None or k.key_id == kid) and k.key_type == family]
    if len(fitting) != 1:
        raise OidcError(f"no single key in the provider's JWKS for kid {kid!r}")
    return fitting[0].key
