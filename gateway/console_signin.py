"""The console's sign-in, wired from the settings: the OpenID Connect client and the key that seals a sign-in.

The key is derived from the hub's receipt signing key, which every replica holds, so a sign-in begun on one
replica may end on another; it is never the signing key itself (HMAC under a label of its own).
"""

from __future__ import annotations

import hashlib
import hmac

import aiohttp

from console.oidc import OidcClient, OidcConfig
from domain.clock import Clock
from gateway.settings import Settings

CALLBACK_PATH = "/dang-nhap/xong"
_LABEL = b"lienthong console sign-in v1"


def oidc_client(settings: Settings, http: aiohttp.ClientSession, clock: Clock) -> OidcClient | None:
    """The client of ``LIENTHONG_OIDC_ISSUER``, or None when no issuer is configured (sign-in off)."""
    oidc = settings.oidc
    if oidc.issuer is None:
        return None
    config = OidcConfig(
        issuer=oidc.issuer,
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        redirect_uri=f"{settings.base_url}{CALLBACK_PATH}",
        timeout_s=oidc.timeout_s,
        leeway_s=settings.token_leeway_s,
    )
    return OidcClient(config, http, clock)


def signin_key(settings: Settings) -> bytes:
    """32 bytes every replica derives alike from the receipt key file (``LIENTHONG_KEYS_DIR``)."""
    return hmac.new(settings.receipt_private_key.read_bytes(), _LABEL, hashlib.sha256).digest()


def secure_cookies(settings: Settings) -> bool:
    """Cookies are Secure in production and whenever people reach the hub over HTTPS."""
    return not settings.demo or settings.base_url.startswith("https://")
