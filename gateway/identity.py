"""Signed tokens (EdDSA or ES256 JWT) → principals.

The hub accepts tokens from configured issuers: each either with a static public key (PEM,
Ed25519 or P-256: ``LIENTHONG_TRUSTED_ISSUERS``) or with the keys it publishes as a JWK set
(``LIENTHONG_JWKS_ISSUERS``, see ``gateway/jwks.py``). In demo mode the hub is also its own
issuer (``lienthong token`` signs with the key in ``var/keys``). A token names the agency
(``sub``), the roles, optionally the person, and expires (``exp`` is required).

Each key verifies exactly one algorithm (EdDSA for Ed25519, ES256 for P-256): the token's
``alg`` header must be that one, so ``none``, HMAC and algorithm-confusion tokens are refused.
The agency must exist in the organisation and be active today (Việt Nam time); a token of a
dissolved agency is refused with the name of its successor.

A client sends the same token with every request for its lifetime, and checking its signature and
decoding it three times cost ~0.3 ms of CPU — a third of what refusing a hostile document may cost
(bench ``refusals``). So a token whose signature verified is remembered (a bounded memory of the
verifier, newest kept, :data:`VERIFIED_KEPT` tokens): sent again, it is checked for expiry and
``nbf`` against the machine's time with the same leeway, its key must still be the one its
issuer has now (a key rotated out of a JWK set refuses it), and its agency must still be active;
only its signature and claims are not decoded again. The registry's grants are read on every
request as before (``gateway/authority.py``).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import aiohttp
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from domain.access import Principal, Role
from domain.clock import Clock
from domain.messages import Text, msg
from domain.types import Agency
from gateway.jwks import JwksKeys, signing_algorithm
from gateway.settings import Settings, SettingsError

ALGORITHMS = ("EdDSA", "ES256")
DEFAULT_TTL_S = 12 * 3600
VERIFIED_KEPT = 4096  # tokens whose signature verified, remembered by one verifier (the newest used)


class AuthError(Exception):
    """The request's credentials are missing or not acceptable; the message says why.

    ``message`` is from the catalogue (``domain/messages``): the refusal is told in the language
    the request asks for (``gateway/middleware.py``, ``connection_init`` in ``gateway/graphql_view.py``).
    """

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


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
        client: str | None = None,
        ttl_s: int = DEFAULT_TTL_S,
        now: float | None = None,
    ) -> str:
        issued = int(Clock().wall().timestamp() if now is None else now)  # checked by other machines too
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
        if client:
            claims["client_id"] = client
        return jwt.encode(claims, self.private_key, algorithm="EdDSA")


def load_public_key(path: Path, issuer: str) -> jwt.PyJWK:
    """An issuer's public key from a PEM file (Ed25519 or EC P-256), bound to its one algorithm."""
    if not path.exists():
        raise SettingsError(f"public key of issuer {issuer!r} not found: {path}")
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except ValueError as exc:
        raise SettingsError(f"public key of issuer {issuer!r} ({path}) is not a PEM public key") from exc
    if isinstance(key, Ed25519PublicKey):
        return jwt.PyJWK(OKPAlgorithm.to_jwk(key, as_dict=True), "EdDSA")
    if isinstance(key, EllipticCurvePublicKey) and signing_algorithm(key) == "ES256":
        return jwt.PyJWK(ECAlgorithm.to_jwk(key, as_dict=True), "ES256")
    raise SettingsError(f"public key of issuer {issuer!r} ({path}) is neither Ed25519 nor EC P-256")


@dataclass(frozen=True, slots=True)
class _Verified:
    """A token whose signature and claims verified: what a later use of it must check again."""

    principal: Principal
    issuer: str | None
    kid: object
    key: jwt.PyJWK  # the issuer's key it verified with; it must still be the issuer's key
    expires: float
    not_before: float | None


