"""`auditTrail` over HTTP: auditors read who did what (and are recorded reading it); nobody else reads it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.access import Role
from tests.fixtures.hub import Hub

AGENCY = "enforcement.lai-chau.kv03"  # no other API test acts for it
CLERK = "Lò Thị Thư"
AUDITOR = "Kiểm toán viên Đặng Văn Soát"

REGISTER = """
mutation ($url: String!) { registerWebhook(url: $url) { webhook { id } userErrors { code message } } }
"""
DEACTIVATE = "mutation ($id: ID!) { deactivateWebhook(id: $id) { userErrors { code } } }"
TRAIL = """
query ($filter: AuditTrailFilter, $first: Int! = 50, $after: String) {
  auditTrail(filter: $filter, first: $first, after: $after) {
    edges { cursor node { seq at agencyCode person roles operation objectIds requestId hash prevHash } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
async def webhook_id(hub: Hub) -> AsyncIterator[str]:
    """A write to audit: a webhook registered by a named clerk of AGENCY (deactivated afterwards)."""
    clerk = hub.client(await hub.person_token(AGENCY, [Role.ENFORCEMENT_CLERK], CLERK))
    answer = await clerk(REGISTER, {"url": "https://lai-chau.example/audit-hook"})
    payload = answer.data["registerWebhook"] if answer.data else None
    assert payload is not None, answer.body
    assert payload["userErrors"] == [], answer.body
    try:
        yield payload["webhook"]["id"]
    finally:
        await clerk(DEACTIVATE, {"id": payload["webhook"]["id"]})


def nodes(answer: Any) -> list[dict[str, Any]]:
    assert answer.errors == [], answer.errors
    return [edge["node"] for edge in answer.data["auditTrail"]["edges"]]


async def test_an_auditor_reads_who_registered_a_webhook(hub: Hub, webhook_id: str) -> None:
    auditor = hub.client(await hub.person_token("ministry.justice", [Role.AUDITOR], AUDITOR))
    found = nodes(await auditor(TRAIL, {"filter": {"objectId": webhook_id}}))
    assert len(found) == 1
    (entry,) = found
    assert entry["operation"] == "registerWebhook"
    assert entry["agencyCode"] == AGENCY
    assert entry["person"] == CLERK
    assert entry["roles"] == ["enforcement_clerk"]
    assert entry["objectIds"] == [webhook_id]
    assert HEX64.fullmatch(entry["hash"])
    assert HEX64.fullmatch(entry["prevHash"])
    assert entry["requestId"]

    same = nodes(await auditor(TRAIL, {"filter": {"agency": AGENCY, "operation": "registerWebhook"}}))
    assert entry in same


async def test_reading_the_trail_is_itself_recorded(hub: Hub, webhook_id: str) -> None:
    auditor = hub.client(await hub.person_token("ministry.justice", [Role.AUDITOR], AUDITOR))
    (shown,) = nodes(await auditor(TRAIL, {"filter": {"objectId": webhook_id}}))
    reads = nodes(await auditor(TRAIL, {"filter": {"agency": "ministry.justice", "operation": "read"}, "first": 1}))
    assert len(reads) == 1
    assert reads[0]["operation"] == "read:auditTrail"
    assert reads[0]["person"] == AUDITOR
    assert reads[0]["objectIds"] == [f"audit:{shown['seq']}"]
    assert int(reads[0]["seq"]) > int(shown["seq"])


async def test_the_trail_pages_newest_first(hub: Hub, webhook_id: str) -> None:
    auditor = hub.client(hub.token("ministry.justice", [Role.AUDITOR]))
    first = (await auditor(TRAIL, {"first": 2})).data["auditTrail"]
    after = (await auditor(TRAIL, {"first": 2, "after": first["pageInfo"]["endCursor"]})).data["auditTrail"]
    seqs = [int(e["node"]["seq"]) for e in first["edges"] + after["edges"]]
    assert seqs == sorted(seqs, reverse=True)
    assert len(set(seqs)) == 4
    assert first["pageInfo"]["hasNextPage"]
    assert after["pageInfo"]["hasPreviousPage"]


@pytest.mark.parametrize(
    "roles",
    [[Role.ENFORCEMENT_CLERK], [Role.MINISTRY, Role.OPERATOR], [Role.COURT_CLERK, Role.PROCURACY]],
    ids=["clerk", "ministry-operator", "court-procuracy"],
)
async def test_without_the_auditor_role_the_trail_is_forbidden_and_nothing_is_shown(
    hub: Hub, webhook_id: str, roles: list[Role]
) -> None:
    other = hub.client(hub.token(AGENCY if Role.ENFORCEMENT_CLERK in roles else "ministry.justice", roles))
    answer = await other(TRAIL, {"filter": {"objectId": webhook_id}})
    assert answer.codes() == {"FORBIDDEN"}
    assert answer.data is None
    assert webhook_id not in str(answer.body)


async def test_bad_paging_and_times_are_refused(hub: Hub) -> None:
    auditor = hub.client(hub.token("ministry.justice", [Role.AUDITOR]))
    assert (await auditor(TRAIL, {"first": 0})).codes() == {"BAD_USER_INPUT"}
    assert (await auditor(TRAIL, {"after": "not-a-cursor"})).codes() == {"BAD_USER_INPUT"}
    naive = await auditor(TRAIL, {"filter": {"from": "2026-01-01T00:00:00"}})
    assert naive.codes() == {"BAD_USER_INPUT"}


async def test_what_the_hub_wrote_verifies(hub: Hub, webhook_id: str) -> None:
    report = await hub.audit_chain()
    assert report.ok, report.reason
    assert report.checked >= 1
