"""The console's pages that every signed-in person shares: the home page, sign-out, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from jinja2 import Environment
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from console.oidc import OidcClient
from console.ports import HubPort
from console.sessions import COOKIE, CSRF_FIELD, SessionStore, csrf_ok, current
from domain.access import Principal, Role
from domain.clock import Clock
from domain.sessions import ConsoleSession
from domain.workdays import WorkingCalendar

ROLE_LABELS: Final = {
    Role.COURT_CLERK: "thư ký tòa án",
    Role.ENFORCEMENT_CLERK: "cán bộ thi hành án dân sự",
    Role.PROCURACY: "kiểm sát viên",
    Role.POLICE: "công an",
    Role.COMMITTEE: "ban chỉ đạo thi hành án dân sự",
    Role.MINISTRY: "Bộ Tư pháp",
    Role.PERSONNEL: "tổ chức cán bộ",
    Role.AUDITOR: "thanh tra, kiểm tra",
    Role.OPERATOR: "vận hành hệ thống",
}

ME: Final = "{ me { agencyCode person personName agency { name } } }"
PAGE_POLICY: Final = (  # the pages' own files only: no inline script or style, forms and streams to the hub
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str
    roles: frozenset[Role]  # shown to a person holding any of these
    current: bool = False


NAV: Final[tuple[Link, ...]] = (  # the pages, in menu order; each page module adds its own link here
    Link("Hộp thư đến", "/hop-thu", frozenset({Role.ENFORCEMENT_CLERK})),
    Link("Bản án đã chuyển giao", "/toa-an", frozenset({Role.COURT_CLERK})),
    Link("Vận hành", "/van-hanh", frozenset({Role.OPERATOR})),
    Link(
        "Phối hợp",
        "/phoi-hop",
        frozenset({Role.COURT_CLERK, Role.ENFORCEMENT_CLERK, Role.PROCURACY, Role.POLICE, Role.COMMITTEE}),
    ),
    Link("Viện kiểm sát", "/vien-kiem-sat", frozenset({Role.PROCURACY})),
    Link("Báo cáo", "/bao-cao", frozenset({Role.COMMITTEE, Role.MINISTRY})),
    Link(  # interagency statistics (TTLT 12/2021): console/pages/interagency.py
        "Thống kê liên ngành",
        "/bao-cao/lien-nganh",
        frozenset({Role.ENFORCEMENT_CLERK, Role.PROCURACY, Role.COMMITTEE, Role.MINISTRY}),
    ),
    Link("Tổ chức cán bộ", "/to-chuc-can-bo", frozenset({Role.PERSONNEL, Role.MINISTRY})),
)


@dataclass(frozen=True, slots=True)
class Console:
    """What the pages need: the hub, the sessions, the templates (``request.app.state.console``)."""

    hub: HubPort
    sessions: SessionStore
    templates: Environment
    secure_cookies: bool  # HTTPS in front of the hub (production): cookies are Secure
    oidc: OidcClient | None = None  # the sign-in's provider (console/signin.py); None: sign-in not configured
    signin_key: bytes = b""  # seals the sign-in in progress (console/pending.py); the same on every replica
    clock: Clock | None = None  # the hub's one clock (a test's or the demo's shifted one): "today" on the pages
    calendar: WorkingCalendar | None = None  # the working days the hub counts deadlines on (compensatory days included)
    demo_sign_in: bool = False  # demo mode with no provider: the demo's own sign-in, choosing a registered person


@dataclass(frozen=True, slots=True)
class SignedIn:
    session: ConsoleSession
    principal: Principal


def console_of(request: Request) -> Console:
    found = getattr(request.app.state, "console", None)
    if not isinstance(found, Console):
        raise RuntimeError("the console is not wired: gateway.lifespan sets app.state.console")
    return found


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    body = console_of(request).templates.get_template(template).render(request=request, **values)
    return HTMLResponse(body, status_code=status_code, headers={"content-security-policy": PAGE_POLICY})


async def signed_in(request: Request) -> SignedIn | None:
    """The session and the principal it acts as now (roles from the registry at this moment), or None."""
    console = console_of(request)
    session = await current(request, console.sessions)
    if session is None:
        return None
    principal = await console.hub.principal_of(session.person)
    return None if principal is None else SignedIn(session, principal)


def navigation(principal: Principal, here: str = "") -> list[Link]:
    return [
        Link(link.label, link.href, link.roles, current=link.href == here)
        for link in NAV
        if link.roles.intersection(principal.roles)
    ]


async def common(request: Request, who: SignedIn, here: str = "") -> dict[str, Any]:
    """What every page of a signed-in person shows: who they are, the menu, the form token."""
    outcome = await console_of(request).hub.execute(request, who.principal, ME)
    me = (outcome.data or {}).get("me") or {}
    agency = (me.get("agency") or {}).get("name") or who.principal.agency_code
    return {
        "me": {
            "name": me.get("personName") or who.principal.person or "",  # the registry's full name
            "agency_name": agency,
            "role_labels": [ROLE_LABELS[r] for r in sorted(who.principal.roles)],
        },
        "nav": navigation(who.principal, here),
        "csrf": who.session.csrf,
    }


STALE_FORM: Final = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại."


async def refused(request: Request, who: SignedIn, message: str, here: str = "") -> Response:
    """A Vietnamese refusal (403) in the signed-in person's frame, showing no data."""
    return page(request, "refused.html", 403, message=message, **await common(request, who, here))


async def checked_form(request: Request, who: SignedIn, here: str) -> FormData | Response:
    """A POST's form if it carries the session's form token (CSRF); otherwise the refusal (403), nothing done."""
    form = await request.form()
    if not csrf_ok(who.session, form.get(CSRF_FIELD)):
        return await refused(request, who, STALE_FORM, here)
    return form


async def member_of(request: Request, roles: frozenset[Role], not_yours: str, here: str) -> SignedIn | Response:
    """The signed-in person if they hold one of ``roles``; otherwise the answer instead: to the sign-in page
    (no session) or the refusal ``not_yours``."""
    who = await signed_in(request)
    if who is None:
        return RedirectResponse("/", status_code=303)
    if not roles & who.principal.roles:
        return await refused(request, who, not_yours, here)
    return who


async def home(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return page(request, "signin.html")
    return page(request, "home.html", **await common(request, who, "/"))


async def sign_out(request: Request) -> Response:
    console = console_of(request)
    session = await current(request, console.sessions)
    if session is not None:
        form = await request.form()
        if not csrf_ok(session, form.get(CSRF_FIELD)):
            return page(request, "refused.html", 403, message=STALE_FORM)
        await console.sessions.end(session.id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
