"""A judgment stitched from the court, enforcement and procuracy systems, over real HTTP.

The agencies run as separate processes on 127.0.0.1 and the hub, built in the test process,
calls them over HTTP (see tests/fixtures). Every test here runs once with the hub on SQLite and
once on PostgreSQL.
"""

from __future__ import annotations

import pytest

from agencies.common.cases import CaseBook
from agencies.common.catalogue import CATALOGUE_END, Origin
from agencies.common.reference import ReferenceData
from agencies.common.staff import StaffRoster
from domain.text import fold
from tests.fixtures.topology import SEED

pytestmark = pytest.mark.e2e

JUDGMENT_360 = """
query ($id: ID!) {
  judgment(id: $id) {
    id number caseType instance effectiveOn
    court { code name active successor { code } }
    enforcementAgency { code name active }
    enforcementOffice { code }
    procuracy { code }
    parties { name role kind citizenId taxCode }
    obligations { kind amount exOfficio }
    courtDetails { judge summary document { sha256 } }
    enforcementCase { caseNumber status amountDue amountCollected decisions { number kind officer } }
    supervision { number kind issuedOn replyDue procuracy { code } }
  }
}
"""

PAGE_360 = """
query ($first: Int!, $known: Date = "KNOWN") {
  judgments(first: $first, filter: {effectiveTo: $known}) {
    edges { node {
      id
      courtDetails { judge }
      parties { name }
      enforcementCase { caseNumber status }
      supervision { number kind }
    } }
  }
}
""".replace("KNOWN", CATALOGUE_END.isoformat())
"""Judgments the reference court system knows: those other tests submit through the hub are newer."""


@pytest.fixture(scope="module")
def casebook(catalogue):
    return CaseBook(catalogue, StaffRoster(SEED, ReferenceData.load()))


def _index_with_case_and_supervision(catalogue, casebook):
    return next(i for i in catalogue.indices(Origin.AREA) if casebook.has_case(i) and casebook.has_supervision(i))


class TestJudgment:
    async def test_one_query_returns_what_each_agency_system_holds(self, ministry_gql, catalogue, casebook):
        index = _index_with_case_and_supervision(catalogue, casebook)
        expected = catalogue.judgment(index)
        case = casebook.case(index)
        records = casebook.supervision(index)

        answer = await ministry_gql(JUDGMENT_360, {"id": str(expected.key)})

        assert answer.status == 200
        assert not answer.errors, answer.body
        j = answer.data["judgment"]
        assert j["number"] == expected.key.number
        assert j["court"]["code"] == expected.key.court_code
        assert [p["name"] for p in j["parties"]] == [p.name for p in expected.parties]
        assert [int(o["amount"]) if o["amount"] else None for o in j["obligations"]] == [
            o.amount for o in expected.obligations
        ]
        assert j["courtDetails"]["document"]["sha256"] == expected.document_sha256
        assert j["enforcementCase"]["caseNumber"].endswith("/TLTHA")  # the serial is the agency register's, not ours
        assert j["enforcementCase"]["status"] == case.status.name
        assert int(j["enforcementCase"]["amountDue"]) == case.amount_due
        assert [d["officer"] for d in j["enforcementCase"]["decisions"]] == [d.officer for d in case.decisions]
        assert [r["number"] for r in j["supervision"]] == [r.number for r in records]

    async def test_unknown_judgment_is_null_without_error(self, ministry_gql):
        answer = await ministry_gql(JUDGMENT_360, {"id": "court.ha-noi.kv01:999999/2026/DS-ST"})
        assert answer.status == 200
        assert not answer.errors
        assert answer.data == {"judgment": None}

    async def test_judgment_of_a_dissolved_district_court_shows_the_successor_agencies(self, ministry_gql, catalogue):
        index = catalogue.first(Origin.DISSOLVED_DISTRICT)
        key = catalogue.key_at(index)
        route = catalogue.route_of(index)

        answer = await ministry_gql(JUDGMENT_360, {"id": str(key)})

        assert not answer.errors, answer.body
        j = answer.data["judgment"]
        assert j["court"]["active"] is False
        assert j["court"]["successor"]["code"] == route.court_code
        assert j["enforcementAgency"] == {
            "code": route.enforcement_agency_code,
            "name": j["enforcementAgency"]["name"],
            "active": True,
        }
        assert j["enforcementAgency"]["code"].startswith("enforcement.")
        assert ".old." not in j["enforcementAgency"]["code"]
        assert j["enforcementOffice"]["code"] == route.enforcement_office_code


class TestOneCallPerAgency:
    async def test_a_page_of_100_judgments_costs_one_call_to_each_agency(self, ministry_gql, agency_topology):
        for service in agency_topology:
            await service.reset_stats()

        answer = await ministry_gql(PAGE_360, {"first": 100})

        assert not answer.errors, answer.errors[:3]
        nodes = [e["node"] for e in answer.data["judgments"]["edges"]]
        assert len(nodes) == 100
        assert sum(1 for n in nodes if n["enforcementCase"]) > 50  # most judgments have a case: the data really came
        for service in agency_topology:
            stats = await service.stats()
            assert stats["tong"] == 1, (service.name, stats)


