"""personnelAlerts over HTTP say each rule's legal basis and whether it was verified (issue 16).

The two-term cap names Decree 138/2020 Art. 41(2) and says it cannot be
renewed; rotation alerts name their rule's basis; retirement alerts, whose
age and effective day were both seen in their texts, are verified. Every
alert's ``verified`` is the one of the rule it names in the shipped table.
"""

from __future__ import annotations

import pytest

from domain.access import Role
from gateway.policies import shipped_personnel_rules

pytestmark = pytest.mark.e2e

RULES = shipped_personnel_rules()
HA_NOI = "enforcement.ha-noi"
ALERTS = """
query ($province: String, $horizon: Int!) {
  personnelAlerts(province: $province, horizonDays: $horizon) {
    kind rule legalBasis verified detail agency { code }
  }
}
"""


async def test_alerts_carry_their_rules_basis_and_verification(hub):
    client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
    answer = await client(ALERTS, {"province": "ha-noi", "horizon": 1825})
    assert answer.errors == []
    alerts = answer.data["personnelAlerts"]
    rules = {rule.key: rule for rule in RULES.all_rules()}
    for alert in alerts:
        rule = rules[alert["rule"]]
        assert alert["legalBasis"] == rule.legal_basis
        expected = rule.verified and getattr(rule, "effective_verified", True)
        assert alert["verified"] is expected, alert["rule"]
    caps = [a for a in alerts if a["kind"] == "SECOND_TERM"]
    assert caps, "the seeded Hà Nội leaders include some in a second consecutive term"
    for cap in caps:
        assert "Nghị định 138/2020/NĐ-CP, Điều 41(2)" in cap["legalBasis"]
        assert "không được bổ nhiệm lại" in cap["detail"]
        assert cap["verified"] is False  # Decree 170/2025, which continues it, was not seen
    rotations = [a for a in alerts if a["kind"] == "ROTATION_DUE"]
    assert rotations
    assert all("Nghị định 59/2019/NĐ-CP" in a["legalBasis"] for a in rotations)
    retirements = [a for a in alerts if a["kind"] == "RETIREMENT"]
    assert retirements
    assert all(a["verified"] for a in retirements)
    assert all("Điều 3(1)" in a["legalBasis"] for a in retirements)
