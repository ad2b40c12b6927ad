"""Sub-kinds over HTTP: the procuracy says which point of Law 63/2014 Art. 28(6) it asks, and the due day follows.

Each test runs with the hub on SQLite and on PostgreSQL (tests/fixtures/hub.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.access import Role
from domain.deadlines import local_day
from gateway.policies import load_deadline_policy

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv03"
PROCURACY = "procuracy.ha-noi.kv03"

OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) {
    userErrors { field code }
    request { id kind subKind openedAt dueOn }
  }
}
"""
READ = "query ($id: ID!) { coordinationRequest(id: $id) { id subKind dueOn } }"


@pytest.fixture
async def procuracy(hub):
    return hub.client(await hub.person_token(PROCURACY, [Role.PROCURACY], "Vũ Thu Trang"))


@pytest.fixture
async def office(hub):
    return hub.client(await hub.person_token(OFFICE, [Role.ENFORCEMENT_CLERK], "Lê Thị Hoa"))


async def _open(client, **fields: Any) -> dict[str, Any]:
    answer = await client(OPEN, {"input": {"to": OFFICE, "subject": "Yêu cầu", "body": "Nội dung", **fields}})
    assert answer.errors == [], answer.body
    return answer.data["openCoordinationRequest"]


def _opened_day(request: dict[str, Any]) -> date:
    return local_day(datetime.fromisoformat(request["openedAt"]))


async def test_a_request_to_decide_lawfully_is_due_the_day_it_is_received(procuracy, office):
    """Luật Tổ chức VKSND 63/2014/QH13, Điều 28(6)(a): carried out at once."""
    payload = await _open(procuracy, kind="PROCURACY_REQUEST", subKind="DECIDE_LAWFULLY")
    assert payload["userErrors"] == []
    request = payload["request"]
    assert request["subKind"] == "DECIDE_LAWFULLY"
    assert request["dueOn"] == _opened_day(request).isoformat()
    seen = (await office(READ, {"id": request["id"]})).data["coordinationRequest"]
    assert (seen["subKind"], seen["dueOn"]) == ("DECIDE_LAWFULLY", request["dueOn"])


async def test_a_request_to_self_inspect_has_30_days_on_the_calendar(hub, procuracy):
    """Luật Tổ chức VKSND 63/2014/QH13, Điều 28(6)(c): 30 days, a last day off moving to the next working day."""
    request = (await _open(procuracy, kind="PROCURACY_REQUEST", subKind="SELF_INSPECT"))["request"]
    calendar = load_deadline_policy(hub.settings.data_dir).calendar
    expected = calendar.add_working_days(_opened_day(request) + timedelta(days=30), 0)
    assert request["dueOn"] == expected.isoformat()


async def test_a_sub_kind_of_another_kind_is_refused_and_nothing_is_opened(procuracy):
    payload = await _open(procuracy, kind="PROCURACY_REQUEST", subKind="COMPLEX_EXPLANATION")
    assert payload["request"] is None
    assert payload["userErrors"] == [{"field": "subKind", "code": "WRONG_KIND"}]