class TokenVerifier:
    """Checks algorithm, signature, issuer, audience, expiry, claims and the agency; returns the principal.

    Static issuers have one key each; JWKS issuers have the keys of their :class:`JwksKeys`, chosen
    by the token's ``kid`` (an unknown kid may fetch the set again, hence ``verify`` is async).
    """

    def __init__(
        self,
        audience: str,
        *,
        static_keys: Mapping[str, jwt.PyJWK],
        jwks: Mapping[str, JwksKeys],
        agencies: Mapping[str, Agency],
        today: Callable[[], date] | None = None,  # the day agencies must be active on: the hub clock's
        leeway_s: int = 30,
        wall: Callable[[], datetime] | None = None,  # the machine's instant (PyJWT's time): a remembered token's expiry
        kept: int = VERIFIED_KEPT,
    ) -> None:
        overlap = static_keys.keys() & jwks.keys()
        if overlap:
            raise SettingsError(f"issuers configured both with a key file and a JWKS URL: {sorted(overlap)}")
        self._static = dict(static_keys)
        self._jwks = dict(jwks)
        self._agencies = agencies
        self._today = today or Clock().today
        self._audience = audience
        self._leeway = leeway_s
        self._wall = wall or Clock().wall
        self._kept = kept
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    @property
    def leeway_s(self) -> int:
        """Clock skew allowed on ``exp`` / ``nbf``: a token is accepted until ``exp`` + this."""
        return self._leeway

    @classmethod
    def from_settings(
        cls, settings: Settings, http: aiohttp.ClientSession, agencies: Mapping[str, Agency], clock: Clock
    ) -> TokenVerifier:
        static = {issuer: load_public_key(path, issuer) for issuer, path in settings.public_keys().items()}
        jwks = {
            issuer: JwksKeys(
                issuer,
                url,
                http,
                settings.jwks_cache_dir,
                refresh_s=settings.jwks_refresh_s,
                min_interval_s=settings.jwks_min_interval_s,
                timeout_s=settings.jwks_timeout_s,
            )
            for issuer, url in settings.jwks_issuers.items()
        }
        return cls(
            settings.token_audience,
            static_keys=static,
            jwks=jwks,
            agencies=agencies,
            today=clock.today,
            leeway_s=settings.token_leeway_s,
            wall=clock.wall,
        )

    @property
    def jwks(self) -> list[JwksKeys]:
        """The JWKS sources to keep fresh (see ``gateway.jwks.keeping_fresh``)."""
        return list(self._jwks.values())

    async def verify(self, token: str) -> Principal:
        remembered = await self._remembered(token)
        if remembered is not None:
            return remembered
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError(msg("the token is not a well-formed JWT")) from exc
        _check_numeric_dates(unverified)
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise AuthError(
                msg(
                    "the token's algorithm {algorithm} is not accepted (only EdDSA and ES256)",
                    algorithm=repr(algorithm),
                )
            )
        issuer = unverified.get("iss")
        key = await self._key(issuer if isinstance(issuer, str) else None, header.get("kid"))
        if key.algorithm_name != algorithm:
            raise AuthError(
                msg(
                    "the token's algorithm {algorithm} does not match the issuer's key ({key_algorithm})",
                    algorithm=repr(algorithm),
                    key_algorithm=key.algorithm_name,
                )
            )
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[key.algorithm_name],
                audience=self._audience,
                issuer=issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError(msg("the token has expired")) from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError(
                msg("the token is not meant for this hub (audience must be {audience})", audience=repr(self._audience))
            ) from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError(msg("the token's signature does not verify")) from exc
        except jwt.PyJWTError as exc:
            raise AuthError(msg("the token is not acceptable: {detail}", detail=str(exc))) from exc
        principal = _principal(claims)
        self._check_agency(principal.agency_code)
        self._remember(token, _Verified(principal, issuer, header.get("kid"), key, *_validity(claims)))
        return principal

    async def _remembered(self, token: str) -> Principal | None:
        """The principal of a token verified before, checked again for what time and rotation change;
        None when it is not remembered (or no longer valid as remembered: it is verified in full)."""
        known = self._verified.get(token)
        if known is None:
            return None
        now = self._wall().timestamp()
        if now > known.expires + self._leeway:
            del self._verified[token]
            raise AuthError(msg("the token has expired"))
        if known.not_before is not None and now < known.not_before - self._leeway:
            return None  # the machine's time went back: PyJWT says what it thinks
        try:
            current = await self._key(known.issuer, known.kid)
        except AuthError:
            del self._verified[token]
            raise
        if current is not known.key:
            del self._verified[token]  # its issuer's keys changed: verified again against the current ones
            return None
        self._verified.move_to_end(token)
        self._check_agency(known.principal.agency_code)
        return known.principal

    def _remember(self, token: str, verified: _Verified) -> None:
        self._verified[token] = verified
        while len(self._verified) > self._kept:
            self._verified.popitem(last=False)

    async def _key(self, issuer: str | None, kid: object) -> jwt.PyJWK:
        if issuer is not None and issuer in self._static:
            return self._static[issuer]
        source = self._jwks.get(issuer) if issuer is not None else None
        if source is None:
            raise AuthError(msg("tokens from issuer {issuer} are not accepted", issuer=repr(issuer)))
        if not isinstance(kid, str) or not kid:
            raise AuthError(
                msg("tokens of issuer {issuer} must name their signing key (the 'kid' header)", issuer=repr(issuer))
            )
        key = await source.key(kid)
        if key is None:
            raise AuthError(
                msg(
                    "the token's signing key {kid} is not among the keys issuer {issuer} publishes",
                    kid=repr(kid),
                    issuer=repr(issuer),
                )
            )
        return key

    def _check_agency(self, code: str) -> None:
        agency = self._agencies.get(code)
        if agency is None:
            raise AuthError(
                msg("unknown agency {code}: the token's subject (sub) is not an agency of the organisation", code=code)
            )
        today = self._today()
        if agency.is_active(today):
            return
        if agency.valid_to is None or agency.valid_to >= today:
            raise AuthError(msg("agency {code} exists only from {day}", code=code, day=agency.valid_from.isoformat()))
        dissolved = agency.valid_to.isoformat()
        successor = self._current_successor(agency, today)
        if successor is None:
            raise AuthError(msg("agency {code} was dissolved on {day} and has no successor", code=code, day=dissolved))
        raise AuthError(
            msg(
                "agency {code} was dissolved on {day}; its work passed to {successor}: use a token of that agency",
                code=code,
                day=dissolved,
                successor=successor,
            )
        )

    def _current_successor(self, agency: Agency, today: date) -> str | None:
        """The successor active today, following a chain of dissolutions (bounded: cycles end it)."""
        seen = {agency.code}
        code = agency.successor_code
        while code is not None and code not in seen:
            seen.add(code)
            successor = self._agencies.get(code)
            if successor is None or successor.is_active(today):
                return code
            code = successor.successor_code
        return None


