"""An issuer for tests: signing keys (ES256 or EdDSA) and a JWKS endpoint on 127.0.0.1.

    signer = KeySigner.new("es256", issuer="https://sso.test")
    async with JwksServer([signer]) as server:   # serves {"keys": [signer.jwk]} at server.url
        token = signer.token("court.ha-noi.kv01", [Role.COURT_CLERK])
        server.publish(other); server.retire(signer.kid); server.down = True   # rotation, outage

The server counts the requests it answered, so a test can check how often the hub fetched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from domain.access import Role
from domain.clock import Clock


@dataclass(frozen=True, slots=True)
class KeySigner:
    """One signing key of an issuer, with its ``kid``."""

    algorithm: str  # "ES256" or "EdDSA"
    private_key: ec.EllipticCurvePrivateKey | Ed25519PrivateKey
    kid: str
    issuer: str
    audience: str = "lienthong"

    @classmethod
    def new(cls, algorithm: str, issuer: str, kid: str | None = None) -> KeySigner:
        key: ec.EllipticCurvePrivateKey | Ed25519PrivateKey
        if algorithm == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
        elif algorithm == "EdDSA":
            key = Ed25519PrivateKey.generate()
        else:
            raise ValueError(algorithm)
        return cls(algorithm, key, kid or f"{algorithm.lower()}-{uuid.uuid4().hex[:8]}", issuer)

    @property
    def jwk(self) -> dict[str, Any]:
        """The public key as published: kty/crv/x(/y), kid, alg, use."""
        public = self.private_key.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            data = ECAlgorithm.to_jwk(public, as_dict=True)
        else:
            data = OKPAlgorithm.to_jwk(public, as_dict=True)
        return {**data, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def claims(self, agency: str, roles: Iterable[Role], *, ttl_s: int = 600, **extra: object) -> dict[str, Any]:
        now = int(Clock().wall().timestamp())
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": agency,
            "roles": sorted(r.value for r in roles),
            "iat": now,
            "exp": now + ttl_s,
            "jti": uuid.uuid4().hex,
            **extra,
        }

    def token(
        self, agency: str, roles: Iterable[Role], *, kid: str | None = None, ttl_s: int = 600, **extra: object
    ) -> str:
        return jwt.encode(
            self.claims(agency, roles, ttl_s=ttl_s, **extra),
            self.private_key,
            algorithm=self.algorithm,
            headers={"kid": kid or self.kid},
        )


class JwksServer:
    """Serves the published keys at ``/jwks.json``; while ``down`` it answers 503.

    ``padding`` bytes of filler make the document that much larger; ``/moved`` redirects to it.
    """

    def __init__(self, published: Sequence[KeySigner] = ()) -> None:
        self.published: list[KeySigner] = list(published)
        self.down = False
        self.padding = 0
        self.requests = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("start the JWKS server first")
        return f"http://127.0.0.1:{self._port}/jwks.json"

    @property
    def moved_url(self) -> str:
        return self.url.replace("/jwks.json", "/moved")

    @property
    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"keys": [s.jwk for s in self.published]}
        if self.padding:
            document["padding"] = "x" * self.padding
        return document

    def publish(self, signer: KeySigner) -> None:
        self.published.append(signer)

    def retire(self, kid: str) -> None:
        self.published = [s for s in self.published if s.kid != kid]

    async def start(self) -> JwksServer:
        app = web.Application()
        app.router.add_get("/jwks.json", self._handle)
        app.router.add_get("/moved", self._moved)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port or 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop listening (connections are refused); ``start`` again serves on the same port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> JwksServer:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.down:
            return web.Response(status=503, text="down")
        return web.json_response(self.document)

    async def _moved(self, request: web.Request) -> web.Response:
        self.requests += 1
        raise web.HTTPFound("/jwks.json")
