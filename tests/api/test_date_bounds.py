"""Dates within sense, everywhere (issue 22): every Date argument lies in the window of its kind.

``plannedOn: 9999-12-31``, ``replyBy: 3000-01-01`` (a deadline that could never be overdue) and
periodic-report periods ``0001-01-01 – 9999-12-31`` or wholly in the future were accepted. Now one
policy (domain/date_bounds.py, settings in docs/operations.md) bounds them all where they enter
(schema/input_boundary.py): a mutation with userErrors says ``INVALID`` on the field, a read is
``BAD_USER_INPUT``; the message gives the allowed range as dd/mm/yyyy and ISO. SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest

from domain.access import Role
from domain.clock import Clock
from domain.date_bounds import DateBounds, DateKind, months_ahead, statistical_year_end

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv03"
PROVINCIAL = "enforcement.ha-noi"
POLICE = "police.ha-noi"
PROCURACY = "procuracy.ha-noi.kv03"
BOUNDS = DateBounds()  # the defaults: the test hub sets none of LIENTHONG_*_MAX_*
OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) { userErrors { field code message } request { id periodFrom periodTo } }
}
"""
REGISTER = """
mutation ($input: RegisterAgreementInput!) {
  registerAgreement(input: $input) { userErrors { field code message } agreement { id } }
}
"""
REPORT = """
query ($period: ReportPeriodInput!) { committeeReport(province: "ha-noi", period: $period) { period { start end } } }
"""
JUDGMENTS = "query ($f: JudgmentFilter) { judgments(first: 1, filter: $f) { totalCount } }"


def _today() -> date:
    return Clock().today()  # the test hub's clock follows the machine's time


def _range(first: date, last: date) -> str:
    return f"{first:%d/%m/%Y} – {last:%d/%m/%Y} ({first.isoformat()} – {last.isoformat()})"


def _client(hub, agency: str, role: Role):
    return hub.client(hub.token(agency, [role]))


async def _open(hub, agency: str, role: Role, **fields: Any) -> dict[str, Any]:
    answer = await _client(hub, agency, role)(OPEN, {"input": fields})
    assert answer.errors == [], answer.body
    payload: dict[str, Any] = answer.data["openCoordinationRequest"]
    return payload


def _invalid(payload: dict[str, Any], field: str) -> list[str]:
    """The messages of the INVALID userErrors on ``field``."""
    return [e["message"] for e in payload["userErrors"] if e["field"] == field and e["code"] == "INVALID"]


def _report(**fields: Any) -> dict[str, Any]:
    return {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "subject": "Báo cáo", "body": "Nội dung", **fields}


class TestReplyBy:
    async def test_a_reply_by_in_the_year_3000_is_refused_with_the_allowed_range(self, hub):
        payload = await _open(
            hub, PROCURACY, Role.PROCURACY, kind="PROCURACY_REQUEST", to=OFFICE, subject="Yêu cầu", body="Nội dung",
            replyBy="3000-01-01",
        )  # fmt: skip
        first, last = BOUNDS.window(DateKind.REPLY_BY, _today())
        assert payload["request"] is None
        assert _invalid(payload, "replyBy") == [
            f"replyBy: 01/01/3000 (3000-01-01) is outside the allowed range {_range(first, last)}"
        ]
        assert last == _today() + timedelta(days=365)

    async def test_a_reply_by_a_year_ahead_passes_the_bound_and_a_day_more_does_not(self, hub):
        fields = {"kind": "PROCURACY_REQUEST", "to": OFFICE, "subject": "Yêu cầu", "body": "Nội dung"}
        within = await _open(hub, PROCURACY, Role.PROCURACY, **fields, replyBy=(_today() + timedelta(365)).isoformat())
        beyond = await _open(hub, PROCURACY, Role.PROCURACY, **fields, replyBy=(_today() + timedelta(366)).isoformat())
        assert _invalid(within, "replyBy") == []
        assert len(_invalid(beyond, "replyBy")) == 1


class TestPlannedOn:
    async def test_a_forced_enforcement_planned_for_9999_is_refused(self, hub):
        payload = await _open(
            hub, OFFICE, Role.ENFORCEMENT_CLERK, kind="ENFORCEMENT_SUPPORT", to=POLICE, subject="Hỗ trợ cưỡng chế",
            body="Nội dung", plannedOn="9999-12-31", place="Số 3 Láng Hạ, Hà Nội",
        )  # fmt: skip
        last = months_ahead(_today(), BOUNDS.planned_on_max_months)
        assert payload["request"] is None
        assert _invalid(payload, "plannedOn") == [
            f"plannedOn: 31/12/9999 (9999-12-31) is outside the allowed range {_range(BOUNDS.earliest, last)}"
        ]

    async def test_a_day_beyond_the_window_is_refused_and_the_last_day_is_not(self, hub):
        fields = {
            "kind": "ENFORCEMENT_SUPPORT",
            "to": POLICE,
            "subject": "Hỗ trợ cưỡng chế",
            "body": "Nội dung",
            "place": "Số 3 Láng Hạ",
        }
        last = months_ahead(_today(), BOUNDS.planned_on_max_months)
        on_it = await _open(hub, OFFICE, Role.ENFORCEMENT_CLERK, **fields, plannedOn=last.isoformat())
        after = await _open(hub, OFFICE, Role.ENFORCEMENT_CLERK, **fields, plannedOn=(last + timedelta(1)).isoformat())
        assert _invalid(on_it, "plannedOn") == []
        assert len(_invalid(after, "plannedOn")) == 1


