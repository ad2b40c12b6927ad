"""Signed tokens (EdDSA JWT) → principals.

The hub accepts tokens from configured issuers, each with an Ed25519 public key;
in demo mode it is also its own issuer (``lienthong token`` signs with the key
in ``var/keys``). A token names the agency (``sub``), the roles, optionally the
person, and expires (``exp`` is required).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.access import Principal, Role
from gateway.settings import SettingsError

ALGORITHMS = ["EdDSA", "ES256"]
DEFAULT_TTL_S = 12 * 3600


class AuthError(Exception):
    """The request's credentials are missing or not acceptable; the message says why."""


def ensure_keypair(private_path: Path, public_path: Path) -> None:
    """Create an Ed25519 key pair if none exists yet (demo and first start)."""
    if private_path.exists() and public_path.exists():
        return
    private_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file; a clear error if it is missing or of another kind."""
    if not path.exists():
        raise SettingsError(f"no key at {path} (in demo mode it is created; in production install it there)")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SettingsError(f"{path} is not an Ed25519 private key")
    return key


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    private_key: Ed25519PrivateKey
    issuer: str
    audience: str

    @classmethod
    def from_file(cls, path: Path, issuer: str, audience: str) -> TokenIssuer:
        return cls(load_private_key(path), issuer, audience)

    def issue(
        self,
        agency_code: str,
        roles: Iterable[Role],
        *,
        person: str | None = None,
        ttl_s: int = DEFAULT_TTL_S,
        now: float | None = None,
    ) -> str:
        issued = int(time.time() if now is None else now)
        claims: dict[str, object] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": agency_code,
            "roles": sorted(r.value for r in roles),
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl_s,
            "jti": uuid.uuid4().hex,
        }
        if person:
            claims["person"] = person
        return jwt.encode(claims, self.private_key, algorithm="EdDSA")


class TokenVerifier:
    """Checks signature, issuer, audience, expiry and claims; returns the principal."""

    def __init__(self, public_keys: Mapping[str, object], audience: str, leeway_s: int = 30) -> None:
        self._keys = dict(public_keys)
        self._audience = audience
        self._leeway = leeway_s

    @classmethod
    def from_files(cls, paths: Mapping[str, Path], audience: str) -> TokenVerifier:
        keys: dict[str, object] = {}
        for issuer, path in paths.items():
            key = serialization.load_pem_public_key(path.read_bytes())
            if not isinstance(key, Ed25519PublicKey):
                raise AuthError(f"public key of issuer {issuer!r} ({path}) is not Ed25519")
            keys[issuer] = key
        return cls(keys, audience)

    def verify(self, token: str) -> Principal:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError("the token is not a well-formed JWT") from exc
        issuer = unverified.get("iss")
        key = self._keys.get(issuer) if isinstance(issuer, str) else None
        if key is None:
            raise AuthError(f"tokens from issuer {issuer!r} are not accepted")
        try:
            claims = jwt.decode(
                token,
                key,  # type: ignore[arg-type]
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError(f"the token is not meant for this hub (audience must be {self._audience!r})") from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError("the token's signature does not verify") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"the token is not acceptable: {exc}") from exc
        return _principal(claims)


def _principal(claims: Mapping[str, object]) -> Principal:
    agency = claims.get("sub")
    raw_roles = claims.get("roles")
    if not isinstance(agency, str) or not agency:
        raise AuthError("the token names no agency (sub)")
    if not isinstance(raw_roles, list) or not raw_roles:
        raise AuthError("the token carries no roles")
    try:
        roles = frozenset(Role(str(r)) for r in raw_roles)
    except ValueError as exc:
        raise AuthError(f"the token carries an unknown role: {exc}") from exc
    person = claims.get("person")
    return Principal(
        agency_code=agency,
        roles=roles,
        person=person if isinstance(person, str) else None,
        token_id=str(claims.get("jti")) if claims.get("jti") else None,
        issuer=str(claims.get("iss")),
    )


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        raise AuthError("no credentials: send 'Authorization: Bearer <token>' (demo tokens: `lienthong token`)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return token.strip()
