"""Who may ask whom, and when (issue 22), over HTTP on SQLite and PostgreSQL.

- a procuracy's requests, recommendations and protests go only to the enforcement agencies it
  supervises (domain/supervision.py); others are WRONG_ADDRESSEE naming the competent procuracy;
- support for a forced enforcement comes from the police of the enforcing agency's province; the
  police of another province is OUTSIDE_PROVINCE (entrust the enforcement there); the committee of
  the province where it happens gets a copy;
- a support request whose reply would come after the police must plan the protection is TOO_CLOSE,
  with the earliest possible day on the working-day calendar;
- one signed document is one agreement; an agreement is not in force before it is signed, and
  gives one period per kind of request;
- `coordinationRequests` filters by deadline: overdue, due within N working days.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import pytest

from domain.access import Role
from domain.clock import Clock
from gateway import commands
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

TODAY = Clock().today()

# Tests that put the hub's clock ahead open their requests in Lạng Sơn, which no other coordination test
# uses: a request opened "in the future" would otherwise come first in other tests' newest-first lists.
AHEAD_COURT, AHEAD_OFFICE = "court.lang-son.kv01", "enforcement.lang-son.kv01"
AHEAD_POLICE, AHEAD_COMMITTEE = "police.lang-son", "committee.lang-son"

OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) {
    userErrors { field code message }
    request {
      id kind dueOn plannedOn latestSendOn deadlineState sender { code } addressee { code } observers { code }
    }
  }
}
"""
LIST = """
query ($filter: CoordinationRequestFilter, $first: Int!) {
  coordinationRequests(filter: $filter, first: $first) { totalCount edges { node { id dueOn deadlineState } } }
}
"""
REGISTER = """
mutation ($input: RegisterAgreementInput!) {
  registerAgreement(input: $input) {
    replayed userErrors { field code message } agreement { id title documentSha256 }
  }
}
"""
REGISTER_PLAIN = """
mutation ($input: RegisterAgreementInput!) {
  registerAgreement(input: $input) { userErrors { field code message } agreement { id } }
}
"""
AGREEMENTS = "query { coordinationAgreements { id documentSha256 } }"


def _client(hub, agency: str, role: Role):
    return hub.client(hub.token(agency, [role]))


async def _open(client, **fields: Any) -> dict[str, Any]:
    answer = await client(OPEN, {"input": {"subject": "Văn bản", "body": "Nội dung", **fields}})
    assert answer.errors == [], answer.body
    return answer.data["openCoordinationRequest"]


async def _sent(client) -> int:
    answer = await client(LIST, {"filter": {"role": "SENT"}, "first": 1})
    assert answer.errors == [], answer.body
    return answer.data["coordinationRequests"]["totalCount"]


async def _judgment(hub, court: str) -> str:
    """A judgment of ``court`` transferred to its area office: its id."""
    signer = CourtSigner.new(court)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    submission = signer.submission()
    answer = await _client(hub, court, Role.COURT_CLERK)(SUBMIT, signer.signed_variables(submission))
    assert answer.data["submitJudgment"]["userErrors"] == [], answer.body
    return str(submission.key)


# ---- a procuracy reaches only the agencies it supervises --------------------------------------

PROCURACIES = ("procuracy.ha-noi.kv01", "procuracy.ha-noi", "procuracy.ho-chi-minh.kv01", "procuracy.supreme")
ENFORCEMENT = ("enforcement.ha-noi.kv01", "enforcement.ha-noi", "enforcement.ho-chi-minh.kv01", "enforcement.national")
SUPERVISED = {
    ("procuracy.ha-noi.kv01", "enforcement.ha-noi.kv01"),
    ("procuracy.ha-noi", "enforcement.ha-noi"),
    ("procuracy.ho-chi-minh.kv01", "enforcement.ho-chi-minh.kv01"),
    ("procuracy.supreme", "enforcement.national"),
}
COMPETENT = {agency: procuracy for procuracy, agency in SUPERVISED}


