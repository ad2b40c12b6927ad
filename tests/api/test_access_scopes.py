"""Which records an allowed operation shows: jurisdiction scopes, masked citizen IDs, audited reads.

A denial leaks nothing: a record out of reach reads as absent (``null``, no
error), filters and counts cover only what is in reach, and a cursor taken from
someone else's page does not widen the view. The ministry's answers, filtered
by hand, are the reference for what each agency should see.
"""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import select

from domain.access import Role
from ledger.db import create_engine, session_factory
from ledger.models import AuditRow

pytestmark = pytest.mark.e2e

COUNT = "query ($f: JudgmentFilter) { judgments(first: 100, filter: $f) { totalCount edges { node { id } } } }"
PAGE = """
query ($f: JudgmentFilter, $after: String) {
  judgments(first: 5, filter: $f, after: $after) {
    totalCount
    edges { node { id court { code } enforcementOffice { code } procuracy { code } } }
    pageInfo { endCursor }
  }
}
"""
ONE = "query ($id: ID!) { judgment(id: $id) { id parties { name citizenId } } }"


async def _all_ids(client, f):
    answer = await client(COUNT, {"f": f})
    assert answer.errors == []
    return answer.data["judgments"]["totalCount"], {e["node"]["id"] for e in answer.data["judgments"]["edges"]}


@pytest.mark.parametrize(
    ("agency", "role", "reference_filter"),
    [
        pytest.param("court.ha-noi.kv01", Role.COURT_CLERK, {"court": "court.ha-noi.kv01"}, id="court"),
        pytest.param(
            "enforcement.ha-noi.kv01",
            Role.ENFORCEMENT_CLERK,
            {"enforcementAgency": "enforcement.ha-noi.kv01"},
            id="enforcement-office",
        ),
        pytest.param("procuracy.ha-noi.kv01", Role.PROCURACY, {"procuracy": "procuracy.ha-noi.kv01"}, id="procuracy"),
    ],
)
async def test_an_agency_sees_exactly_the_judgments_of_its_jurisdiction(
    hub, ministry_gql, agency, role, reference_filter
):
    expected_total, expected_ids = await _all_ids(ministry_gql, reference_filter)
    assert expected_total > 0, "the seeded world has judgments for this agency"
    client = hub.client(hub.token(agency, [role]))
    total, ids = await _all_ids(client, None)
    assert total == expected_total
    assert ids == expected_ids


async def test_a_provincial_procuracy_sees_its_whole_province(hub, ministry_gql):
    expected_total, _ = await _all_ids(ministry_gql, {"province": "ha-noi"})
    client = hub.client(hub.token("procuracy.ha-noi", [Role.PROCURACY]))
    total, _ = await _all_ids(client, None)
    assert total == expected_total > 0


async def test_filters_and_counts_reveal_nothing_outside_the_jurisdiction(hub):
    court = hub.client(hub.token("court.ha-noi.kv01", [Role.COURT_CLERK]))
    answer = await court(PAGE, {"f": {"court": "court.ha-noi.kv02"}})
    assert answer.errors == []
    assert answer.data["judgments"]["totalCount"] == 0
    assert answer.data["judgments"]["edges"] == []


async def test_a_cursor_from_a_wider_view_does_not_widen_a_narrower_one(hub, ministry_gql):
    wide = await ministry_gql(PAGE, {"f": None})
    cursor = wide.data["judgments"]["pageInfo"]["endCursor"]
    court = hub.client(hub.token("court.ha-noi.kv01", [Role.COURT_CLERK]))
    total, in_reach = await _all_ids(court, None)
    assert 0 < total <= 100
    answer = await court(PAGE, {"f": None, "after": cursor})
    assert answer.errors == []
    assert {e["node"]["id"] for e in answer.data["judgments"]["edges"]} <= in_reach


async def _someone_elses_judgment(ministry_gql) -> str:
    answer = await ministry_gql(PAGE, {"f": {"court": "court.ha-noi.kv02"}})
    return answer.data["judgments"]["edges"][0]["node"]["id"]


async def test_a_judgment_out_of_reach_reads_as_absent_without_an_error(hub, ministry_gql):
    judgment_id = await _someone_elses_judgment(ministry_gql)
    court = hub.client(hub.token("court.ha-noi.kv01", [Role.COURT_CLERK]))
    answer = await court(ONE, {"id": judgment_id})
    assert answer.body == {"data": {"judgment": None}}
    unknown = await court(ONE, {"id": "court.ha-noi.kv01:999999/2026/DS-ST"})
    assert unknown.body == answer.body, "out of reach and non-existent must look the same"


