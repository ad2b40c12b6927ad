"""The checks of the console's sign-in that need no provider: the ID token, the sealed cookie, the settings.

The whole flow against a real provider is tests/console/test_signin.py; here each refusal is made on purpose.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from console.oidc import OidcConfig, OidcError, Pending, verified_subject
from console.pending import seal, unseal
from gateway.console_signin import secure_cookies
from gateway.settings import OidcSettings, Settings, SettingsError

ISSUER = "https://sso.example.gov.vn"
CONFIG = OidcConfig(ISSUER, "lienthong", None, "https://lienthong.example.gov.vn/dang-nhap/xong", leeway_s=30)
NOW = 2_000_000_000.0
KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = ec.generate_private_key(ec.SECP256R1())


def _jwks(key: ec.EllipticCurvePrivateKey = KEY) -> dict[str, Any]:
    public = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "ES256"}]}


def _token(key: ec.EllipticCurvePrivateKey = KEY, **changes: Any) -> str:
    claims = {"iss": ISSUER, "aud": "lienthong", "sub": "nguyen.thi.lan", "nonce": "n1", "iat": NOW, "exp": NOW + 300}
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="ES256", headers={"kid": "k1"})


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_a_good_id_token_gives_its_subject() -> None:
    assert verified_subject(_token(), _jwks(), CONFIG, "n1", NOW) == "nguyen.thi.lan"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (_token(iss="https://other.example"), "does not verify"),
        (_token(aud="another-client"), "does not verify"),
        (_token(nonce="n2"), "nonce"),
        (_token(nonce=None), "does not verify"),
        (_token(exp=NOW - 31), "expired"),
        (_token(iat=NOW + 60), "future"),
        (_token(OTHER_KEY), "does not verify"),
    ],
    ids=["issuer", "audience", "nonce", "no-nonce", "expired", "future", "signature"],
)
def test_an_id_token_that_does_not_check_is_refused(token: str, reason: str) -> None:
    with pytest.raises(OidcError, match=reason):
        verified_subject(token, _jwks(), CONFIG, "n1", NOW)


def test_an_unsigned_or_symmetric_id_token_is_refused() -> None:
    for token in (
        f"{_b64({'alg': 'none', 'kid': 'k1'})}.{_b64({'iss': ISSUER, 'aud': 'lienthong', 'sub': 'x'})}.",
        jwt.encode({"iss": ISSUER, "sub": "x"}, "a-shared-secret-long-enough-for-hs256!", algorithm="HS256"),
    ):
        with pytest.raises(OidcError, match="algorithm"):
            verified_subject(token, _jwks(), CONFIG, "n1", NOW)


def test_the_sealed_sign_in_opens_only_unaltered_with_its_key_and_in_time() -> None:
    pending = Pending("state", "nonce", "verifier")
    sealed = seal(pending, b"k" * 32, expires=NOW + 600)
    assert unseal(sealed, b"k" * 32, NOW) == pending
    assert unseal(sealed, b"x" * 32, NOW) is None
    assert unseal(sealed, b"k" * 32, NOW + 601) is None
    payload, mac = sealed.rsplit(".", 1)
    assert unseal(f"{payload[:-2]}AA.{mac}", b"k" * 32, NOW) is None
    assert unseal(None, b"k" * 32, NOW) is None


def test_oidc_settings_are_read_and_a_plain_http_issuer_elsewhere_is_refused() -> None:
    settings = Settings.from_env(
        {"LIENTHONG_OIDC_ISSUER": "https://sso.example.gov.vn/", "LIENTHONG_PUBLIC_URL": "https://lt.example.gov.vn/"}
    )
    assert settings.oidc == OidcSettings(issuer="https://sso.example.gov.vn")
    assert settings.base_url == "https://lt.example.gov.vn"
    assert Settings.from_env(settings.to_env()).oidc == settings.oidc
    assert Settings.from_env({}).oidc.issuer is None
    with pytest.raises(SettingsError, match="LIENTHONG_OIDC_ISSUER"):
        Settings.from_env({"LIENTHONG_OIDC_ISSUER": "http://sso.example.gov.vn"})
    with pytest.raises(SettingsError, match="LIENTHONG_PUBLIC_URL"):
        Settings.from_env({"LIENTHONG_PUBLIC_URL": "ftp://lt.example.gov.vn"})
    with pytest.raises(SettingsError, match="LIENTHONG_PUBLIC_URL must say"):  # production: no guessing
        Settings.from_env({"LIENTHONG_MODE": "production", "LIENTHONG_OIDC_ISSUER": "https://sso.example.gov.vn"})


def test_cookies_are_secure_in_production_and_behind_https() -> None:
    assert not secure_cookies(Settings(mode="demo"))
    assert secure_cookies(Settings(mode="demo", public_url="https://lt.example.gov.vn"))
    assert secure_cookies(Settings(mode="production"))
