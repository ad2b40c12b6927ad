"""Coordination over HTTP: agreements, one scenario per request kind, visibility, refusals, the UNCLEAR link.

Each test runs with the hub on SQLite and on PostgreSQL (tests/fixtures/hub.py).
In every scenario the sender sees the request OPEN, then RECEIVED once the
addressee has read it, then each change (who, when, the note) and the answer.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.access import Role
from domain.clock import Clock
from domain.coordination import RequestKind
from domain.coordination_deadlines import request_due
from domain.deadlines import local_day
from gateway import commands
from gateway.policies import load_deadline_policy
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
PROVINCIAL = "enforcement.ha-noi"
PROCURACY = "procuracy.ha-noi.kv03"
POLICE = "police.ha-noi"
COMMITTEE = "committee.ha-noi"
NATIONAL = "enforcement.national"
OUTSIDER = "court.hai-phong.kv01"  # no part in anything below

REQUEST_FIELDS = """
  id kind status subject body judgmentId transferId plannedOn place periodFrom periodTo replyBy
  openedAt dueAt dueOn deadlineState receivedAt answeredAt closedAt answer
  sender { code } addressee { code } observers { code } agreement { id }
  history { at kind status agencyCode person note }
"""
OPEN = f"""
mutation ($input: OpenCoordinationRequestInput!) {{
  openCoordinationRequest(input: $input) {{ userErrors {{ field code message }} request {{ {REQUEST_FIELDS} }} }}
}}
"""
RESPOND = f"""
mutation ($id: ID!, $action: CoordinationAction!, $note: String) {{
  respondToCoordinationRequest(id: $id, action: $action, note: $note) {{
    userErrors {{ field code message }} request {{ {REQUEST_FIELDS} }}
  }}
}}
"""
READ = f"query ($id: ID!) {{ coordinationRequest(id: $id) {{ {REQUEST_FIELDS} }} }}"
LIST = """
query ($filter: CoordinationRequestFilter, $first: Int!, $after: String) {
  coordinationRequests(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id status receivedAt } } pageInfo { hasNextPage endCursor }
  }
}
"""
REGISTER = """
mutation ($input: RegisterAgreementInput!) {
  registerAgreement(input: $input) {
    userErrors { field code }
    agreement {
      id title scope documentSha256 signedOn validFrom validTo inForce registeredAt
      parties { code } clauses { title kind responseDays }
    }
  }
}
"""
AGREEMENTS = """
query ($party: ID, $activeOn: Date) { coordinationAgreements(party: $party, activeOn: $activeOn) { id parties { code } } }
"""
TRANSFER = """
query ($id: ID!) { transfer(id: $id) { id status deadlines { key state dueOn } } }
"""
ACK = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { status } } }"
RETURN = """
mutation ($id: ID!, $note: String!) {
  returnTransfer(id: $id, reason: UNCLEAR, note: $note) { userErrors { code } transfer { status } }
}
"""

TODAY = Clock().today()


async def _client(hub, agency: str, role: Role, person: str | None = None):
    if person is None:
        return hub.client(hub.token(agency, [role]))
    return hub.client(await hub.person_token(agency, [role], person))


@pytest.fixture
async def office(hub):
    return await _client(hub, OFFICE, Role.ENFORCEMENT_CLERK, "Lê Thị Hoa")


@pytest.fixture
async def court(hub):
    return await _client(hub, COURT, Role.COURT_CLERK, "Phạm Văn Đức")


@pytest.fixture
async def police(hub):
    return await _client(hub, POLICE, Role.POLICE, "Đỗ Minh Quân")


@pytest.fixture
async def procuracy(hub):
    return await _client(hub, PROCURACY, Role.PROCURACY, "Vũ Thu Trang")


@pytest.fixture
async def provincial(hub):
    return await _client(hub, PROVINCIAL, Role.ENFORCEMENT_CLERK, "Hoàng Anh Tuấn")


@pytest.fixture
async def committee(hub):
    return await _client(hub, COMMITTEE, Role.COMMITTEE)


@pytest.fixture
async def outsider(hub):
    return await _client(hub, OUTSIDER, Role.COURT_CLERK)


@pytest.fixture
async def transfer(hub, court):
    """A real transfer from COURT to OFFICE: its id and its judgment's id."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    submission = signer.submission()
    answer = await court(SUBMIT, signer.signed_variables(submission))
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == [], payload
    assert payload["transfer"]["registerOffice"]["code"] == OFFICE
    return payload["transfer"]["id"], str(submission.key)