async def _judgment_with_an_individual(ministry_gql, office: str) -> str:
    answer = await ministry_gql(
        "query ($f: JudgmentFilter) { judgments(first: 50, filter: $f) { edges { node { id parties { citizenId } } } } }",
        {"f": {"enforcementAgency": office}},
    )
    for edge in answer.data["judgments"]["edges"]:
        if any(p["citizenId"] for p in edge["node"]["parties"] or []):
            return edge["node"]["id"]
    raise AssertionError("no judgment with an individual party in the seeded world")


async def test_citizen_ids_are_clear_for_the_enforcement_office_and_masked_for_supervisors(hub, ministry_gql):
    judgment_id = await _judgment_with_an_individual(ministry_gql, "enforcement.ha-noi.kv01")
    office = hub.client(hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK]))
    procuracy = hub.client(hub.token("procuracy.ha-noi.kv01", [Role.PROCURACY]))
    clear = (await office(ONE, {"id": judgment_id})).data["judgment"]["parties"]
    masked = (await procuracy(ONE, {"id": judgment_id})).data["judgment"]["parties"]
    ministry = (await ministry_gql(ONE, {"id": judgment_id})).data["judgment"]["parties"]
    ids = [p["citizenId"] for p in clear if p["citizenId"]]
    assert ids
    assert all(len(i) == 12 and i.isdigit() for i in ids)
    for shown in (
        [p["citizenId"] for p in masked if p["citizenId"]],
        [p["citizenId"] for p in ministry if p["citizenId"]],
    ):
        assert shown == ["********" + i[-4:] for i in ids]


async def test_every_read_of_parties_is_in_the_audit_trail(hub, ministry_gql):
    judgment_id = await _judgment_with_an_individual(ministry_gql, "enforcement.ha-noi.kv01")
    token = await hub.person_token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK], "Phạm Thu Trang")
    office = hub.client(token)
    answer = await office(ONE, {"id": judgment_id})
    assert answer.data["judgment"]["parties"]
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = (
                await session.execute(
                    select(AuditRow).where(
                        AuditRow.operation == "read:judgment.parties", AuditRow.person == "Phạm Thu Trang"
                    )
                )
            ).scalars()
            read = [orjson.loads(row.object_ids) for row in rows if row.agency_code == "enforcement.ha-noi.kv01"]
    finally:
        await engine.dispose()
    assert [judgment_id] in read


async def test_a_read_without_personal_fields_is_not_audited_as_one(hub, ministry_gql):
    judgment_id = await _judgment_with_an_individual(ministry_gql, "enforcement.ha-noi.kv01")
    office = hub.client(await hub.person_token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK], "Đỗ Minh Khôi"))
    answer = await office("query ($id: ID!) { judgment(id: $id) { id number } }", {"id": judgment_id})
    assert answer.data["judgment"]["id"] == judgment_id
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            found = (await session.execute(select(AuditRow.seq).where(AuditRow.person == "Đỗ Minh Khôi"))).all()
    finally:
        await engine.dispose()
    assert found == []


async def _audited_reads(hub, person: str) -> list[list[str]]:
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = (
                await session.execute(
                    select(AuditRow).where(AuditRow.operation == "read:judgment.parties", AuditRow.person == person)
                )
            ).scalars()
            return [orjson.loads(row.object_ids) for row in rows]
    finally:
        await engine.dispose()


async def test_parties_skipped_by_a_directive_are_not_read_and_included_ones_are(hub, ministry_gql):
    """The page is stitched before its fields run (resolvers/stitching.py): the look-ahead must evaluate
    @skip/@include as the execution does, so the audit says exactly what was shown."""
    judgment_id = await _judgment_with_an_individual(ministry_gql, "enforcement.ha-noi.kv01")
    query = """query ($id: ID!, $show: Boolean!) {
      judgment(id: $id) { id parties @include(if: $show) { name } ...P @skip(if: true) }
    }
    fragment P on Judgment { parties { citizenId } }"""
    hidden = hub.client(await hub.person_token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK], "Vũ Hải Đăng"))
    answer = await hidden(query, {"id": judgment_id, "show": False})
    assert answer.data == {"judgment": {"id": judgment_id}}
    assert await _audited_reads(hub, "Vũ Hải Đăng") == []

    shown = hub.client(await hub.person_token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK], "Lê Quỳnh Anh"))
    answer = await shown(query, {"id": judgment_id, "show": True})
    assert answer.data["judgment"]["parties"]
    assert await _audited_reads(hub, "Lê Quỳnh Anh") == [[judgment_id]]
