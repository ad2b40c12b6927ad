"""Personnel oversight over HTTP: officers, staffing, alerts — who sees which units, which fields, and the audit.

The seeded personnel database is the reference: the same roster the topology
wrote (``agencies/common/staff.py``), read here directly, and the domain rules
(``domain/personnel/``) applied to it. Units out of reach read as absent (not
listed, not counted, ``staffing`` null, no alerts); restricted fields are in
clear only for a personnel department over the officer's agency.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from agencies.common.reference import ReferenceData
from agencies.common.staff import StaffRoster, Unit
from domain.access import Role
from domain.clock import Clock
from domain.personnel.alerts import personnel_alerts
from domain.personnel.retirement import retirement_date
from domain.personnel.staffing import staffing_summary
from domain.types import Officer, StaffingUnit
from gateway.policies import shipped_personnel_rules
from ledger.db import create_engine, session_factory
from ledger.models import AuditRow
from tests.fixtures.topology import SEED

pytestmark = pytest.mark.e2e

RULES = shipped_personnel_rules()
KV01, KV02, HA_NOI = "enforcement.ha-noi.kv01", "enforcement.ha-noi.kv02", "enforcement.ha-noi"
OTHER_PROVINCE = "hue"

OFFICERS = """
query ($f: OfficerFilter, $first: Int!, $after: String) {
  officers(filter: $f, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      code name sex title post agency { code } appointedOn termEndsOn consecutiveTerms sensitivePost
      positionSince training retirementOn birthDate citizenId discipline
    } }
  }
}
"""
STAFFING = """
query ($agency: ID, $province: String) {
  staffing(agency: $agency, province: $province) {
    province quota inPost gap byTitle { title count } vacantLeaderPosts { post agency { code } }
    units { agency { code } quota inPost gap byTitle { title count } vacantLeaderPosts }
  }
}
"""
ALERTS = """
query ($agency: ID, $province: String, $horizon: Int!) {
  personnelAlerts(agency: $agency, province: $province, horizonDays: $horizon) {
    kind agency { code } officer { code name } rule legalBasis dueOn detail
  }
}
"""


@pytest.fixture(scope="module")
def roster() -> StaffRoster:
    """The enforcement staff the topology's personnel database holds."""
    return StaffRoster(SEED, ReferenceData.load())


def _officers_of(roster: StaffRoster, *codes: str) -> dict[str, Officer]:
    return {o.code: o for code in codes for o in roster.unit(code).officers}


def _province_units(roster: StaffRoster, province: str) -> list[Unit]:
    return [u for u in roster.units() if u.agency.province_code == province]


async def _officers(client: Any, f: dict[str, Any] | None, first: int = 200) -> dict[str, Any]:
    answer = await client(OFFICERS, {"f": f, "first": first})
    assert answer.errors == [], answer.body
    return answer.data["officers"]


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def _masked(citizen_id: str) -> str:
    return "*" * (len(citizen_id) - 4) + citizen_id[-4:]


def _assert_in_clear(nodes: list[dict[str, Any]], expected: dict[str, Officer]) -> None:
    assert nodes
    for node in nodes:
        officer = expected[node["code"]]
        assert node["citizenId"] == officer.citizen_id
        assert node["birthDate"] == officer.birth_date.isoformat()
        assert node["discipline"] == officer.discipline


def _assert_masked(nodes: list[dict[str, Any]], expected: dict[str, Officer]) -> None:
    assert nodes
    for node in nodes:
        officer = expected[node["code"]]
        assert node["citizenId"] == _masked(officer.citizen_id) != officer.citizen_id
        assert node["birthDate"] is None
        assert node["discipline"] is None
        assert node["retirementOn"] == retirement_date(officer.sex, officer.birth_date, RULES).isoformat()


async def _audited(hub: Any, operation: str, person: str) -> list[list[str]]:
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = (
                await session.execute(
                    select(AuditRow).where(AuditRow.operation == operation, AuditRow.person == person)
                )
            ).scalars()
            return [orjson.loads(row.object_ids) for row in rows]
    finally:
        await engine.dispose()