async def _open(client, **fields: Any) -> dict[str, Any]:
    answer = await client(OPEN, {"input": fields})
    assert answer.errors == [], answer.body
    return answer.data["openCoordinationRequest"]


async def _opened(client, **fields: Any) -> dict[str, Any]:
    payload = await _open(client, **fields)
    assert payload["userErrors"] == [], payload
    return payload["request"]


async def _respond(client, request_id: str, action: str, note: str | None = None) -> dict[str, Any]:
    answer = await client(RESPOND, {"id": request_id, "action": action, "note": note})
    assert answer.errors == [], answer.body
    return answer.data["respondToCoordinationRequest"]


async def _responded(client, request_id: str, action: str, note: str | None = None) -> dict[str, Any]:
    payload = await _respond(client, request_id, action, note)
    assert payload["userErrors"] == [], payload
    return payload["request"]


async def _read(client, request_id: str) -> dict[str, Any] | None:
    answer = await client(READ, {"id": request_id})
    assert answer.errors == [], answer.body
    return answer.data["coordinationRequest"]


async def _total(client, **filter_: Any) -> int:
    answer = await client(LIST, {"filter": filter_ or None, "first": 1})
    assert answer.errors == [], answer.body
    return answer.data["coordinationRequests"]["totalCount"]


def _codes(agencies: list[dict[str, str]]) -> set[str]:
    return {a["code"] for a in agencies}