NUMERIC_DATES = ("exp", "nbf", "iat")


def _check_numeric_dates(claims: Mapping[str, object]) -> None:
    """``exp``, ``nbf`` and ``iat`` are NumericDates (RFC 7519 §2): numbers, never strings or booleans.

    A string such as ``"9999999999"`` would otherwise pass PyJWT's own check (it converts with ``int``),
    and a subscription could not tell when its token expires.
    """
    for name in NUMERIC_DATES:
        if name in claims:
            value = claims[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AuthError(
                    msg(
                        "the token's {claim} must be a number of seconds since 1970 (NumericDate), not {value}",
                        claim=repr(name),
                        value=repr(value),
                    )
                )


def _validity(claims: Mapping[str, object]) -> tuple[float, float | None]:
    """``exp`` and ``nbf`` of claims PyJWT accepted (``exp`` required, both numbers: ``_check_numeric_dates``)."""
    expires, not_before = claims["exp"], claims.get("nbf")
    assert isinstance(expires, int | float), "exp is required and numeric"
    return float(expires), float(not_before) if isinstance(not_before, int | float) else None


def _principal(claims: Mapping[str, object]) -> Principal:
    agency = claims.get("sub")
    raw_roles = claims.get("roles")
    if not isinstance(agency, str) or not agency:
        raise AuthError(msg("the token names no agency (sub)"))
    if not isinstance(raw_roles, list) or not raw_roles:
        raise AuthError(msg("the token carries no roles"))
    try:
        roles = frozenset(Role(str(r)) for r in raw_roles)
    except ValueError as exc:
        raise AuthError(msg("the token carries an unknown role: {detail}", detail=str(exc))) from exc
    person = claims.get("person")
    client = claims.get("client_id")
    expires = claims.get("exp")
    return Principal(
        agency_code=agency,
        roles=roles,
        person=person if isinstance(person, str) and person else None,
        client=client if isinstance(client, str) and client else None,
        token_id=str(claims.get("jti")) if claims.get("jti") else None,
        issuer=str(claims.get("iss")),
        expires_at=float(expires) if isinstance(expires, int | float) else None,
    )


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        raise AuthError(msg("no credentials: send 'Authorization: Bearer <token>' (demo tokens: `lienthong token`)"))
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(msg("the Authorization header must be 'Bearer <token>'"))
    return token.strip()