class TestPeriodicReportPeriod:
    async def test_a_period_from_year_one_to_9999_is_refused_on_both_ends(self, hub):
        payload = await _open(
            hub, OFFICE, Role.ENFORCEMENT_CLERK, **_report(periodFrom="0001-01-01", periodTo="9999-12-31")
        )
        assert payload["request"] is None
        assert _invalid(payload, "periodFrom") == [
            f"periodFrom: 01/01/0001 (0001-01-01) is outside the allowed range {_range(BOUNDS.earliest, _today())}"
        ]
        assert _invalid(payload, "periodTo") == [
            "periodTo: 31/12/9999 (9999-12-31) is outside the allowed range "
            + _range(BOUNDS.earliest, statistical_year_end(_today()))
        ]

    async def test_a_period_wholly_in_the_future_is_refused(self, hub):
        start, end = _today() + timedelta(days=10), _today() + timedelta(days=40)
        payload = await _open(
            hub, OFFICE, Role.ENFORCEMENT_CLERK, **_report(periodFrom=start.isoformat(), periodTo=end.isoformat())
        )
        assert [e["field"] for e in payload["userErrors"]] == ["periodFrom"]

    async def test_the_current_statistical_year_so_far_is_accepted(self, hub):
        end = statistical_year_end(_today())
        start = date(end.year - 1, 10, 1)
        payload = await _open(
            hub, OFFICE, Role.ENFORCEMENT_CLERK, **_report(periodFrom=start.isoformat(), periodTo=end.isoformat())
        )
        assert payload["userErrors"] == [], payload
        assert (payload["request"]["periodFrom"], payload["request"]["periodTo"]) == (
            start.isoformat(),
            end.isoformat(),
        )


class TestReportPeriodOfAReport:
    async def test_a_report_from_year_one_is_bad_user_input_naming_the_field(self, hub):
        answer = await _client(hub, "ministry.justice", Role.MINISTRY)(
            REPORT, {"period": {"from": "0001-01-01", "to": _today().isoformat()}}
        )
        assert answer.errors == [
            {
                "message": f"period.from: 01/01/0001 (0001-01-01) is outside the allowed range "
                f"{_range(BOUNDS.earliest, _today())}",
                "extensions": {"code": "BAD_USER_INPUT", "field": "period.from"},
            }
        ]

    async def test_a_report_ending_after_the_current_statistical_year_is_bad_user_input(self, hub):
        end = statistical_year_end(_today()) + timedelta(days=1)
        answer = await _client(hub, "ministry.justice", Role.MINISTRY)(
            REPORT, {"period": {"from": _today().isoformat(), "to": end.isoformat()}}
        )
        assert [e["extensions"] for e in answer.errors] == [{"code": "BAD_USER_INPUT", "field": "period.to"}]


class TestOtherDates:
    async def test_an_agreement_signed_in_9999_is_refused(self, hub):
        today = _today()
        agreement = {
            "title": "Quy chế phối hợp",
            "scope": "Bảo vệ cưỡng chế.",
            "parties": [OFFICE, POLICE],
            "documentSha256": hashlib.sha256(b"quy che 9999").hexdigest(),
            "signedOn": "9999-12-31",
            "validFrom": today.isoformat(),
            "clauses": [],
        }
        answer = await _client(hub, OFFICE, Role.ENFORCEMENT_CLERK)(REGISTER, {"input": agreement})
        assert answer.errors == [], answer.body
        payload = answer.data["registerAgreement"]
        last = months_ahead(today, 12 * BOUNDS.max_years_ahead)
        assert payload == {
            "agreement": None,
            "userErrors": [
                {
                    "field": "signedOn",
                    "code": "INVALID",
                    "message": f"signedOn: 31/12/9999 (9999-12-31) is outside the allowed range "
                    f"{_range(BOUNDS.earliest, last)}",
                }
            ],
        }

    async def test_a_judgment_filter_from_year_one_is_bad_user_input_in_a_literal_too(self, hub):
        ministry = _client(hub, "ministry.justice", Role.MINISTRY)
        answer = await ministry('{ judgments(first: 1, filter: {effectiveFrom: "0001-01-01"}) { totalCount } }')
        assert [e["extensions"] for e in answer.errors] == [{"code": "BAD_USER_INPUT", "field": "filter.effectiveFrom"}]
        fine = await ministry(JUDGMENTS, {"f": {"effectiveFrom": "2020-01-01"}})
        assert fine.errors == [], fine.body