def _changes(request: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    return [(c["kind"], c["status"], c["agencyCode"], c["note"]) for c in request["history"]]


def _expected_due_on(hub, kind: RequestKind, opened_at: str) -> str:
    policy = load_deadline_policy(hub.settings.data_dir)
    due = request_due(kind, datetime.fromisoformat(opened_at), None, policy.rules, policy.calendar)
    return local_day(due).isoformat()


async def _received_by_reading(sender, addressee, request: dict[str, Any], person: str) -> dict[str, Any]:
    """The sender sees OPEN; the addressee's first read records the receipt, which the sender then sees."""
    assert request["status"] == "OPEN"
    assert request["receivedAt"] is None
    assert (await _read(sender, request["id"]))["status"] == "OPEN"  # the sender's own reads record nothing

    read = await _read(addressee, request["id"])
    assert read["status"] == "RECEIVED"
    seen = await _read(sender, request["id"])
    assert seen["status"] == "RECEIVED"
    assert seen["receivedAt"] is not None
    assert seen["history"][-1]["kind"] == "RECEIVED"
    assert seen["history"][-1]["person"] == person
    again = await _read(addressee, request["id"])
    assert [c["kind"] for c in again["history"]].count("RECEIVED") == 1  # once, however often it is read
    return seen


class TestExplanation:
    async def test_the_court_explains_and_the_office_sees_receipt_every_change_and_the_answer(
        self, hub, office, court, transfer
    ):
        _, judgment_id = transfer
        request = await _opened(
            office,
            kind="EXPLANATION",
            to=COURT,
            subject="Đề nghị giải thích bản án",
            body="Phần quyết định chưa rõ tài sản phải kê biên.",
            judgment=judgment_id,
        )
        assert request["sender"]["code"] == OFFICE
        assert request["addressee"]["code"] == COURT
        assert request["judgmentId"] == judgment_id
        assert request["deadlineState"] == "PENDING"
        assert request["dueOn"] == _expected_due_on(hub, RequestKind.EXPLANATION, request["openedAt"])
        assert date.fromisoformat(request["dueOn"]) >= TODAY + timedelta(days=15)
        assert NATIONAL in _codes(request["observers"])  # the distribution rules' copy
        assert _changes(request) == [("OPENED", "OPEN", OFFICE, None)]
        assert request["history"][0]["person"] == "Lê Thị Hoa"

        await _received_by_reading(office, court, request, "Phạm Văn Đức")
        answered = await _responded(court, request["id"], "ANSWER", "Kê biên quyền sử dụng thửa đất số 12.")
        assert answered["status"] == "ANSWERED"

        seen = await _read(office, request["id"])
        assert seen["status"] == "ANSWERED"
        assert seen["answer"] == "Kê biên quyền sử dụng thửa đất số 12."
        assert seen["answeredAt"] is not None
        assert seen["deadlineState"] == "MET"
        closed = await _responded(office, request["id"], "CLOSE")
        assert closed["status"] == "CLOSED"
        assert closed["closedAt"] is not None
        assert _changes(closed) == [
            ("OPENED", "OPEN", OFFICE, None),
            ("RECEIVED", "RECEIVED", COURT, None),
            ("ANSWERED", "ANSWERED", COURT, "Kê biên quyền sử dụng thửa đất số 12."),
            ("CLOSED", "CLOSED", OFFICE, None),
        ]
        times = [c["at"] for c in closed["history"]]
        assert times == sorted(times)

    async def test_the_courts_answer_to_a_request_about_an_unclear_return_restarts_the_transfer(
        self, office, court, transfer
    ):
        transfer_id, _ = transfer
        await office(ACK, {"id": transfer_id})
        returned = (await office(RETURN, {"id": transfer_id, "note": "Chưa rõ tài sản kê biên"})).data
        assert returned["returnTransfer"]["transfer"]["status"] == "RETURNED"
        request = await _opened(
            office,
            kind="EXPLANATION",
            to=COURT,
            subject="Giải thích bản án",
            body="Chưa rõ tài sản kê biên.",
            transfer=transfer_id,
        )
        assert request["transferId"] == transfer_id
        assert request["judgmentId"] is not None  # taken from the transfer

        await _responded(court, request["id"], "ANSWER", "Tài sản kê biên là thửa đất số 12.")

        resumed = (await office(TRANSFER, {"id": transfer_id})).data["transfer"]
        assert resumed["status"] == "ACKNOWLEDGED"
        assert "resume_after_explanation" in {d["key"] for d in resumed["deadlines"]}

    async def test_returning_a_transfer_as_unclear_opens_the_explanation_request_to_the_court(
        self, office, court, transfer
    ):
        transfer_id, judgment_id = transfer
        payload = (await office(RETURN, {"id": transfer_id, "note": "Phần quyết định không rõ"})).data
        assert payload["returnTransfer"]["transfer"]["status"] == "RETURNED"

        listed = (await court(LIST, {"filter": {"transferId": transfer_id, "kind": "EXPLANATION"}, "first": 10})).data[
            "coordinationRequests"
        ]
        assert listed["totalCount"] == 1
        request_id = listed["edges"][0]["node"]["id"]
        assert listed["edges"][0]["node"]["status"] == "RECEIVED"  # the court just read it
        request = await _read(court, request_id)
        assert (request["sender"]["code"], request["addressee"]["code"]) == (OFFICE, COURT)
        assert request["judgmentId"] == judgment_id
        assert "Phần quyết định không rõ" in request["body"]

        await _responded(court, request_id, "ANSWER", "Nghĩa vụ trả nợ gồm gốc và lãi đến ngày xét xử.")

        seen = await _read(office, request_id)
        assert seen["status"] == "ANSWERED"
        assert seen["answer"] == "Nghĩa vụ trả nợ gồm gốc và lãi đến ngày xét xử."
        resumed = (await office(TRANSFER, {"id": transfer_id})).data["transfer"]
        assert resumed["status"] == "SUBMITTED"  # returned before it was registered: back to the inbox
        deadlines = {d["key"]: d["state"] for d in resumed["deadlines"]}
        assert deadlines["resume_after_explanation"] == "PENDING"


class TestEnforcementSupport:
    async def test_the_police_answers_a_support_request_for_a_planned_day_and_place(
        self, hub, office, police, committee, transfer
    ):
        _, judgment_id = transfer
        planned = (TODAY + timedelta(days=30)).isoformat()  # far enough for the reply and the police's plan
        request = await _opened(
            office,
            kind="ENFORCEMENT_SUPPORT",
            to=POLICE,
            subject="Đề nghị hỗ trợ cưỡng chế",
            body="Đề nghị bố trí lực lượng bảo vệ cưỡng chế giao nhà.",
            judgment=judgment_id,
            plannedOn=planned,
            place="Số 3 Láng Hạ, Đống Đa, Hà Nội",
        )
        assert (request["plannedOn"], request["place"]) == (planned, "Số 3 Láng Hạ, Đống Đa, Hà Nội")
        assert request["dueOn"] == _expected_due_on(hub, RequestKind.ENFORCEMENT_SUPPORT, request["openedAt"])
        assert COMMITTEE in _codes(request["observers"])

        observed = await _read(committee, request["id"])  # an observer's read is no receipt
        assert observed["status"] == "OPEN"
        await _received_by_reading(office, police, request, "Đỗ Minh Quân")
        started = await _responded(police, request["id"], "START", "Đã giao Đội Cảnh sát cơ động chuẩn bị.")
        assert started["status"] == "IN_PROGRESS"
        assert (await _read(office, request["id"]))["status"] == "IN_PROGRESS"
        await _responded(police, request["id"], "ANSWER", "Bố trí 20 cán bộ chiến sĩ, có mặt lúc 7 giờ.")

        seen = await _read(office, request["id"])
        assert seen["answer"] == "Bố trí 20 cán bộ chiến sĩ, có mặt lúc 7 giờ."
        assert _changes(seen) == [
            ("OPENED", "OPEN", OFFICE, None),
            ("RECEIVED", "RECEIVED", POLICE, None),
            ("STARTED", "IN_PROGRESS", POLICE, "Đã giao Đội Cảnh sát cơ động chuẩn bị."),
            ("ANSWERED", "ANSWERED", POLICE, "Bố trí 20 cán bộ chiến sĩ, có mặt lúc 7 giờ."),
        ]
        assert (await _read(committee, request["id"]))["status"] == "ANSWERED"

    async def test_a_day_in_the_past_is_refused_and_nothing_is_written(self, office, transfer):
        _, judgment_id = transfer
        before = await _total(office, role="SENT")
        payload = await _open(
            office,
            kind="ENFORCEMENT_SUPPORT",
            to=POLICE,
            subject="Đề nghị hỗ trợ cưỡng chế",
            body="Nội dung",
            judgment=judgment_id,
            plannedOn=(TODAY - timedelta(days=1)).isoformat(),
        )
        assert payload["request"] is None
        assert {(e["field"], e["code"]) for e in payload["userErrors"]} == {
            ("plannedOn", "IN_THE_PAST"),
            ("place", "REQUIRED"),
        }
        assert await _total(office, role="SENT") == before


class TestProcuracyDocuments:
    @pytest.mark.parametrize("kind", ["PROCURACY_REQUEST", "PROCURACY_RECOMMENDATION", "PROCURACY_PROTEST"])
    async def test_the_office_replies_by_the_date_the_procuracy_set(self, hub, procuracy, office, transfer, kind):
        _, judgment_id = transfer
        reply_by = (TODAY + timedelta(days=9)).isoformat()
        request = await _opened(
            procuracy,
            kind=kind,
            to=OFFICE,
            subject="Văn bản của Viện kiểm sát",
            body="Đề nghị cung cấp hồ sơ thi hành án và trả lời bằng văn bản.",
            judgment=judgment_id,
            replyBy=reply_by,
        )
        assert request["replyBy"] == reply_by
        assert request["dueOn"] == reply_by  # the procuracy's date replaces the legal period
        if kind in {"PROCURACY_RECOMMENDATION", "PROCURACY_PROTEST"}:
            assert NATIONAL in _codes(request["observers"])
        if kind == "PROCURACY_PROTEST":
            assert "ministry.justice" in _codes(request["observers"])

        await _received_by_reading(procuracy, office, request, "Lê Thị Hoa")
        await _responded(office, request["id"], "ANSWER", "Đã khắc phục vi phạm, gửi kèm hồ sơ.")

        seen = await _read(procuracy, request["id"])
        assert (seen["status"], seen["answer"], seen["deadlineState"]) == (
            "ANSWERED",
            "Đã khắc phục vi phạm, gửi kèm hồ sơ.",
            "MET",
        )
        assert [c["kind"] for c in seen["history"]] == ["OPENED", "RECEIVED", "ANSWERED"]

    async def test_without_a_reply_date_the_legal_period_applies(self, hub, procuracy):
        request = await _opened(
            procuracy, kind="PROCURACY_REQUEST", to=OFFICE, subject="Yêu cầu tự kiểm tra", body="Nội dung"
        )
        assert request["replyBy"] is None
        assert request["dueOn"] == _expected_due_on(hub, RequestKind.PROCURACY_REQUEST, request["openedAt"])


class TestPeriodicReport:
    async def test_the_report_is_acknowledged_and_observers_get_their_copy(self, office, provincial, committee, hub):
        national = await _client(hub, NATIONAL, Role.ENFORCEMENT_CLERK)
        request = await _opened(
            office,
            kind="PERIODIC_REPORT",
            to=PROVINCIAL,
            subject="Báo cáo kết quả thi hành án tháng",
            body="Số việc thụ lý, số việc xong, số tiền thu được.",
            periodFrom=(TODAY - timedelta(days=30)).isoformat(),
            periodTo=(TODAY - timedelta(days=1)).isoformat(),
        )
        assert _codes(request["observers"]) == {COMMITTEE, NATIONAL}
        for observer in (committee, national):
            assert (await _read(observer, request["id"]))["id"] == request["id"]
            listed = (
                await observer(LIST, {"filter": {"role": "OBSERVED", "kind": "PERIODIC_REPORT"}, "first": 200})
            ).data
            assert request["id"] in {e["node"]["id"] for e in listed["coordinationRequests"]["edges"]}

        await _received_by_reading(office, provincial, request, "Hoàng Anh Tuấn")
        await _responded(provincial, request["id"], "ANSWER", "Đã nhận báo cáo.")
        closed = await _responded(office, request["id"], "CLOSE")

        assert closed["status"] == "CLOSED"
        assert [c["kind"] for c in closed["history"]] == ["OPENED", "RECEIVED", "ANSWERED", "CLOSED"]
        assert (await _read(committee, request["id"]))["status"] == "CLOSED"

    async def test_a_report_needs_its_period(self, office):
        payload = await _open(office, kind="PERIODIC_REPORT", to=PROVINCIAL, subject="Báo cáo", body="Nội dung")
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("period", "REQUIRED")]


