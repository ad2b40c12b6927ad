"""Phối hợp (issue 22): a support request the law does not allow comes back to the form in Vietnamese.

The police of another province (OUTSIDE_PROVINCE) and an enforcement day too close for the police's
reply and plan (TOO_CLOSE) are refused by the hub; the console says why and nothing is written.
Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.court_client import SUBMIT, CourtSigner

COURT = "court.ha-noi.kv04"
OFFICE = "enforcement.ha-noi.kv04"
SENT = """
query { coordinationRequests(filter: {role: SENT, kind: ENFORCEMENT_SUPPORT}, first: 200) { edges { node { subject } } } }
"""


async def _judgment(hub: Hub) -> str:
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    submission = signer.submission()
    answer = await hub.client(hub.token(COURT, [Role.COURT_CLERK]))(SUBMIT, signer.signed_variables(submission))
    assert answer.data["submitJudgment"]["userErrors"] == [], answer.body
    return str(submission.key)


async def _sent_subjects(hub: Hub) -> set[str]:
    answer = await hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))(SENT)
    assert answer.errors == [], answer.body
    return {e["node"]["subject"] for e in answer.data["coordinationRequests"]["edges"]}


@pytest.mark.parametrize(
    ("police", "days_ahead", "code", "said"),
    [
        ("police.hai-phong", 40, "OUTSIDE_PROVINCE", "phải ủy thác cho cơ quan thi hành án dân sự nơi đó"),
        ("police.ha-noi", 1, "TOO_CLOSE", "Ngày cưỡng chế quá gần"),
    ],
    ids=["police-of-another-province", "day-too-close"],
)
async def test_a_support_request_the_law_does_not_allow_is_refused_in_vietnamese_and_writes_nothing(
    hub: Hub, police: str, days_ahead: int, code: str, said: str
) -> None:
    judgment = await _judgment(hub)
    subject = f"Đề nghị bảo vệ cưỡng chế {uuid.uuid4()}"
    clerk = await signed_in(hub, f"console.authority.{uuid.uuid4().hex[:12]}", OFFICE, (Role.ENFORCEMENT_CLERK,))
    page = (await hub.http.get("/phoi-hop", headers=clerk)).text
    form: dict[str, Any] = {
        "csrf": form_token(page),
        "loai": "ENFORCEMENT_SUPPORT",
        "gui-den": police,
        "trich-yeu": subject,
        "noi-dung": "Đề nghị bố trí lực lượng bảo vệ cưỡng chế giao nhà.",
        "ban-an": judgment,
        "ngay-cuong-che": (hub.clock.today() + timedelta(days=days_ahead)).isoformat(),
        "dia-diem": "Số 3 Láng Hạ, Hà Nội",
        "ve": "/phoi-hop",
    }

    refused = await hub.http.post("/phoi-hop/gui", headers=clerk, data=form)

    assert refused.status_code == 303
    assert refused.headers["location"] == f"/phoi-hop?loi={code}#gui"
    assert said in (await hub.http.get(f"/phoi-hop?loi={code}", headers=clerk)).text
    assert subject not in await _sent_subjects(hub)
