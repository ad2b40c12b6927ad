"""What console tests share: a signed-in person's cookie header, and a page's form token."""

from __future__ import annotations

import re

from domain.access import Role
from ledger.console_sessions import ConsoleSessions
from tests.fixtures.hub import Hub

_FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


async def signed_in(hub: Hub, person: str, agency: str, roles: tuple[Role, ...]) -> dict[str, str]:
    """A cookie header for ``person``, registered at ``agency`` with ``roles``, as the sign-in would make it."""
    await hub.register_person(person, agency, roles)
    session = await ConsoleSessions(hub.state.sessions, hub.clock).open(person)
    return {"Cookie": f"lienthong_session={session.id}"}


def form_token(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _FORM_TOKEN.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)