async def _report(office) -> dict[str, Any]:
    return await _opened(
        office,
        kind="PERIODIC_REPORT",
        to=PROVINCIAL,
        subject="Báo cáo quý",
        body="Nội dung báo cáo",
        periodFrom=(TODAY - timedelta(days=90)).isoformat(),
        periodTo=(TODAY - timedelta(days=1)).isoformat(),
    )


class TestVisibility:
    async def test_an_unrelated_agency_learns_nothing_of_a_request(self, office, outsider, hub):
        police_elsewhere = await _client(hub, "police.hai-phong", Role.POLICE)
        before = {c: await _total(c) for c in (outsider, police_elsewhere)}
        request = await _report(office)

        for client in (outsider, police_elsewhere):
            assert await _read(client, request["id"]) is None
            listed = (await client(LIST, {"first": 200})).data["coordinationRequests"]
            assert request["id"] not in {e["node"]["id"] for e in listed["edges"]}
            assert listed["totalCount"] == before[client]
            refused = await _respond(client, request["id"], "ANSWER", "x")
            assert refused == {
                "request": None,
                "userErrors": [{"field": "id", "code": "NOT_FOUND", "message": "no such coordination request"}],
            }
            missing = await _respond(client, "no-such-request", "ANSWER", "x")
            assert missing == refused  # the same answer as for an id that does not exist
        assert (await _read(office, request["id"]))["status"] == "OPEN"

    async def test_an_observer_follows_but_cannot_act(self, office, committee):
        request = await _report(office)
        payload = await _respond(committee, request["id"], "ANSWER", "Đã nhận")
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_A_PARTY"]

    async def test_the_ministry_sees_every_request(self, office, ministry_gql):
        request = await _report(office)
        seen = await _read(ministry_gql, request["id"])
        assert seen["status"] == "OPEN"  # the ministry is not the addressee: no receipt

    async def test_lists_page_through_with_cursors_and_filters(self, office):
        ids = [(await _report(office))["id"] for _ in range(3)]
        first = (await office(LIST, {"filter": {"role": "SENT"}, "first": 2})).data["coordinationRequests"]
        assert first["pageInfo"]["hasNextPage"] is True
        after = first["pageInfo"]["endCursor"]
        second = (await office(LIST, {"filter": {"role": "SENT"}, "first": 2, "after": after})).data[
            "coordinationRequests"
        ]
        seen = [e["node"]["id"] for e in first["edges"] + second["edges"]]
        assert seen[:3] == list(reversed(ids))  # newest first, no repeats across pages
        assert len(set(seen)) == len(seen)
        received = (await office(LIST, {"filter": {"role": "RECEIVED", "kind": "PERIODIC_REPORT"}, "first": 50})).data
        assert not {e["node"]["id"] for e in received["coordinationRequests"]["edges"]} & set(ids)

    async def test_the_addressee_listing_its_requests_records_their_receipt(self, office, provincial):
        request = await _report(office)
        listed = (await provincial(LIST, {"filter": {"role": "RECEIVED"}, "first": 200})).data
        nodes = {e["node"]["id"]: e["node"] for e in listed["coordinationRequests"]["edges"]}
        assert nodes[request["id"]]["status"] == "RECEIVED"
        assert nodes[request["id"]]["receivedAt"] is not None
        assert (await _read(office, request["id"]))["status"] == "RECEIVED"


