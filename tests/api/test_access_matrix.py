"""Every role × every operation, over HTTP and WebSocket, behaves as the policy table says.

The expectation comes from ``domain.policy.POLICY`` — the same table
``lienthong policy-table`` prints into docs/security.md (a test below checks the
docs still match it). Each operation is called with harmless arguments (unknown
ids, a bad URL, an unregistered signing key…), so an allowed call answers with
data, a user error or NOT_FOUND — anything but FORBIDDEN — and writes nothing,
while a denied call answers FORBIDDEN with no data. Which *records* an allowed
call shows is tested in test_access_scopes.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain import policy
from domain.access import Principal, Role
from resolvers.build import build_schema
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.ws_client import Error

pytestmark = pytest.mark.e2e

ROLE_AGENCY = {
    Role.COURT_CLERK: "court.ha-noi.kv01",
    Role.ENFORCEMENT_CLERK: "enforcement.ha-noi.kv01",
    Role.PROCURACY: "procuracy.ha-noi.kv01",
    Role.POLICE: "police.ha-noi",
    Role.COMMITTEE: "committee.ha-noi",
    Role.MINISTRY: "ministry.justice",
    Role.PERSONNEL: "enforcement.ha-noi",
    Role.AUDITOR: "ministry.justice",
    Role.OPERATOR: "ministry.justice",
}

Variables = Callable[[str], dict[str, Any]]


def _none(_: str) -> dict[str, Any]:
    return {}


def _own(agency: str) -> dict[str, Any]:
    # The ministry's own code is no office: it reads another agency's (its reach is ALL).
    return {"office": "enforcement.ha-noi.kv01" if agency == "ministry.justice" else agency}


def _submission(agency: str) -> dict[str, Any]:
    court = agency if agency.startswith("court.") else "court.ha-noi.kv01"
    signer = CourtSigner.new(court)  # a key the hub never registered: UNKNOWN_KEY, nothing written
    return signer.signed_variables(signer.submission())


CALLS: dict[str, tuple[str, Variables]] = {
    "me": ("{ me { agencyCode } }", _none),
    "agency": ('{ agency(code: "court.ha-noi.kv01") { code } }', _none),
    "agencies": ('{ agencies(province: "ha-noi", kind: COURT) { code } }', _none),
    "judgment": ('{ judgment(id: "court.ha-noi.kv01:0/2026/DS-ST") { id } }', _none),
    "judgments": ("{ judgments(first: 1) { totalCount } }", _none),
    "transfer": ('{ transfer(id: "no-such-transfer") { id } }', _none),
    "inbox": ("query ($office: ID!) { inbox(office: $office, first: 1) { pageInfo { hasNextPage } } }", _own),
    "webhooks": ("{ webhooks { id } }", _none),
    "webhookDeliveries": ("{ webhookDeliveries(first: 1) { pageInfo { hasNextPage } } }", _none),
    "auditTrail": ("{ auditTrail(first: 1) { pageInfo { hasNextPage } } }", _none),
    "submitJudgment": (SUBMIT, _submission),
    "acknowledgeTransfer": ('mutation { acknowledgeTransfer(id: "no-such-transfer") { userErrors { code } } }', _none),
    "returnTransfer": (
        'mutation { returnTransfer(id: "no-such-transfer", reason: UNCLEAR, note: "x") { userErrors { code } } }',
        _none,
    ),
    "recordEnforcementDecision": (
        'mutation { recordEnforcementDecision(id: "no-such-transfer", number: "1/QĐ-THA", issuedOn: "2026-01-05", '
        'kind: EX_OFFICIO, officer: "Trần Văn Bình") { userErrors { code } } }',
        _none,
    ),
    "registerWebhook": ('mutation { registerWebhook(url: "not a url") { userErrors { code } } }', _none),
    "deactivateWebhook": ('mutation { deactivateWebhook(id: "no-such-webhook") { userErrors { code } } }', _none),
    "redriveDeliveries": ('mutation { redriveDeliveries(webhook: "no-such-webhook") { userErrors { code } } }', _none),
    "coordinationAgreements": ('{ coordinationAgreements(party: "no-such-agency") { id } }', _none),
    # A filter nothing matches: reading a request addressed to the caller would record its receipt.
    "coordinationRequests": (
        '{ coordinationRequests(first: 1, filter: {transferId: "no-such-transfer"}) { totalCount } }',
        _none,
    ),
    "coordinationRequest": ('{ coordinationRequest(id: "no-such-request") { id } }', _none),
    "registerAgreement": (
        'mutation { registerAgreement(input: {title: "", scope: "", parties: [], documentSha256: "x", '
        'signedOn: "2026-01-05", validFrom: "2026-01-05"}) { userErrors { code } } }',
        _none,
    ),
    "openCoordinationRequest": (
        'mutation { openCoordinationRequest(input: {kind: PERIODIC_REPORT, to: "no-such-agency", subject: "x", '
        'body: "x"}) { userErrors { code } } }',
        _none,
    ),
    "respondToCoordinationRequest": (
        'mutation { respondToCoordinationRequest(id: "no-such-request", action: START) { userErrors { code } } }',
        _none,
    ),
    # An agency that does not exist: no officer is shown, so no read is recorded.
    "officers": ('{ officers(first: 1, filter: {agency: "no-such-agency"}) { totalCount } }', _none),
    "staffing": ('{ staffing(agency: "no-such-agency") { quota } }', _none),
    "personnelAlerts": ('{ personnelAlerts(agency: "no-such-agency") { rule } }', _none),
    "committeeReport": (
        '{ committeeReport(province: "ha-noi", period: {statisticalYear: 2026, months: 1}) { totals { code } } }',
        _none,
    ),
    # Interagency statistics: a period that has not ended (2099), so an allowed signatory is told so and
    # nothing is written; an area office or procuracy is NOT_SIGNATORY, also without writing.
    "interagencyStatistics": (
        '{ interagencyStatistics(province: "ha-noi", period: {statisticalYear: 2026, months: 3}) { status } }',
        _none,
    ),
    "closeInteragencyStatistics": (
        'mutation { closeInteragencyStatistics(province: "ha-noi", period: {statisticalYear: 2099, months: 3}) '
        "{ userErrors { code } } }",
        _none,
    ),
    "countersignInteragencyStatistics": (
        'mutation { countersignInteragencyStatistics(province: "ha-noi", period: {statisticalYear: 2099, months: 3}) '
        "{ userErrors { code } } }",
        _none,
    ),
    "disputeInteragencyStatistics": (
        'mutation { disputeInteragencyStatistics(province: "ha-noi", period: {statisticalYear: 2099, months: 3}, '
        'notes: [{row: "01.1", note: "x"}]) { userErrors { code } } }',
        _none,
    ),
}
SUBSCRIPTIONS: dict[str, tuple[str, Variables]] = {
    # A malformed cursor: an allowed subscriber is told BAD_USER_INPUT at once, a denied one FORBIDDEN.
    "transferEvents": (
        'subscription ($office: ID!) { transferEvents(office: $office, after: "not-a-cursor") { cursor } }',
        _own,
    ),
    "coordinationEvents": (
        'subscription ($agency: ID!) { coordinationEvents(agency: $agency, after: "not-a-cursor") { cursor } }',
        lambda agency: {"agency": agency},  # its own agency (the ministry's reach is ALL anyway)
    ),
}


def allowed(role: Role, operation: str) -> bool:
    return policy.reach(Principal(agency_code=ROLE_AGENCY[role], roles=frozenset({role})), operation) > 0


def test_every_operation_of_the_schema_has_a_policy_rule_and_a_call_here():
    schema = build_schema()._schema
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    operations = {name for root in roots if root is not None for name in root.fields}
    assert operations == set(policy.RULES)
    assert operations == set(CALLS) | set(SUBSCRIPTIONS)


def test_docs_security_prints_the_policy_table():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert policy.policy_table() in docs, "docs/security.md is out of date: paste `lienthong policy-table`"


def _forbidden(errors: list[dict[str, Any]], operation: str) -> bool:
    return any(e.get("extensions", {}).get("code") == "FORBIDDEN" and e.get("path") == [operation] for e in errors)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_each_role_gets_exactly_the_operations_the_table_grants(hub, role):
    agency = ROLE_AGENCY[role]
    client = hub.client(hub.token(agency, [role]))
    wrong: list[str] = []
    for operation, (document, variables) in CALLS.items():
        answer = await client(document, variables(agency))
        assert answer.status == 200, (operation, answer.body)
        denied = _forbidden(answer.errors, operation)
        if allowed(role, operation):
            if denied or answer.data is None or operation not in answer.data:
                wrong.append(f"{operation}: expected allowed, got {answer.body}")
        elif not denied or (answer.data or {}).get(operation) is not None:
            wrong.append(f"{operation}: expected FORBIDDEN, got {answer.body}")
    async with hub.websocket(token=client.token) as ws:
        for operation, (document, variables) in SUBSCRIPTIONS.items():
            subscription = await ws.subscribe(document, variables(agency))
            message = await subscription.receive()
            assert isinstance(message, Error), (operation, message)
            codes = message.codes()
            expected = {"BAD_USER_INPUT"} if allowed(role, operation) else {"FORBIDDEN"}
            if codes != expected:
                wrong.append(f"{operation}: expected {expected}, got {message.errors}")
    assert wrong == []
