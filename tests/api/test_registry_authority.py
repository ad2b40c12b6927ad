"""A request's roles come from the hub's registry, not from its token (issue 14).

Every role × an agency of every kind present in the organisation, each claimed-but-not-granted,
granted, then revoked, over HTTP and over WebSocket, on SQLite and PostgreSQL. Then the four
mismatches found from outside, each by name: before the registry, each of these tokens was obeyed.
(The reference organisation has no private enforcement office, so this module's hub gets one: a Văn
phòng Thừa phát lại in Hà Nội, so every kind is on the matrix.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio

from domain.access import Role
from domain.errors import BadInput
from domain.people import HolderKind
from domain.role_holders import may_hold
from domain.types import Agency, AgencyKind, AgencyLevel
from gateway.identity import TokenIssuer
from ledger.grants import Actor
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.ws_client import ConnectionClosed

AGENCY_OF_KIND = {
    AgencyKind.COURT: "court.ha-noi.kv01",
    AgencyKind.PROCURACY: "procuracy.ha-noi.kv01",
    AgencyKind.ENFORCEMENT: "enforcement.ha-noi.kv01",
    AgencyKind.POLICE: "police.ha-noi",
    AgencyKind.COMMITTEE: "committee.ha-noi",
    AgencyKind.MINISTRY: "ministry.justice",
    AgencyKind.PRIVATE_ENFORCEMENT: "private.ha-noi.vp01",
}
PRIVATE_OFFICE = Agency(
    "private.ha-noi.vp01",
    AgencyKind.PRIVATE_ENFORCEMENT,
    AgencyLevel.AREA,
    "Văn phòng Thừa phát lại quận Ba Đình",
    "ha-noi",
    None,
    date(2025, 7, 1),
)
ME = "{ me { agencyCode roles person } }"
OPERATOR = Actor("matrix operator", "ministry.justice")
RECHECK_S = 0.2


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def registry_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "registry-hub", extra_agencies=(PRIVATE_OFFICE,), grant_recheck_s=RECHECK_S) as hub:
        yield hub


def _refused_naming(answer: Any, role: Role, agency: str) -> bool:
    (error,) = answer.body["errors"]
    message = error["message"]
    return (
        answer.status == 403
        and error["extensions"]["code"] == "FORBIDDEN"
        and role.value in message
        and agency in message
    )


async def _init_refused(hub: Hub, token: str) -> int | None:
    async with hub.open_socket() as ws:
        try:
            await ws.init({"Authorization": f"Bearer {token}"})
        except ConnectionClosed as closed:
            return closed.code
    return None


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_a_claimed_role_is_acted_with_only_while_granted_and_only_where_the_agency_kind_allows(
    registry_hub: Hub, role: Role
) -> None:
    hub = registry_hub
    for kind, agency in AGENCY_OF_KIND.items():
        person = f"matrix.{role.value}.{kind.value}"
        async with hub.registry() as registry:
            await registry.add(person, f"Cán bộ {person}", agency, HolderKind.PERSON, OPERATOR, hub.clock.now())
        token = hub.token(agency, [role], person=person)

        # claimed, not granted: refused by name, over HTTP and in connection_init
        assert _refused_naming(await hub.client(token)(ME), role, agency), (role, agency)
        assert await _init_refused(hub, token) == 4403, (role, agency)

        if not may_hold(role, hub.state.agencies[agency]):
            async with hub.registry() as registry:  # the registry will not even grant it
                with pytest.raises(BadInput, match=f"cannot hold the role {role.value}"):
                    await registry.grant(person, role, agency, OPERATOR, hub.clock.now())
            assert _refused_naming(await hub.client(token)(ME), role, agency)
            continue

        # granted: acted with, over HTTP and over WebSocket
        async with hub.registry() as registry:
            await registry.grant(person, role, agency, OPERATOR, hub.clock.now())
        answer = await hub.client(token)(ME)
        assert answer.status == 200, answer.body
        assert answer.data["me"] == {"agencyCode": agency, "roles": [role.name], "person": person}
        async with hub.websocket(token=token) as ws:
            await ws.ping()

            # revoked: the next request is refused, and the open socket is closed (4403)
            async with hub.registry() as registry:
                await registry.revoke(person, role, agency, OPERATOR, hub.clock.now())
            assert _refused_naming(await hub.client(token)(ME), role, agency)
            closed = await ws.wait_closed(timeout=10 + 20 * RECHECK_S)
        assert closed.code == 4403
        assert await _init_refused(hub, token) == 4403


async def test_a_system_client_acts_with_its_registered_roles_never_with_more(registry_hub: Hub) -> None:
    hub = registry_hub
    async with hub.registry() as registry:
        await registry.add(
            "vks-ha-noi-system", "Hệ thống VKS", "procuracy.ha-noi", HolderKind.CLIENT, OPERATOR, hub.clock.now()
        )
        await registry.grant("vks-ha-noi-system", Role.PROCURACY, "procuracy.ha-noi", OPERATOR, hub.clock.now())
    registered = hub.token("procuracy.ha-noi", [Role.PROCURACY], client="vks-ha-noi-system")
    assert (await hub.client(registered)(ME)).status == 200
    more = hub.token("procuracy.ha-noi", [Role.PROCURACY, Role.PERSONNEL], client="vks-ha-noi-system")
    assert _refused_naming(await hub.client(more)(ME), Role.PERSONNEL, "procuracy.ha-noi")
    stranger = hub.token("procuracy.ha-noi", [Role.PROCURACY], client="not-registered")
    answer = await hub.client(stranger)(ME)
    assert (answer.status, answer.codes()) == (403, {"FORBIDDEN"})
    assert "not-registered" in answer.body["errors"][0]["message"]


async def test_a_token_naming_neither_a_person_nor_a_client_is_unauthenticated(registry_hub: Hub) -> None:
    hub = registry_hub
    issuer = TokenIssuer.from_file(
        hub.settings.issuer_private_key, hub.settings.token_issuer, hub.settings.token_audience
    )
    anonymous = issuer.issue("court.ha-noi.kv01", [Role.COURT_CLERK])  # signed by a trusted issuer, naming no one
    answer = await hub.client(anonymous)(ME)
    assert (answer.status, answer.codes()) == (401, {"UNAUTHENTICATED"})
    assert "client_id" in answer.body["errors"][0]["message"]


async def test_a_grant_to_come_or_gone_is_no_grant(registry_hub: Hub) -> None:
    hub = registry_hub
    now = hub.clock.now()
    async with hub.registry() as registry:
        await registry.add("later", "Người đến sau", "court.ha-noi.kv02", HolderKind.PERSON, OPERATOR, now)
        await registry.grant(
            "later", Role.COURT_CLERK, "court.ha-noi.kv02", OPERATOR, now, valid_from=now.replace(year=now.year + 1)
        )
    token = hub.token("court.ha-noi.kv02", [Role.COURT_CLERK], person="later")
    assert _refused_naming(await hub.client(token)(ME), Role.COURT_CLERK, "court.ha-noi.kv02")


class TestMismatchesFoundFromOutside:
    """Each of these tokens was obeyed before the registry: the roles it claims are now refused by name."""

    async def test_a_court_token_claiming_ministry_reads_no_inbox_and_subscribes_to_no_transfer_events(
        self, registry_hub: Hub
    ) -> None:
        hub = registry_hub
        token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK, Role.MINISTRY])
        answer = await hub.client(token)('{ inbox(office: "enforcement.hue.kv01") { totalCount } }')
        assert _refused_naming(answer, Role.MINISTRY, "court.ha-noi.kv01")
        assert await _init_refused(hub, token) == 4403

    async def test_an_enforcement_office_claiming_auditor_reads_no_audit_trail(self, registry_hub: Hub) -> None:
        hub = registry_hub
        token = hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK, Role.AUDITOR])
        answer = await hub.client(token)("{ auditTrail(first: 5) { edges { node { operation } } } }")
        assert _refused_naming(answer, Role.AUDITOR, "enforcement.ha-noi.kv01")

    async def test_personnel_and_ministry_on_an_area_office_lists_no_other_offices_officers(
        self, registry_hub: Hub
    ) -> None:
        hub = registry_hub
        token = hub.token("enforcement.ha-noi.kv01", [Role.PERSONNEL, Role.MINISTRY])
        answer = await hub.client(token)('{ officers(filter: {agency: "enforcement.hue.kv01"}) { totalCount } }')
        assert _refused_naming(answer, Role.MINISTRY, "enforcement.ha-noi.kv01")

    async def test_a_procuracy_claiming_operator_lists_no_webhooks(self, registry_hub: Hub) -> None:
        hub = registry_hub
        token = hub.token("procuracy.ha-noi.kv01", [Role.PROCURACY, Role.OPERATOR])
        answer = await hub.client(token)("{ webhooks { id url } }")
        assert _refused_naming(answer, Role.OPERATOR, "procuracy.ha-noi.kv01")