class TestRefusals:
    async def test_invalid_transitions_are_typed_errors_and_write_nothing(self, office, provincial):
        request = await _report(office)
        cases = [
            (office, "ANSWER", "Tự trả lời", "INVALID_TRANSITION"),  # only the addressee answers
            (provincial, "CLOSE", None, "INVALID_TRANSITION"),  # nothing to close before an answer
            (provincial, "ANSWER", None, "NOTE_REQUIRED"),
            (provincial, "DECLINE", "  ", "NOTE_REQUIRED"),
            (office, "WITHDRAW", None, "NOTE_REQUIRED"),
        ]
        for client, action, note, code in cases:
            payload = await _respond(client, request["id"], action, note)
            assert payload["request"] is None
            assert [e["code"] for e in payload["userErrors"]] == [code], (action, payload)
        assert _changes(await _read(office, request["id"])) == [("OPENED", "OPEN", OFFICE, None)]

        withdrawn = await _responded(office, request["id"], "WITHDRAW", "Gửi nhầm kỳ báo cáo")
        assert (withdrawn["status"], withdrawn["deadlineState"]) == ("WITHDRAWN", None)
        late = await _respond(provincial, request["id"], "ANSWER", "Đã nhận")
        assert [e["code"] for e in late["userErrors"]] == ["INVALID_TRANSITION"]
        assert [c["kind"] for c in (await _read(office, request["id"]))["history"]] == ["OPENED", "WITHDRAWN"]

    async def test_declining_ends_the_wait_with_reasons(self, office, provincial):
        request = await _report(office)
        declined = await _responded(provincial, request["id"], "DECLINE", "Sai mẫu báo cáo")
        assert declined["status"] == "DECLINED"
        assert declined["deadlineState"] == "MET"
        assert [c["kind"] for c in declined["history"]] == ["OPENED", "RECEIVED", "DECLINED"]

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            (
                {"kind": "EXPLANATION", "to": POLICE, "judgment": "x:1"},
                {("to", "WRONG_ADDRESSEE"), ("judgment", "NOT_FOUND")},
            ),
            ({"kind": "EXPLANATION", "to": COURT}, {("judgment", "REQUIRED")}),
            ({"kind": "EXPLANATION", "to": COURT, "judgment": f"{COURT}:0/2026/DS-ST"}, {("judgment", "NOT_FOUND")}),
            ({"kind": "PROCURACY_REQUEST", "to": COURT}, {("kind", "WRONG_SENDER"), ("to", "WRONG_ADDRESSEE")}),
            (
                {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "periodFrom": "2026-03-31", "periodTo": "2026-01-01"},
                {("period", "INVALID")},
            ),
            (
                {
                    "kind": "PERIODIC_REPORT",
                    "to": PROVINCIAL,
                    "periodFrom": "2026-01-01",
                    "periodTo": "2026-03-31",
                    "replyBy": (TODAY + timedelta(days=30)).isoformat(),  # within the date bounds
                },
                {("replyBy", "NOT_ALLOWED")},
            ),
            ({"kind": "PERIODIC_REPORT", "to": "no-such-agency"}, {("to", "NOT_FOUND")}),
            ({"kind": "PERIODIC_REPORT", "to": OFFICE}, {("to", "SAME_AGENCY")}),
            (
                {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "subject": " "},
                {("subject", "INVALID"), ("period", "REQUIRED")},
            ),
            (
                {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "transfer": "no-such-transfer"},
                {("transfer", "NOT_FOUND"), ("period", "REQUIRED")},
            ),
        ],
        ids=[
            "explanation-to-police",
            "explanation-without-judgment",
            "unknown-judgment",
            "office-sends-procuracy-request",
            "period-backwards",
            "reply-date-set-by-law",
            "unknown-addressee",
            "to-itself",
            "blank-subject",
            "unknown-transfer",
        ],
    )
    async def test_a_bad_draft_is_refused_with_typed_errors_and_nothing_is_written(self, office, fields, expected):
        before = await _total(office, role="SENT")
        payload = await _open(office, **{"subject": "Tiêu đề", "body": "Nội dung", **fields})
        assert payload["request"] is None
        assert {(e["field"], e["code"]) for e in payload["userErrors"]} == expected
        assert await _total(office, role="SENT") == before

    async def test_a_judgment_out_of_the_senders_reach_reads_as_unknown(self, hub, transfer):
        _, judgment_id = transfer
        other_office = await _client(hub, "enforcement.ha-noi.kv05", Role.ENFORCEMENT_CLERK)
        payload = await _open(
            other_office, kind="EXPLANATION", to=COURT, subject="Giải thích", body="Nội dung", judgment=judgment_id
        )
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("judgment", "NOT_FOUND")]