class TestAgencyFailures:
    async def test_procuracy_down_gives_everything_else_and_names_the_agency(self, ministry_gql, agency_topology):
        agency_topology.procuracy.stop()
        try:
            answer = await ministry_gql(PAGE_360, {"first": 20})
        finally:
            agency_topology.procuracy.start()

        assert answer.status == 200
        nodes = [e["node"] for e in answer.data["judgments"]["edges"]]
        assert len(nodes) == 20
        assert all(n["parties"] and n["courtDetails"] for n in nodes)
        assert any(n["enforcementCase"] for n in nodes)
        assert all(n["supervision"] is None for n in nodes)
        assert {(e["extensions"]["code"], e["extensions"]["agency"]) for e in answer.errors} == {
            ("AGENCY_UNAVAILABLE", "procuracy")
        }
        assert all(e["path"][-1] == "supervision" for e in answer.errors)

    async def test_procuracy_hanging_gives_a_timeout_error_within_the_adapter_timeout(
        self, ministry_gql, agency_topology
    ):
        await agency_topology.procuracy.set_knobs(hang=True)
        try:
            answer = await ministry_gql(PAGE_360, {"first": 5}, timeout=15)
        finally:
            await agency_topology.procuracy.set_knobs(hang=False)

        nodes = [e["node"] for e in answer.data["judgments"]["edges"]]
        assert all(n["parties"] for n in nodes)
        assert all(n["supervision"] is None for n in nodes)
        assert {(e["extensions"]["code"], e["extensions"]["agency"]) for e in answer.errors} == {
            ("AGENCY_TIMEOUT", "procuracy")
        }

    async def test_readyz_reports_each_agency_and_stays_ready(self, hub, ministry_gql, agency_topology):
        await ministry_gql(PAGE_360, {"first": 1})
        response = await hub.http.get("/readyz")
        body = response.json()
        assert response.status_code == 200
        assert body["ready"] is True
        assert body["database"]["ok"] is True
        assert body["agencies"]["court"]["ok"] is True


class TestSearch:
    SEARCH = """
    query ($f: JudgmentFilter!, $first: Int!, $after: String) {
      judgments(filter: $f, first: $first, after: $after) {
        totalCount
        edges { cursor node { id effectiveOn court { code } } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """

    async def test_party_search_ignores_case_and_diacritics(self, ministry_gql, catalogue):
        judgment = catalogue.judgment(next(iter(catalogue.indices(Origin.AREA))))
        name = next(p.name for p in judgment.parties if p.name != fold(p.name))
        query_text = fold(name).upper() if len(name) % 2 else fold(name)

        answer = await ministry_gql(
            self.SEARCH, {"f": {"party": query_text, "court": judgment.key.court_code}, "first": 100}
        )

        assert not answer.errors, answer.body
        assert str(judgment.key) in {e["node"]["id"] for e in answer.data["judgments"]["edges"]}

    async def test_filters_and_cursor_paging_walk_every_match_once(self, ministry_gql, catalogue):
        court = max(catalogue.court_codes(), key=catalogue.court_size)
        expected = {str(catalogue.key_at(i)) for i in catalogue.court_indices(court)}
        seen, after = [], None
        while True:
            answer = await ministry_gql(self.SEARCH, {"f": {"court": court}, "first": 7, "after": after})
            assert not answer.errors, answer.body
            page = answer.data["judgments"]
            seen += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) == page["totalCount"]
        assert set(seen) >= expected

    async def test_effective_date_range_is_applied(self, ministry_gql):
        answer = await ministry_gql(
            self.SEARCH,
            {"f": {"effectiveFrom": "2026-01-01", "effectiveTo": "2026-01-31", "province": "ha-noi"}, "first": 50},
        )
        assert not answer.errors
        dates = [e["node"]["effectiveOn"] for e in answer.data["judgments"]["edges"]]
        assert dates
        assert all("2026-01-01" <= d <= "2026-01-31" for d in dates)
        assert dates == sorted(dates, reverse=True)

    @pytest.mark.parametrize(
        ("variables", "fragment"),
        [
            ({"f": {}, "first": 1000}, "first must be between"),
            ({"f": {}, "first": 5, "after": "not-a-cursor"}, "cursor"),
            ({"f": {"effectiveFrom": "2026-02-01", "effectiveTo": "2026-01-01"}, "first": 5}, "after effectiveTo"),
        ],
    )
    async def test_bad_arguments_are_user_errors_not_server_errors(self, ministry_gql, variables, fragment):
        answer = await ministry_gql(self.SEARCH, variables)
        assert answer.status == 200
        assert answer.codes() == {"BAD_USER_INPUT"}
        assert fragment in answer.errors[0]["message"]
