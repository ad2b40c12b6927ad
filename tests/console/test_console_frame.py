"""The console's frame: who is signed in (a session the hub keeps), the home page, sign-out and forms' tokens.

Sessions are opened here as the sign-in will open them (``ConsoleSessions.open``); signing in through an
OpenID Connect provider is tested with the provider itself.
"""

from __future__ import annotations

from domain.access import Role
from domain.people import HolderKind
from domain.sessions import ConsoleSession
from ledger.console_sessions import ConsoleSessions
from ledger.grants import Actor
from tests.fixtures.hub import Hub
from tests.support.console import form_token

OFFICE = "enforcement.ha-noi.kv01"


async def _signed_in(
    hub: Hub, person: str, agency: str = OFFICE, roles: tuple[Role, ...] = (Role.ENFORCEMENT_CLERK,)
) -> ConsoleSession:
    if roles:
        await hub.register_person(person, agency, roles)
    return await ConsoleSessions(hub.state.sessions, hub.clock).open(person)


def _cookie(session: ConsoleSession) -> dict[str, str]:
    return {"Cookie": f"lienthong_session={session.id}"}


async def test_without_a_session_the_console_offers_to_sign_in(hub: Hub) -> None:
    answer = await hub.http.get("/")
    assert answer.status_code == 200
    assert "Đăng nhập" in answer.text
    assert "Xin chào" not in answer.text


async def test_a_signed_in_person_is_greeted_with_their_agency_and_roles(hub: Hub) -> None:
    session = await _signed_in(hub, "console.frame.clerk")
    answer = await hub.http.get("/", headers=_cookie(session))
    assert answer.status_code == 200
    assert "Xin chào, console.frame.clerk" in answer.text
    assert "Thi hành án dân sự khu vực 1 - Hà Nội" in answer.text
    assert "cán bộ thi hành án dân sự" in answer.text
    assert 'name="csrf"' in answer.text


async def test_the_greeting_uses_the_full_name_the_registry_holds(hub: Hub) -> None:
    by, now = Actor("t", "ministry.justice"), hub.clock.now()
    async with hub.registry() as registry:
        await registry.add("console.frame.named", "Đặng Thị Mỹ Dung", OFFICE, HolderKind.PERSON, by, now)
        await registry.grant("console.frame.named", Role.ENFORCEMENT_CLERK, OFFICE, by, now)
    session = await ConsoleSessions(hub.state.sessions, hub.clock).open("console.frame.named")
    answer = await hub.http.get("/", headers=_cookie(session))
    assert "Xin chào, Đặng Thị Mỹ Dung" in answer.text
    assert "console.frame.named" not in answer.text


async def test_a_person_without_grants_is_not_signed_in(hub: Hub) -> None:
    async with hub.registry() as registry:
        await registry.add(
            "console.frame.nobody",
            "Không ai",
            OFFICE,
            HolderKind.PERSON,
            Actor("t", "ministry.justice"),
            hub.clock.now(),
        )
    session = await ConsoleSessions(hub.state.sessions, hub.clock).open("console.frame.nobody")
    answer = await hub.http.get("/", headers=_cookie(session))
    assert "Xin chào" not in answer.text
    assert "Đăng nhập" in answer.text


async def test_signing_out_needs_the_form_token_and_ends_the_session_for_every_copy_of_the_cookie(hub: Hub) -> None:
    session = await _signed_in(hub, "console.frame.leaving")
    forged = await hub.http.post("/dang-xuat", headers=_cookie(session), data={"csrf": "not-the-token"})
    assert forged.status_code == 403
    assert "Biểu mẫu" in forged.text
    assert "Xin chào" in (await hub.http.get("/", headers=_cookie(session))).text  # still signed in

    page = (await hub.http.get("/", headers=_cookie(session))).text
    done = await hub.http.post("/dang-xuat", headers=_cookie(session), data={"csrf": form_token(page)})
    assert done.status_code == 303
    assert "lienthong_session=" in done.headers["set-cookie"]
    stolen = await hub.http.get("/", headers=_cookie(session))  # a copy of the cookie kept elsewhere
    assert "Xin chào" not in stolen.text


async def test_the_stylesheet_is_served_by_the_hub(hub: Hub) -> None:
    answer = await hub.http.get("/console/static/console.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