@pytest.mark.parametrize("kind", ["PROCURACY_REQUEST", "PROCURACY_RECOMMENDATION"])
async def test_a_procuracy_reaches_exactly_the_enforcement_agencies_it_supervises(hub, kind):
    for procuracy_code in PROCURACIES:
        procuracy = _client(hub, procuracy_code, Role.PROCURACY)
        for agency in ENFORCEMENT:
            before = await _sent(procuracy)
            payload = await _open(procuracy, kind=kind, to=agency)
            if (procuracy_code, agency) in SUPERVISED:
                assert payload["userErrors"] == [], (procuracy_code, agency, payload)
                assert payload["request"]["addressee"]["code"] == agency
                assert await _sent(procuracy) == before + 1
            else:
                assert payload["request"] is None, (procuracy_code, agency)
                [error] = payload["userErrors"]
                assert (error["field"], error["code"]) == ("to", "WRONG_ADDRESSEE"), (procuracy_code, agency)
                assert COMPETENT[agency] in error["message"]  # the refusal names the competent procuracy
                assert await _sent(procuracy) == before


async def test_a_ha_noi_procuracy_cannot_protest_to_a_ho_chi_minh_office(hub):
    """The case found from outside: no OVERDUE mark from a procuracy with no authority over the office."""
    procuracy = _client(hub, "procuracy.ha-noi.kv01", Role.PROCURACY)
    before = await _sent(procuracy)
    payload = await _open(
        procuracy,
        kind="PROCURACY_PROTEST",
        to="enforcement.ho-chi-minh.kv01",
        judgment="court.ho-chi-minh.kv01:1/2026/DS-ST",
        replyBy=(TODAY + timedelta(days=10)).isoformat(),
    )
    assert payload["request"] is None
    codes = {(e["field"], e["code"]) for e in payload["userErrors"]}
    assert ("to", "WRONG_ADDRESSEE") in codes
    assert await _sent(procuracy) == before


# ---- police support comes from the police where the enforcement takes place ------------------


