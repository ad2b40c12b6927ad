"""The sign-in in progress, carried by the browser in a short-lived sealed cookie (HttpOnly, path /dang-nhap).

The cookie holds the state, nonce and PKCE verifier with an expiry, signed with HMAC-SHA256 under a key of the
hub's (every replica derives the same one), so the callback may land on any replica and no script or other site
can read or forge it. It is not secret from its own browser, which is who the verifier protects.

>>> key = b"k" * 32
>>> sealed = seal(Pending("s", "n", "v"), key, expires=2_000_000_000)
>>> unseal(sealed, key, now=1_999_999_999)
Pending(state='s', nonce='n', verifier='v')
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Final

from console.oidc import Pending

COOKIE: Final = "lienthong_signin"
PATH: Final = "/dang-nhap"
TTL_S: Final = 600  # ten minutes to sign in at the provider


def seal(pending: Pending, key: bytes, expires: float) -> str:
    body = json.dumps([pending.state, pending.nonce, pending.verifier, int(expires)]).encode()
    payload = base64.urlsafe_b64encode(body).decode("ascii")
    return f"{payload}.{_mac(payload, key)}"


def unseal(sealed: str | None, key: bytes, now: float) -> Pending | None:
    """The pending sign-in, or None when the cookie is missing, altered or expired."""
    if not sealed or "." not in sealed:
        return None
    payload, mac = sealed.rsplit(".", 1)
    if not hmac.compare_digest(mac, _mac(payload, key)):
        return None
    try:
        state, nonce, verifier, expires = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    if not isinstance(expires, int) or now > expires:
        return None
    return Pending(str(state), str(nonce), str(verifier))


def _mac(payload: str, key: bytes) -> str:
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()