class TestOfficers:
    async def test_a_personnel_department_lists_its_agencys_officers_with_restricted_fields_in_clear(self, hub, roster):
        client = hub.client(hub.token(KV01, [Role.PERSONNEL]))
        connection = await _officers(client, {"agency": KV01})
        expected = _officers_of(roster, KV01)
        nodes = _nodes(connection)
        assert [n["code"] for n in nodes] == sorted(expected)
        assert connection["totalCount"] == len(expected)
        _assert_in_clear(nodes, expected)
        for node in nodes:
            officer = expected[node["code"]]
            assert node["agency"]["code"] == KV01
            assert (node["name"], node["title"], node["post"]) == (officer.name, officer.title, officer.post)
            assert node["sex"] == officer.sex.name
            assert node["retirementOn"] == retirement_date(officer.sex, officer.birth_date, RULES).isoformat()

    async def test_an_area_personnel_department_does_not_see_another_area_office_at_all(self, hub):
        client = hub.client(hub.token(KV01, [Role.PERSONNEL]))
        other = await _officers(client, {"agency": KV02})
        assert other["totalCount"] == 0
        assert other["edges"] == []
        province = await _officers(client, {"province": "ha-noi"})
        assert {n["agency"]["code"] for n in _nodes(province)} == {KV01}

    async def test_the_provincial_personnel_department_reads_its_area_offices_files_in_clear(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        nodes = _nodes(await _officers(client, {"agency": KV02}))
        _assert_in_clear(nodes, _officers_of(roster, KV02))

    async def test_the_ministrys_personnel_department_reads_every_file_in_clear(self, hub, roster):
        client = hub.client(hub.token("ministry.justice", [Role.PERSONNEL]))
        nodes = _nodes(await _officers(client, {"agency": KV02}))
        _assert_in_clear(nodes, _officers_of(roster, KV02))

    async def test_the_ministry_without_the_personnel_role_sees_every_officer_masked(self, hub, ministry_gql, roster):
        nodes = _nodes(await _officers(ministry_gql, {"agency": KV02}))
        expected = _officers_of(roster, KV02)
        assert {n["code"] for n in nodes} == set(expected)
        _assert_masked(nodes, expected)

    async def test_an_enforcement_clerk_sees_its_own_officers_masked_and_no_one_elses(self, hub, roster):
        client = hub.client(hub.token(KV01, [Role.ENFORCEMENT_CLERK]))
        nodes = _nodes(await _officers(client, None))
        expected = _officers_of(roster, KV01)
        assert {n["code"] for n in nodes} == set(expected)
        _assert_masked(nodes, expected)
        assert (await _officers(client, {"agency": KV02}))["totalCount"] == 0

    async def test_a_personnel_department_of_one_province_does_not_reach_another(self, hub):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        assert (await _officers(client, {"province": OTHER_PROVINCE}))["totalCount"] == 0

    async def test_pages_follow_one_another_without_gaps_or_repeats(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        whole = await _officers(client, {"province": "ha-noi"})
        codes, after = [], None
        while True:
            answer = await client(OFFICERS, {"f": {"province": "ha-noi"}, "first": 37, "after": after})
            page = answer.data["officers"]
            codes += [n["code"] for n in _nodes(page)]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        expected = {o.code for u in _province_units(roster, "ha-noi") for o in u.officers}
        assert whole["totalCount"] == len(codes) == len(expected) > 37
        assert set(codes) == expected

    async def test_filters_by_title_post_and_leadership(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        staff = [o for u in _province_units(roster, "ha-noi") for o in u.officers]
        leaders = _nodes(await _officers(client, {"province": "ha-noi", "leadersOnly": True}))
        assert {n["code"] for n in leaders} == {o.code for o in staff if o.post in RULES.term.posts}
        title = "Thư ký thi hành án"
        clerks = await _officers(client, {"province": "ha-noi", "title": title})
        assert clerks["totalCount"] == sum(o.title == title for o in staff) > 0
        heads = _nodes(await _officers(client, {"agency": HA_NOI, "post": "Trưởng Thi hành án dân sự tỉnh, thành phố"}))
        assert [n["code"] for n in heads] == [
            o.code for o in roster.unit(HA_NOI).officers if o.post == "Trưởng Thi hành án dân sự tỉnh, thành phố"
        ]

    @pytest.mark.parametrize(
        "variables",
        [
            pytest.param({"f": None, "first": 0}, id="first-0"),
            pytest.param({"f": None, "first": 201}, id="first-201"),
            pytest.param({"f": None, "first": 5, "after": "not a cursor"}, id="bad-cursor"),
            pytest.param({"f": {"province": "no-such-province"}, "first": 5}, id="unknown-province"),
            pytest.param({"f": {"title": "x" * 201}, "first": 5}, id="long-title"),
        ],
    )
    async def test_bad_arguments_are_bad_user_input(self, hub, variables):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        answer = await client(OFFICERS, variables)
        assert answer.codes() == {"BAD_USER_INPUT"}
        assert answer.data is None


class TestStaffing:
    async def test_quota_people_in_post_and_vacant_leader_posts_per_unit_with_province_totals(
        self, hub, ministry_gql, roster
    ):
        province = next(
            p.code
            for p in roster.reference.provinces
            if any(
                staffing_summary(None, u.officers, u.agency.level, RULES).vacant_leader_posts
                for u in _province_units(roster, p.code)
            )
        )
        answer = await ministry_gql(STAFFING, {"province": province})
        assert answer.errors == []
        staffing = answer.data["staffing"]
        assert staffing["province"] == province
        units = {u["agency"]["code"]: u for u in staffing["units"]}
        expected = _province_units(roster, province)
        assert {u.agency.code for u in expected} <= set(units)
        for unit in expected:
            summary = staffing_summary(
                StaffingUnit(unit.agency.code, unit.agency.name, unit.quota), unit.officers, unit.agency.level, RULES
            )
            shown = units[unit.agency.code]
            assert shown["quota"] == unit.quota
            assert shown["inPost"] == len(unit.officers)
            assert shown["gap"] == unit.quota - len(unit.officers)
            assert {t["title"]: t["count"] for t in shown["byTitle"]} == dict(summary.by_title)
            assert shown["vacantLeaderPosts"] == list(summary.vacant_leader_posts)
        assert any(u["vacantLeaderPosts"] for u in units.values())
        assert staffing["quota"] == sum(u["quota"] or 0 for u in units.values())
        assert staffing["inPost"] == sum(u["inPost"] for u in units.values())
        assert staffing["gap"] == staffing["quota"] - staffing["inPost"]
        assert len(staffing["vacantLeaderPosts"]) == sum(len(u["vacantLeaderPosts"]) for u in units.values())

    async def test_one_agency(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        answer = await client(STAFFING, {"agency": KV02})
        staffing = answer.data["staffing"]
        assert staffing["province"] is None
        assert [u["agency"]["code"] for u in staffing["units"]] == [KV02]
        assert (staffing["quota"], staffing["inPost"]) == (roster.unit(KV02).quota, len(roster.unit(KV02).officers))

    async def test_an_area_personnel_department_counts_only_its_own_office(self, hub):
        client = hub.client(hub.token(KV01, [Role.PERSONNEL]))
        province = (await client(STAFFING, {"province": "ha-noi"})).data["staffing"]
        assert [u["agency"]["code"] for u in province["units"]] == [KV01]
        assert (await client(STAFFING, {"agency": KV02})).body == {"data": {"staffing": None}}

    async def test_a_committee_sees_its_province_and_not_another(self, hub):
        committee = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
        own = await committee(STAFFING, {"province": "ha-noi"})
        assert own.errors == []
        assert {u["agency"]["code"] for u in own.data["staffing"]["units"]} >= {HA_NOI, KV01, KV02}
        other = await committee(STAFFING, {"province": OTHER_PROVINCE})
        assert other.body == {"data": {"staffing": None}}
        assert (await committee(STAFFING, {"agency": f"enforcement.{OTHER_PROVINCE}"})).body == other.body

    @pytest.mark.parametrize(
        "variables",
        [
            pytest.param({}, id="neither"),
            pytest.param({"agency": KV01, "province": "ha-noi"}, id="both"),
            pytest.param({"province": "no-such-province"}, id="unknown-province"),
        ],
    )
    async def test_bad_arguments_are_bad_user_input(self, ministry_gql, variables):
        answer = await ministry_gql(STAFFING, variables)
        assert answer.codes() == {"BAD_USER_INPUT"}
        assert answer.data == {"staffing": None}


def _expected_alerts(units: list[Unit], as_of: date, horizon: int) -> list[tuple[str, str, str | None, str]]:
    found = [
        a
        for u in units
        for a in personnel_alerts(
            StaffingUnit(u.agency.code, u.agency.name, u.quota),
            u.officers,
            level=u.agency.level,
            as_of=as_of,
            horizon_days=horizon,
            rules=RULES,
        )
    ]
    return sorted((a.kind.name, a.agency_code, a.officer_code, a.due_on.isoformat()) for a in found)


class TestPersonnelAlerts:
    async def test_alerts_name_their_rule_legal_basis_and_date_in_date_order(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        horizon = 365
        before = Clock().today()
        answer = await client(ALERTS, {"province": "ha-noi", "horizon": horizon})
        after = Clock().today()
        assert answer.errors == []
        alerts = answer.data["personnelAlerts"]
        assert alerts
        assert [a["dueOn"] for a in alerts] == sorted(a["dueOn"] for a in alerts)
        for alert in alerts:
            assert alert["rule"]
            assert alert["legalBasis"]
            assert alert["detail"]
            assert date.fromisoformat(alert["dueOn"]) <= after + timedelta(days=horizon)
        units = _province_units(roster, "ha-noi")
        shown = sorted(
            (a["kind"], a["agency"]["code"], a["officer"]["code"] if a["officer"] else None, a["dueOn"])
            for a in alerts
            if a["agency"]["code"].startswith("enforcement.")
        )
        # the day may turn during the request: the answer is the one of either day
        assert shown in (_expected_alerts(units, before, horizon), _expected_alerts(units, after, horizon))
        staff = {o.code: o for u in units for o in u.officers}
        for alert in alerts:
            if alert["officer"] and alert["officer"]["code"] in staff:
                assert alert["officer"]["name"] == staff[alert["officer"]["code"]].name

    async def test_a_retirement_alert_gives_the_retirement_date_not_the_birth_date(self, hub, roster):
        client = hub.client(hub.token(HA_NOI, [Role.PERSONNEL]))
        answer = await client(ALERTS, {"province": "ha-noi", "horizon": 1825})
        retirements = [a for a in answer.data["personnelAlerts"] if a["kind"] == "RETIREMENT"]
        assert retirements, "the seeded world has leaders near retirement age"
        staff = {o.code: o for u in _province_units(roster, "ha-noi") for o in u.officers}
        for alert in retirements:
            officer = staff[alert["officer"]["code"]]
            assert alert["dueOn"] == retirement_date(officer.sex, officer.birth_date, RULES).isoformat()
            assert officer.birth_date.strftime("%d/%m/%Y") not in alert["detail"]

    async def test_a_committee_sees_its_provinces_alerts_and_not_anothers(self, hub):
        committee = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
        own = await committee(ALERTS, {"province": "ha-noi", "horizon": 1825})
        assert own.errors == []
        assert own.data["personnelAlerts"]
        assert {a["agency"]["code"].split(".")[1] for a in own.data["personnelAlerts"]} == {"ha-noi"}
        other = await committee(ALERTS, {"province": OTHER_PROVINCE, "horizon": 1825})
        assert other.body == {"data": {"personnelAlerts": []}}

    async def test_a_unit_out_of_reach_has_no_alerts(self, hub):
        client = hub.client(hub.token(KV01, [Role.PERSONNEL]))
        answer = await client(ALERTS, {"agency": KV02, "horizon": 1825})
        assert answer.body == {"data": {"personnelAlerts": []}}

    @pytest.mark.parametrize(
        "variables",
        [
            pytest.param({"province": "ha-noi", "horizon": 0}, id="horizon-0"),
            pytest.param({"province": "ha-noi", "horizon": 1826}, id="horizon-1826"),
            pytest.param({"horizon": 30}, id="neither"),
            pytest.param({"agency": KV01, "province": "ha-noi", "horizon": 30}, id="both"),
        ],
    )
    async def test_bad_arguments_are_bad_user_input(self, ministry_gql, variables):
        answer = await ministry_gql(ALERTS, variables)
        assert answer.codes() == {"BAD_USER_INPUT"}
        assert answer.data is None


class TestAudit:
    async def test_every_officer_shown_is_in_the_audit_trail(self, hub):
        person = "Lê Thị Hạnh (tổ chức cán bộ)"
        client = hub.client(await hub.person_token(HA_NOI, [Role.PERSONNEL], person))
        nodes = _nodes(await _officers(client, {"agency": KV02}, first=5))
        assert await _audited(hub, "read:officers", person) == [sorted(n["code"] for n in nodes)]

    async def test_masked_reads_are_recorded_too(self, hub):
        person = "Ngô Văn Tâm (Bộ Tư pháp)"
        client = hub.client(await hub.person_token("ministry.justice", [Role.MINISTRY], person))
        nodes = _nodes(await _officers(client, {"agency": KV01}, first=3))
        assert await _audited(hub, "read:officers", person) == [sorted(n["code"] for n in nodes)]

    async def test_counting_officers_shows_no_one_and_records_nothing(self, hub):
        person = "Trịnh Văn Đức (đếm)"
        client = hub.client(await hub.person_token(HA_NOI, [Role.PERSONNEL], person))
        answer = await client('{ officers(filter: {province: "ha-noi"}) { totalCount } }')
        assert answer.data["officers"]["totalCount"] > 0
        assert await _audited(hub, "read:officers", person) == []

    async def test_alerts_naming_officers_are_in_the_audit_trail(self, hub):
        person = "Vũ Thị Mai (Ban Chỉ đạo)"
        committee = hub.client(await hub.person_token("committee.ha-noi", [Role.COMMITTEE], person))
        answer = await committee(ALERTS, {"province": "ha-noi", "horizon": 1825})
        named = sorted({a["officer"]["code"] for a in answer.data["personnelAlerts"] if a["officer"]})
        assert named
        assert await _audited(hub, "read:personnelAlerts", person) == [named]
