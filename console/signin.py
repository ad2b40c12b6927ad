"""Signing in to the console through the configured OpenID Connect provider (a government SSO, VNeID-style).

``GET /dang-nhap`` sends the browser to the provider (state, nonce, PKCE S256; kept in a sealed cookie,
:mod:`console.pending`); ``GET /dang-nhap/xong`` takes it back: the code exchanged, the ID token verified
(:mod:`console.oidc`), its ``sub`` looked up in the registry (roles come from the grants, never from the
provider), and only then a session opened. Every failure is a Vietnamese page, never a traceback.

A demo without a provider (``make demo`` on a machine without Node.js: ``Console.demo_sign_in``, demo mode
only) offers its own sign-in instead, clearly labelled as such: ``GET /dang-nhap`` lists the registered
people who hold a role, and ``POST /dang-nhap/thu`` opens a session for the one chosen — the form carries a
token that must match the sealed cookie the page set (no other site can sign a browser in). Production
never has it: there, no provider means no sign-in.
"""

from __future__ import annotations

import hmac
import logging
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console import pending as sealed
from console.oidc import OidcError, new_pending
from console.sessions import COOKIE, DEFAULT_TTL_S
from console.views import Console, console_of, page
from domain.sessions import ConsoleSession

log = logging.getLogger(__name__)

NOT_CONFIGURED: Final = (
    "Đăng nhập chưa được cấu hình trên máy chủ này (chưa khai báo nhà cung cấp định danh). "
    "Hãy báo cho người vận hành hệ thống."
)
DEMO_PATH: Final = "/dang-nhap/thu"
DEMO_ACCOUNTS_SHOWN: Final = 50
DEMO_ONLY: Final = "Cách đăng nhập thử này chỉ có ở chế độ demo khi chưa cấu hình nhà cung cấp định danh."
NOT_A_DEMO_ACCOUNT: Final = (
    "Tài khoản này không có trong danh sách đăng nhập thử (chưa đăng ký hoặc chưa được cấp quyền)."
)
PROVIDER_DOWN: Final = "Không liên lạc được với nhà cung cấp định danh. Hãy thử lại sau ít phút."
STALE: Final = "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Hãy đăng nhập lại."
REFUSED_BY_PROVIDER: Final = "Nhà cung cấp định danh không xác nhận việc đăng nhập. Hãy đăng nhập lại."
NOT_VERIFIED: Final = "Không xác minh được danh tính do nhà cung cấp định danh gửi về. Hãy đăng nhập lại."


def no_role(person: str) -> str:
    return (
        f"Tài khoản {person} đã được xác thực nhưng chưa được giao vai trò nào trong Liên thông. "
        "Hãy đề nghị người vận hành hệ thống đăng ký và cấp quyền cho tài khoản này."
    )


def _problem(request: Request, status: int, message: str) -> Response:
    response = page(request, "signin_error.html", status, message=message)
    response.delete_cookie(sealed.COOKIE, path=sealed.PATH)  # a sign-in is tried once
    return response


async def start(request: Request) -> Response:
    """Send the browser to the provider's authorization endpoint."""
    console = console_of(request)
    if console.oidc is None and console.demo_sign_in:
        return await _demo_chooser(request, console)
    if console.oidc is None:
        return page(request, "signin_error.html", 503, message=NOT_CONFIGURED, configured=False)
    pending = new_pending()
    try:
        url = await console.oidc.authorization_url(pending)
    except OidcError as exc:
        log.warning("console sign-in: %s (%s)", exc, console.oidc.issuer)
        return _problem(request, 502, PROVIDER_DOWN)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        sealed.COOKIE,
        sealed.seal(pending, console.signin_key, console.oidc.now() + sealed.TTL_S),
        max_age=sealed.TTL_S,
        path=sealed.PATH,
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back, not on other sites' requests
        secure=console.secure_cookies,
    )
    return response


async def callback(request: Request) -> Response:
    """The provider's answer: verify it, find the person in the registry, open their session."""
    console = console_of(request)
    if console.oidc is None:
        return page(request, "signin_error.html", 503, message=NOT_CONFIGURED, configured=False)
    query = request.query_params
    if "error" in query:
        log.info("console sign-in: the provider answered %s", query.get("error"))
        return _problem(request, 400, REFUSED_BY_PROVIDER)
    pending = sealed.unseal(request.cookies.get(sealed.COOKIE), console.signin_key, console.oidc.now())
    state, code = query.get("state", ""), query.get("code", "")
    if pending is None or not code or not hmac.compare_digest(state, pending.state):
        return _problem(request, 400, STALE)
    if "iss" in query and query["iss"] != console.oidc.issuer:  # RFC 9207: an answer from another provider
        return _problem(request, 400, STALE)
    try:
        person = await console.oidc.person(code, pending)
    except OidcError as exc:
        log.warning("console sign-in refused: %s", exc)
        return _problem(request, 400, NOT_VERIFIED)
    if await console.hub.principal_of(person) is None:
        log.info("console sign-in: %s has no grant in the registry", person)
        return _problem(request, 403, no_role(person))
    return _signed_in(console, await console.sessions.open(person))


async def _demo_chooser(request: Request, console: Console, status: int = 200, message: str = "") -> Response:
    """The demo's own sign-in: the registered people to choose from, and the form's token sealed in a cookie."""
    token = new_pending()
    accounts = await console.hub.demo_accounts(DEMO_ACCOUNTS_SHOWN)
    response = page(request, "signin_demo.html", status, accounts=accounts, token=token.state, message=message)
    response.set_cookie(
        sealed.COOKIE,
        sealed.seal(token, console.signin_key, _now(console) + sealed.TTL_S),
        max_age=sealed.TTL_S,
        path=sealed.PATH,
        httponly=True,
        samesite="strict",
        secure=console.secure_cookies,
    )
    return response


async def demo(request: Request) -> Response:
    """The person chosen on the demo's own sign-in page: a session for them, if the page's token matches."""
    console = console_of(request)
    if not console.demo_sign_in:
        return page(request, "signin_error.html", 404, message=DEMO_ONLY)
    form = await request.form()
    token, person = form.get("token"), form.get("person")
    pending = sealed.unseal(request.cookies.get(sealed.COOKIE), console.signin_key, _now(console))
    if pending is None or not isinstance(token, str) or not hmac.compare_digest(token, pending.state):
        return _problem(request, 400, STALE)
    if not isinstance(person, str) or await console.hub.principal_of(person) is None:
        return await _demo_chooser(request, console, 403, NOT_A_DEMO_ACCOUNT)
    return _signed_in(console, await console.sessions.open(person))


def _now(console: Console) -> float:
    if console.clock is None:
        raise RuntimeError("the console is not wired with the hub's clock (gateway.lifespan sets Console.clock)")
    return console.clock.wall().timestamp()


def _signed_in(console: Console, session: ConsoleSession) -> Response:
    """To the home page with a fresh session id (never one the browser brought: no fixation)."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sealed.COOKIE, path=sealed.PATH)
    response.set_cookie(
        COOKIE,
        session.id,
        max_age=DEFAULT_TTL_S,
        path="/",
        httponly=True,
        samesite="lax",
        secure=console.secure_cookies,
    )
    return response