def _agreement(**overrides: Any) -> dict[str, Any]:
    document = hashlib.sha256(f"Quy chế phối hợp {Clock().now().isoformat()}".encode()).hexdigest()
    return {
        "title": "Quy chế phối hợp trong cưỡng chế thi hành án dân sự",
        "scope": "Bảo vệ cưỡng chế, trao đổi thông tin người phải thi hành án trên địa bàn.",
        "parties": [OFFICE, POLICE],
        "documentSha256": document,
        "signedOn": (TODAY - timedelta(days=20)).isoformat(),
        "validFrom": (TODAY - timedelta(days=10)).isoformat(),
        "validTo": (TODAY + timedelta(days=365)).isoformat(),
        "clauses": [{"title": "Trả lời đề nghị hỗ trợ cưỡng chế", "kind": "ENFORCEMENT_SUPPORT", "responseDays": 2}],
        **overrides,
    }


class TestAgreements:
    async def test_a_registered_agreement_is_listed_for_its_parties_only(self, office, police, outsider):
        payload = (await office(REGISTER, {"input": _agreement()})).data["registerAgreement"]
        assert payload["userErrors"] == []
        agreement = payload["agreement"]
        assert _codes(agreement["parties"]) == {OFFICE, POLICE}
        assert agreement["inForce"] is True
        assert agreement["clauses"] == [
            {"title": "Trả lời đề nghị hỗ trợ cưỡng chế", "kind": "ENFORCEMENT_SUPPORT", "responseDays": 2}
        ]

        for party in (office, police):
            listed = (await party(AGREEMENTS, {})).data["coordinationAgreements"]
            assert agreement["id"] in {a["id"] for a in listed}
            of_police = (await party(AGREEMENTS, {"party": POLICE, "activeOn": TODAY.isoformat()})).data
            assert agreement["id"] in {a["id"] for a in of_police["coordinationAgreements"]}
        expired = (await office(AGREEMENTS, {"activeOn": (TODAY + timedelta(days=400)).isoformat()})).data
        assert agreement["id"] not in {a["id"] for a in expired["coordinationAgreements"]}
        hidden = (await outsider(AGREEMENTS, {"party": OFFICE})).data["coordinationAgreements"]
        assert agreement["id"] not in {a["id"] for a in hidden}

    async def test_a_request_under_an_agreement_is_due_by_its_shorter_clause(self, hub, office, transfer):
        _, judgment_id = transfer
        agreement = (await office(REGISTER, {"input": _agreement()})).data["registerAgreement"]["agreement"]
        request = await _opened(
            office,
            kind="ENFORCEMENT_SUPPORT",
            to=POLICE,
            subject="Đề nghị hỗ trợ cưỡng chế",
            body="Theo quy chế phối hợp",
            judgment=judgment_id,
            plannedOn=(TODAY + timedelta(days=30)).isoformat(),
            place="Thôn Đông, xã Tam Hiệp",
            agreement=agreement["id"],
        )
        assert request["agreement"] == {"id": agreement["id"]}
        policy = load_deadline_policy(hub.settings.data_dir)
        opened_on = local_day(datetime.fromisoformat(request["openedAt"]))
        assert request["dueOn"] == policy.calendar.add_working_days(opened_on, 2).isoformat()
        assert request["dueOn"] < _expected_due_on(hub, RequestKind.ENFORCEMENT_SUPPORT, request["openedAt"])

        to_court = await _open(
            office,
            kind="PERIODIC_REPORT",
            to=PROVINCIAL,
            subject="Báo cáo",
            body="Nội dung",
            periodFrom="2026-01-01",
            periodTo="2026-03-31",
            agreement=agreement["id"],
        )
        assert [(e["field"], e["code"]) for e in to_court["userErrors"]] == [("agreement", "NOT_A_PARTY")]

    async def test_an_agreement_the_sender_is_no_party_to_reads_as_unknown(self, office, procuracy):
        agreement = (await office(REGISTER, {"input": _agreement()})).data["registerAgreement"]["agreement"]
        payload = await _open(
            procuracy,
            kind="PROCURACY_REQUEST",
            to=OFFICE,
            subject="Yêu cầu",
            body="Nội dung",
            agreement=agreement["id"],
        )
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("agreement", "NOT_FOUND")]

    @pytest.mark.parametrize(
        ("overrides", "expected"),
        [
            ({"parties": [OFFICE]}, {("parties", "TOO_FEW_PARTIES")}),
            ({"parties": [OFFICE, OFFICE]}, {("parties", "TOO_FEW_PARTIES")}),
            ({"parties": [POLICE, COMMITTEE]}, {("parties", "NOT_A_PARTY")}),
            ({"parties": [OFFICE, "no-such-agency"]}, {("parties", "UNKNOWN_AGENCY")}),
            ({"documentSha256": "not-a-hash"}, {("documentSha256", "INVALID")}),
            ({"validTo": (TODAY - timedelta(days=11)).isoformat()}, {("validTo", "INVALID")}),
            (
                {
                    "signedOn": (TODAY + timedelta(days=1)).isoformat(),
                    "validFrom": (TODAY + timedelta(days=1)).isoformat(),
                },
                {("signedOn", "IN_THE_FUTURE")},
            ),
            (
                {"clauses": [{"title": "Trả lời", "kind": "EXPLANATION", "responseDays": 0}]},
                {("clauses.0.responseDays", "INVALID")},
            ),
            ({"title": ""}, {("title", "INVALID")}),
        ],
        ids=[
            "one-party",
            "same-party-twice",
            "not-a-party",
            "unknown-party",
            "bad-hash",
            "ends-before-start",
            "signed-in-future",
            "zero-days",
            "blank-title",
        ],
    )
    async def test_bad_agreements_are_refused_and_nothing_is_written(self, office, overrides, expected):
        before = len((await office(AGREEMENTS, {})).data["coordinationAgreements"])
        payload = (await office(REGISTER, {"input": _agreement(**overrides)})).data["registerAgreement"]
        assert payload["agreement"] is None
        assert {(e["field"], e["code"]) for e in payload["userErrors"]} == expected
        assert len((await office(AGREEMENTS, {})).data["coordinationAgreements"]) == before