async def test_support_asked_of_the_police_of_another_province_is_refused_pointing_to_entrustment(hub):
    judgment = await _judgment(hub, "court.ha-noi.kv03")
    office = _client(hub, "enforcement.ha-noi.kv03", Role.ENFORCEMENT_CLERK)
    before = await _sent(office)
    payload = await _open(
        office,
        kind="ENFORCEMENT_SUPPORT",
        to="police.hai-phong",
        judgment=judgment,
        plannedOn=(TODAY + timedelta(days=40)).isoformat(),
        place="Phường Hồng Bàng, Hải Phòng",
    )
    assert payload["request"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("to", "OUTSIDE_PROVINCE")
    assert "ủy thác" in error["message"]
    assert "enforcement.hai-phong" in error["message"]  # entrust to the agency where it takes place
    assert "police.ha-noi" in error["message"]  # the police for an enforcement at home
    assert await _sent(office) == before


async def test_support_inside_the_province_goes_to_its_police_and_its_committee_gets_a_copy(hub):
    judgment = await _judgment(hub, "court.hai-phong.kv01")
    office = _client(hub, "enforcement.hai-phong.kv01", Role.ENFORCEMENT_CLERK)
    payload = await _open(
        office,
        kind="ENFORCEMENT_SUPPORT",
        to="police.hai-phong",
        judgment=judgment,
        plannedOn=(TODAY + timedelta(days=40)).isoformat(),
        place="Phường Hồng Bàng, Hải Phòng",
    )
    assert payload["userErrors"] == []
    request = payload["request"]
    assert "committee.hai-phong" in {o["code"] for o in request["observers"]}
    committee = _client(hub, "committee.hai-phong", Role.COMMITTEE)
    listed = (await committee(LIST, {"filter": {"role": "OBSERVED"}, "first": 200})).data["coordinationRequests"]
    assert request["id"] in {e["node"]["id"] for e in listed["edges"]}


# ---- a reply after the enforcement day is useless ----------------------------------------------


@pytest.mark.parametrize(
    ("now", "too_close", "earliest", "send_by", "due"),
    [
        # Friday: the police's 3 working days run over the weekend to Wed 16/12; the protection is
        # planned 5 working days ahead, so Wed 23/12 is the first possible day.
        ("2026-12-11 09:00", "2026-12-22", "2026-12-23", "2026-12-10", "2026-12-16"),
        # Wednesday before New Year's Day (a holiday): the reply is due Tue 5/1, the earliest day Tue 12/1.
        ("2026-12-30 09:00", "2027-01-11", "2027-01-12", "2026-12-29", "2027-01-05"),
    ],
    ids=["over-a-weekend", "over-new-years-day"],
)
async def test_a_planned_day_too_close_for_the_reply_is_refused_with_the_earliest_day(
    hub, at, now, too_close, earliest, send_by, due
):
    judgment = await _judgment(hub, AHEAD_COURT)
    office = _client(hub, AHEAD_OFFICE, Role.ENFORCEMENT_CLERK)
    at(now)
    fields = {"kind": "ENFORCEMENT_SUPPORT", "to": AHEAD_POLICE, "judgment": judgment, "place": "Số 3 Láng Hạ"}
    before = await _sent(office)

    refused = await _open(office, **fields, plannedOn=too_close)

    assert refused["request"] is None
    [error] = refused["userErrors"]
    assert (error["field"], error["code"]) == ("plannedOn", "TOO_CLOSE")
    day, month, year = earliest.split("-")[2], earliest.split("-")[1], earliest.split("-")[0]
    assert f"{day}/{month}/{year} ({earliest})" in error["message"]
    sy, sm, sd = send_by.split("-")
    assert f"{sd}/{sm}/{sy} ({send_by})" in error["message"]
    assert await _sent(office) == before

    accepted = await _open(office, **fields, plannedOn=earliest)
    assert accepted["userErrors"] == []
    assert accepted["request"]["dueOn"] == due
    assert accepted["request"]["dueOn"] < accepted["request"]["plannedOn"]
    assert accepted["request"]["latestSendOn"] == now[:10]  # the earliest day leaves no day to spare


async def test_a_support_request_is_never_due_after_its_planned_day(hub, at):
    """Three days ahead, as found from outside: refused, never accepted with a reply due after the day."""
    judgment = await _judgment(hub, AHEAD_COURT)
    office = _client(hub, AHEAD_OFFICE, Role.ENFORCEMENT_CLERK)
    at("2026-12-14 10:00")
    payload = await _open(
        office,
        kind="ENFORCEMENT_SUPPORT",
        to=AHEAD_POLICE,
        judgment=judgment,
        place="Số 3 Láng Hạ",
        plannedOn="2026-12-17",
    )
    assert payload["request"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("plannedOn", "TOO_CLOSE")]


# ---- agreements --------------------------------------------------------------------------------


def _agreement(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Quy chế phối hợp trong cưỡng chế thi hành án dân sự",
        "scope": "Bảo vệ cưỡng chế trên địa bàn.",
        "parties": ["enforcement.ha-noi.kv03", "police.ha-noi"],
        "documentSha256": hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        "signedOn": (TODAY - timedelta(days=20)).isoformat(),
        "validFrom": (TODAY - timedelta(days=10)).isoformat(),
        "clauses": [{"title": "Trả lời đề nghị hỗ trợ", "kind": "ENFORCEMENT_SUPPORT", "responseDays": 2}],
        **overrides,
    }


async def _register(client, fields: dict[str, Any], query: str = REGISTER) -> dict[str, Any]:
    answer = await client(query, {"input": fields})
    assert answer.errors == [], answer.body
    return answer.data["registerAgreement"]


async def _agreements(client) -> list[dict[str, Any]]:
    return (await client(AGREEMENTS)).data["coordinationAgreements"]


async def test_the_same_signed_document_registered_twice_is_the_first_agreement(hub):
    office = _client(hub, "enforcement.ha-noi.kv03", Role.ENFORCEMENT_CLERK)
    police = _client(hub, "police.ha-noi", Role.POLICE)
    fields = _agreement()
    first = await _register(office, fields)
    assert (first["userErrors"], first["replayed"]) == ([], False)

    again = await _register(police, fields)  # the other party registers the same document

    assert (again["userErrors"], again["replayed"]) == ([], True)
    assert again["agreement"]["id"] == first["agreement"]["id"]
    same = [a for a in await _agreements(office) if a["documentSha256"] == fields["documentSha256"]]
    assert len(same) == 1  # one agreement in force, not two


async def test_the_same_signed_document_with_other_content_is_a_conflict(hub):
    office = _client(hub, "enforcement.ha-noi.kv03", Role.ENFORCEMENT_CLERK)
    fields = _agreement()
    first = await _register(office, fields)
    assert first["userErrors"] == []

    changed = await _register(office, {**fields, "title": "Quy chế phối hợp (sửa đổi)"})

    assert changed["agreement"] is None
    assert [(e["field"], e["code"]) for e in changed["userErrors"]] == [("documentSha256", "CONFLICT")]
    assert first["agreement"]["id"] in changed["userErrors"][0]["message"]
    same = [a for a in await _agreements(office) if a["documentSha256"] == fields["documentSha256"]]
    assert len(same) == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"validFrom": (TODAY - timedelta(days=30)).isoformat()}, [("validFrom", "BEFORE_SIGNING")]),
        (
            {
                "clauses": [
                    {"title": "Trả lời đề nghị hỗ trợ", "kind": "ENFORCEMENT_SUPPORT", "responseDays": 2},
                    {"title": "Phản hồi đề nghị hỗ trợ", "kind": "ENFORCEMENT_SUPPORT", "responseDays": 4},
                ]
            },
            [("clauses.1.responseDays", "CONFLICTING_CLAUSES")],
        ),
    ],
    ids=["in-force-before-signed", "two-periods-for-one-kind"],
)
async def test_an_agreement_that_contradicts_itself_is_refused_and_nothing_is_written(hub, overrides, expected):
    office = _client(hub, "enforcement.ha-noi.kv03", Role.ENFORCEMENT_CLERK)
    before = len(await _agreements(office))
    payload = await _register(office, _agreement(**overrides), REGISTER_PLAIN)
    assert payload["agreement"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    assert len(await _agreements(office)) == before


# ---- listing by deadline -----------------------------------------------------------------------


async def test_a_committee_lists_what_is_overdue_in_its_province_and_what_falls_due_soon(hub, at):
    judgment = await _judgment(hub, AHEAD_COURT)
    office = _client(hub, AHEAD_OFFICE, Role.ENFORCEMENT_CLERK)
    committee = _client(hub, AHEAD_COMMITTEE, Role.COMMITTEE)
    at("2026-12-11 09:00")  # a Friday: due Wed 16/12 (3 working days)
    request = (
        await _open(
            office,
            kind="ENFORCEMENT_SUPPORT",
            to=AHEAD_POLICE,
            judgment=judgment,
            place="Số 3 Láng Hạ",
            plannedOn="2027-01-20",
        )
    )["request"]
    assert request["dueOn"] == "2026-12-16"

    async def listed(**filter_: Any) -> set[str]:
        answer = await committee(LIST, {"filter": {"role": "OBSERVED", **filter_}, "first": 200})
        assert answer.errors == [], answer.body
        return {e["node"]["id"] for e in answer.data["coordinationRequests"]["edges"]}

    at("2026-12-14 09:00")  # Monday: due in 2 working days
    assert request["id"] not in await listed(overdue=True)
    assert request["id"] in await listed(overdue=False)
    assert request["id"] not in await listed(dueWithinWorkingDays=1)
    assert request["id"] in await listed(dueWithinWorkingDays=2)

    at("2026-12-17 08:00")  # Thursday: one day late, still unanswered
    assert request["id"] in await listed(overdue=True)
    assert request["id"] not in await listed(overdue=False)
    assert request["id"] not in await listed(dueWithinWorkingDays=5)  # overdue is not "due soon"
    counted = await committee(LIST, {"filter": {"role": "OBSERVED", "overdue": True}, "first": 1})
    assert counted.data["coordinationRequests"]["totalCount"] >= 1
    assert all(e["node"]["deadlineState"] == "OVERDUE" for e in counted.data["coordinationRequests"]["edges"])


async def test_a_due_window_of_0_to_365_working_days_is_taken_and_another_is_bad_user_input(hub):
    committee = _client(hub, "committee.ha-noi", Role.COMMITTEE)
    within = await committee(LIST, {"filter": {"dueWithinWorkingDays": 0}, "first": 1})
    assert within.errors == [], within.body
    answer = await committee(LIST, {"filter": {"dueWithinWorkingDays": -1}, "first": 1})
    assert [e["extensions"]["code"] for e in answer.errors] == ["BAD_USER_INPUT"]
    assert "dueWithinWorkingDays" in answer.errors[0]["message"]
