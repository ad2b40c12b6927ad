"""`committeeReport` over HTTP, on SQLite and PostgreSQL: rows, totals, comparison, access, bad periods.

The hub of tests/fixtures/hub.py is shared by the session, so other tests'
transfers are in its ledger too: figures are checked as the change two new
transfers make (one on time, one 45 days after the judgment took effect:
late against the 30-day ``court_transfer`` rule), and as invariants (totals =
sum of rows, rows = the province's enforcement units).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from agencies.common.reference import ReferenceData
from domain.access import Role
from domain.clock import Clock
from domain.types import AgencyKind, AgencyLevel
from gateway import commands
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv05"
OFFICE = "enforcement.ha-noi.kv05"
TODAY = Clock().today()

FIGURES = """
  transfers { transferred onTime late acknowledged decided byCourt { courtCode transferred onTime late } }
  enforcement {
    cases { carriedOver newlyAccepted entrustedOut withdrawn total withConditions withoutConditions completed
            carriedToNext completionRate }
    money { carriedOver newlyAccepted total withConditions completed carriedToNext completionRate }
  }
  coordination { kind opened answered open overdue }
  procuracyRecommendations { opened }
  personnel { alerts overdue }
  missing
"""
REPORT = f"""
query ($province: String, $period: ReportPeriodInput!) {{
  committeeReport(province: $province, period: $period) {{
    province name period {{ start end label }} previousPeriod {{ start end }}
    rows {{ code name kind province current {{ {FIGURES} }} previousYear {{ {FIGURES} }}
            target {{ casesRate moneyRate decision scope }} }}
    totals {{ code kind current {{ {FIGURES} }} previousYear {{ {FIGURES} }} target {{ casesRate scope }} }}
    missing
  }}
}}
"""
RECENT = {"from": (TODAY - timedelta(days=60)).isoformat(), "to": TODAY.isoformat()}


def _client(hub, agency: str, role: Role):
    return hub.client(hub.token(agency, [role]))


async def _report(client, province: str | None, period: dict[str, Any]) -> dict[str, Any]:
    """The report, read with every source answering.

    The test hub gives each agency system 1 s; on a loaded machine (the suite in parallel) a read now
    and then goes without a source (named in ``missing``, its figures zero): such a read is made again,
    at most eight times, and the last one is returned either way (as in test_report_exports.py).
    """
    for _attempt in range(8):
        answer = await client(REPORT, {"province": province, "period": period})
        assert answer.errors == [], answer.body
        report: dict[str, Any] = answer.data["committeeReport"]
        if not report["missing"]:
            break
    return report


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every numeric leaf of a figures object, by path (lists of kinds/courts keyed by their kind/code)."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_leaves(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                key = item.get("kind") or item.get("courtCode")
                out.update(_leaves({k: v for k, v in item.items() if k not in ("kind", "courtCode")}, f"{path}[{key}]"))
    elif isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).lstrip("-").isdigit():
        out[path] = int(value)
    return out


def assert_totals_are_the_sum_of_the_rows(report: dict[str, Any]) -> None:
    for side in ("current", "previousYear"):
        totals = _leaves(report["totals"][side])
        summed: dict[str, int] = {}
        for row in report["rows"]:
            for path, n in _leaves(row[side]).items():
                summed[path] = summed.get(path, 0) + n
        assert {k: v for k, v in totals.items() if v} == {k: v for k, v in summed.items() if v}, side


def enforcement_units(province: str) -> set[str]:
    agencies = ReferenceData.load().agencies.values()
    return {
        a.code
        for a in agencies
        if a.kind is AgencyKind.ENFORCEMENT
        and a.level in (AgencyLevel.PROVINCIAL, AgencyLevel.AREA)
        and a.province_code == province
        and a.is_active(TODAY)
    }


async def _submit(hub, court_client, signer: CourtSigner, effective_on: date) -> None:
    answer = await court_client(SUBMIT, signer.signed_variables(signer.submission(effective_on=effective_on)))
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == [], payload
    assert payload["transfer"]["registerOffice"]["code"] == OFFICE


class TestProvinceReport:
    async def test_a_committee_gets_its_province_one_row_per_unit_totals_the_sum(self, hub) -> None:
        report = await _report(_client(hub, "committee.ha-noi", Role.COMMITTEE), "ha-noi", RECENT)
        assert report["province"] == "ha-noi"
        assert {r["code"] for r in report["rows"]} == enforcement_units("ha-noi")
        assert {r["kind"] for r in report["rows"]} == {"AGENCY"}
        assert report["totals"]["kind"] == "TOTAL"
        assert report["missing"] == []
        assert_totals_are_the_sum_of_the_rows(report)

    async def test_new_transfers_count_on_time_or_late_by_court(self, hub) -> None:
        committee = _client(hub, "committee.ha-noi", Role.COMMITTEE)
        before = {r["code"]: r for r in (await _report(committee, "ha-noi", RECENT))["rows"]}[OFFICE]
        signer = CourtSigner.new(COURT)
        await commands.keys_add(hub.settings, signer.court, signer.public_key)
        court = _client(hub, COURT, Role.COURT_CLERK)
        await _submit(hub, court, signer, TODAY - timedelta(days=3))  # within 30 days: on time
        await _submit(hub, court, signer, TODAY - timedelta(days=45))  # 45 days after legal effect: late

        report = await _report(committee, "ha-noi", RECENT)
        after = {r["code"]: r for r in report["rows"]}[OFFICE]
        was, now = before["current"]["transfers"], after["current"]["transfers"]
        assert (now["transferred"], now["onTime"], now["late"]) == (
            was["transferred"] + 2,
            was["onTime"] + 1,
            was["late"] + 1,
        )
        by_court = {c["courtCode"]: c for c in now["byCourt"]}
        assert by_court[COURT]["transferred"] >= 2
        assert_totals_are_the_sum_of_the_rows(report)

    async def test_rates_follow_circular_06_and_targets_come_from_the_data(self, hub) -> None:
        ministry = _client(hub, "ministry.justice", Role.MINISTRY)
        report = await _report(ministry, "ha-noi", {"statisticalYear": 2026, "months": 12})
        assert report["period"]["label"] == "Năm 2026 (01/10/2025 – 30/09/2026)"
        assert report["previousPeriod"] == {"start": "2024-10-01", "end": "2025-09-30"}
        for row in [*report["rows"], report["totals"]]:
            cases = row["current"]["enforcement"]["cases"]
            assert cases["total"] == (
                cases["carriedOver"] + cases["newlyAccepted"] - cases["entrustedOut"] - cases["withdrawn"]
            )
            assert cases["carriedToNext"] == cases["total"] - cases["completed"]
            if cases["withConditions"]:
                assert cases["completionRate"] == round(100 * cases["completed"] / cases["withConditions"], 2)
            else:
                assert cases["completionRate"] is None
        assert report["totals"]["target"] == {"casesRate": 85.0, "scope": "ha-noi"}  # data/report_targets.toml
        assert_totals_are_the_sum_of_the_rows(report)


class TestNationalRollUp:
    async def test_the_ministry_gets_one_row_per_province_summing_to_the_totals(self, hub) -> None:
        ministry = _client(hub, "ministry.justice", Role.MINISTRY)
        report = await _report(ministry, None, RECENT)
        assert report["province"] is None
        provinces = {a.province_code for a in ReferenceData.load().agencies.values() if a.code.startswith("committee.")}
        assert {r["code"] for r in report["rows"]} == provinces
        assert {r["kind"] for r in report["rows"]} == {"PROVINCE"}
        assert_totals_are_the_sum_of_the_rows(report)

    async def test_a_province_row_equals_that_provinces_own_totals(self, hub) -> None:
        ministry = _client(hub, "ministry.justice", Role.MINISTRY)
        national = await _report(ministry, None, RECENT)
        province = await _report(ministry, "ha-noi", RECENT)
        row = {r["code"]: r for r in national["rows"]}["ha-noi"]
        assert _leaves(row["current"]) == _leaves(province["totals"]["current"])


class TestAccess:
    async def test_a_committee_may_not_read_another_province(self, hub) -> None:
        answer = await _client(hub, "committee.ha-noi", Role.COMMITTEE)(REPORT, {"province": "hue", "period": RECENT})
        assert answer.codes() == {"FORBIDDEN"}
        assert answer.data is None or answer.data.get("committeeReport") is None

    async def test_a_committee_may_not_read_the_national_roll_up(self, hub) -> None:
        answer = await _client(hub, "committee.ha-noi", Role.COMMITTEE)(REPORT, {"province": None, "period": RECENT})
        assert answer.codes() == {"FORBIDDEN"}

    @pytest.mark.parametrize(
        ("agency", "role"),
        [("enforcement.ha-noi.kv01", Role.ENFORCEMENT_CLERK), ("court.ha-noi.kv01", Role.COURT_CLERK)],
    )
    async def test_other_roles_are_forbidden(self, hub, agency: str, role: Role) -> None:
        answer = await _client(hub, agency, role)(REPORT, {"province": "ha-noi", "period": RECENT})
        assert answer.codes() == {"FORBIDDEN"}

    async def test_an_unknown_province_is_bad_input_for_the_ministry(self, hub) -> None:
        answer = await _client(hub, "ministry.justice", Role.MINISTRY)(
            REPORT, {"province": "atlantis", "period": RECENT}
        )
        assert answer.codes() == {"BAD_USER_INPUT"}


class TestBadPeriods:
    @pytest.mark.parametrize(
        "period",
        [
            {"statisticalYear": 2026, "months": 13},
            {"statisticalYear": 2026, "months": 0},
            {"statisticalYear": 2026},
            {"from": "2026-03-01"},
            {"from": "2026-03-02", "to": "2026-03-01"},
            {"statisticalYear": 2026, "months": 3, "from": "2026-01-01", "to": "2026-01-31"},
            {},
            {"from": "2019-01-01", "to": "2026-01-01"},
        ],
    )
    async def test_is_bad_user_input(self, hub, period: dict[str, Any]) -> None:
        answer = await _client(hub, "ministry.justice", Role.MINISTRY)(REPORT, {"province": "ha-noi", "period": period})
        assert answer.codes() == {"BAD_USER_INPUT"}, answer.body
