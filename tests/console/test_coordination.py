"""Phối hợp: an office sends a request through the console, the police answer it there, the office closes it.

Every check of what changed is made through GraphQL (as the agencies themselves), not through the
console's own pages. Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from console.format import deadline
from console.pages import coordination_operations
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.graphql_client import Answer

OFFICE = "enforcement.ha-noi.kv03"
POLICE = "police.ha-noi"
COMMITTEE = "committee.ha-noi"  # gets a copy of Hà Nội's periodic reports (data/distribution_rules.toml)
OTHER_COURT = "court.hai-phong.kv01"  # a coordination party with no part in the requests below
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
ANSWER = "Công an thành phố đã nhận báo cáo; không có ý kiến bổ sung."

_people = itertools.count(1)

REGISTER = """
mutation ($input: RegisterAgreementInput!) { registerAgreement(input: $input) { userErrors { code } agreement { id } } }
"""
UNDER = "query ($id: ID!) { coordinationRequest(id: $id) { dueOn agreement { id title } } }"
READ = """
query ($id: ID!) {
  coordinationRequest(id: $id) { id kind status subject answer sender { code } addressee { code } history { kind } }
}
"""
SENT = """
query { coordinationRequests(filter: {role: SENT, kind: PERIODIC_REPORT}, first: 200) { edges { node { id subject } } } }
"""


def _data(result: Answer) -> dict[str, Any]:
    assert result.data is not None, result.errors
    return result.data


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    return await signed_in(hub, f"console.coordination.{role.value}.{next(_people)}", agency, (role,))


async def _as(hub: Hub, agency: str, role: Role, document: str, variables: dict[str, Any] | None = None) -> Any:
    return _data(await hub.client(hub.token(agency, [role]))(document, variables or {}))


async def _subjects_sent_by_the_office(hub: Hub) -> set[str]:
    found = await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, SENT)
    return {edge["node"]["subject"] for edge in found["coordinationRequests"]["edges"]}


def _report_form(csrf: str | None, subject: str) -> dict[str, str]:
    form = {
        "loai": "PERIODIC_REPORT",
        "gui-den": POLICE,
        "trich-yeu": subject,
        "noi-dung": "Báo cáo kết quả phối hợp cưỡng chế 11 tháng năm 2026.",
        "tu-ngay": "2026-01-01",
        "den-ngay": "2026-11-30",
        "ve": "/phoi-hop",
    }
    return form if csrf is None else {**form, "csrf": csrf}


async def _sent_through_the_console(hub: Hub, clerk: dict[str, str], subject: str) -> str:
    """The office sends a periodic report to the police through the page's form; the new request's id."""
    page = (await hub.http.get("/phoi-hop", headers=clerk)).text
    sent = await hub.http.post("/phoi-hop/gui", headers=clerk, data=_report_form(form_token(page), subject))
    assert sent.status_code == 303, sent.text
    found = re.fullmatch(r"/phoi-hop/yeu-cau/([^?]+)\?xong=gui", sent.headers["location"])
    assert found is not None, sent.headers["location"]
    return found.group(1)


def test_every_document_the_coordination_pages_run_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in coordination_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_coordination_pages_send_to_the_sign_in_page(hub: Hub) -> None:
    for answer in (
        await hub.http.get("/phoi-hop"),
        await hub.http.get("/phoi-hop/yeu-cau/anything"),
        await hub.http.post("/phoi-hop/gui", data={"csrf": "x"}),
        await hub.http.post("/phoi-hop/yeu-cau/anything/xu-ly", data={"csrf": "x"}),
    ):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


async def test_a_request_opened_answered_and_closed_through_the_forms_is_what_graphql_then_reports(hub: Hub) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    police = await _signed_in(hub, POLICE, Role.POLICE)

    request_id = await _sent_through_the_console(hub, clerk, subject)

    opened = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, READ, {"id": request_id}))["coordinationRequest"]
    assert (opened["kind"], opened["status"], opened["subject"]) == ("PERIODIC_REPORT", "OPEN", subject)
    assert (opened["sender"]["code"], opened["addressee"]["code"]) == (OFFICE, POLICE)
    mine = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}?xong=gui", headers=clerk)).text
    assert "Đã gửi yêu cầu." in mine
    assert "Rút yêu cầu (nêu lý do)" in mine  # the sender may withdraw it while it waits
    assert 'value="ANSWER"' not in mine  # the addressee answers, not the sender
    outgoing = (await hub.http.get("/phoi-hop?vai=gui", headers=clerk)).text
    assert subject in outgoing

    committee = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)
    observed = (await hub.http.get("/phoi-hop?vai=theo-doi", headers=committee)).text
    assert subject in observed
    copy = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=committee)).text
    assert subject in copy
    assert "/xu-ly" not in copy  # an observer follows a request; only its parties act on it

    incoming = (await hub.http.get("/phoi-hop?vai=nhan", headers=police)).text
    assert subject in incoming
    theirs = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=police)).text
    assert 'value="ANSWER"' in theirs
    assert 'value="WITHDRAW"' not in theirs
    assert re.search(r"hạn \d\d/\d\d/\d{4} — (còn \d+ ngày làm việc|hết hạn hôm nay)", theirs)
    answered = await hub.http.post(
        f"/phoi-hop/yeu-cau/{request_id}/xu-ly",
        headers=police,
        data={"csrf": form_token(theirs), "thao-tac": "ANSWER", "noi-dung": ANSWER},
    )
    assert (answered.status_code, answered.headers["location"]) == (303, f"/phoi-hop/yeu-cau/{request_id}?xong=ANSWER")
    seen = (await _as(hub, POLICE, Role.POLICE, READ, {"id": request_id}))["coordinationRequest"]
    assert (seen["status"], seen["answer"]) == ("ANSWERED", ANSWER)

    back = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=clerk)).text
    assert ANSWER in back
    assert "Kết thúc yêu cầu" in back
    closed = await hub.http.post(
        f"/phoi-hop/yeu-cau/{request_id}/xu-ly",
        headers=clerk,
        data={"csrf": form_token(back), "thao-tac": "CLOSE"},
    )
    assert closed.headers["location"] == f"/phoi-hop/yeu-cau/{request_id}?xong=CLOSE"
    final = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, READ, {"id": request_id}))["coordinationRequest"]
    assert final["status"] == "CLOSED"
    assert [change["kind"] for change in final["history"]] == ["OPENED", "RECEIVED", "ANSWERED", "CLOSED"]
    history = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=clerk)).text
    for words in ("Gửi yêu cầu", "Cơ quan nhận đã đọc", "Đã kết thúc"):
        assert words in history


async def test_an_answer_without_a_note_is_refused_and_changes_nothing(hub: Hub) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    police = await _signed_in(hub, POLICE, Role.POLICE)
    request_id = await _sent_through_the_console(hub, clerk, subject)
    theirs = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=police)).text

    refused = await hub.http.post(
        f"/phoi-hop/yeu-cau/{request_id}/xu-ly",
        headers=police,
        data={"csrf": form_token(theirs), "thao-tac": "ANSWER", "noi-dung": "  "},
    )

    assert refused.headers["location"] == f"/phoi-hop/yeu-cau/{request_id}?loi=NOTE_REQUIRED"
    assert "Hãy ghi nội dung" in (await hub.http.get(refused.headers["location"], headers=police)).text
    seen = (await _as(hub, POLICE, Role.POLICE, READ, {"id": request_id}))["coordinationRequest"]
    assert seen["answer"] is None
    assert seen["status"] == "RECEIVED"


async def test_a_refused_request_comes_back_to_the_form_in_vietnamese_and_writes_nothing(hub: Hub) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    page = (await hub.http.get("/phoi-hop", headers=clerk)).text
    form = {**_report_form(form_token(page), subject), "tu-ngay": "2026-12-01", "den-ngay": "2026-01-01"}

    refused = await hub.http.post("/phoi-hop/gui", headers=clerk, data=form)

    assert refused.headers["location"] == "/phoi-hop?loi=INVALID#gui"
    assert "Thông tin chưa hợp lệ" in (await hub.http.get("/phoi-hop?loi=INVALID", headers=clerk)).text
    assert subject not in await _subjects_sent_by_the_office(hub)


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["no-token", "wrong-token"])
async def test_forms_without_the_session_token_are_refused_and_write_nothing(hub: Hub, token: str | None) -> None:
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    police = await _signed_in(hub, POLICE, Role.POLICE)
    unsent = f"Báo cáo định kỳ {uuid.uuid4()}"

    opened = await hub.http.post("/phoi-hop/gui", headers=clerk, data=_report_form(token, unsent))

    assert opened.status_code == 403
    assert "Biểu mẫu đã hết hạn" in opened.text
    assert unsent not in await _subjects_sent_by_the_office(hub)

    request_id = await _sent_through_the_console(hub, clerk, f"Báo cáo định kỳ {uuid.uuid4()}")
    form = {"thao-tac": "ANSWER", "noi-dung": ANSWER, **({} if token is None else {"csrf": token})}
    answered = await hub.http.post(f"/phoi-hop/yeu-cau/{request_id}/xu-ly", headers=police, data=form)

    assert answered.status_code == 403
    seen = (await _as(hub, POLICE, Role.POLICE, READ, {"id": request_id}))["coordinationRequest"]
    assert seen["answer"] is None
    assert seen["status"] in {"OPEN", "RECEIVED"}


async def test_an_agency_with_no_part_in_a_request_sees_nothing_of_it(hub: Hub) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    request_id = await _sent_through_the_console(hub, clerk, subject)
    stranger = await _signed_in(hub, OTHER_COURT, Role.COURT_CLERK)

    alone = await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=stranger)
    assert alone.status_code == 404
    assert "Không tìm thấy yêu cầu phối hợp" in alone.text
    assert subject not in alone.text
    for role in ("nhan", "gui", "theo-doi"):
        listed = await hub.http.get(f"/phoi-hop?vai={role}", headers=stranger)
        assert listed.status_code == 200
        assert subject not in listed.text
        assert request_id not in listed.text
    answered = await hub.http.post(
        f"/phoi-hop/yeu-cau/{request_id}/xu-ly",
        headers=stranger,
        data={"csrf": form_token(alone.text), "thao-tac": "ANSWER", "noi-dung": ANSWER},
    )
    assert answered.headers["location"] == f"/phoi-hop/yeu-cau/{request_id}?loi=NOT_FOUND"
    seen = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, READ, {"id": request_id}))["coordinationRequest"]
    assert seen["answer"] is None


@pytest.mark.parametrize(
    ("agency", "role"),
    [("ministry.justice", Role.PERSONNEL), ("ministry.justice", Role.OPERATOR)],
    ids=["personnel", "operator"],
)
async def test_people_who_take_no_part_in_coordination_are_refused_with_no_data(
    hub: Hub, agency: str, role: Role
) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    request_id = await _sent_through_the_console(hub, clerk, subject)
    person = await _signed_in(hub, agency, role)

    for url in ("/phoi-hop", "/phoi-hop?vai=gui", f"/phoi-hop/yeu-cau/{request_id}"):
        answer = await hub.http.get(url, headers=person)
        assert answer.status_code == 403
        assert "Không có quyền truy cập" in answer.text
        assert "Trang Phối hợp chỉ dành cho" in answer.text
        assert subject not in answer.text
    assert 'href="/phoi-hop"' not in (await hub.http.get("/", headers=person)).text
    assert 'href="/phoi-hop"' in (await hub.http.get("/", headers=clerk)).text


async def test_an_agreement_shows_to_its_parties_only_and_a_request_sent_under_it_names_it(hub: Hub) -> None:
    title = f"Quy chế phối hợp báo cáo {uuid.uuid4()}"
    today = hub.clock.today()
    agreement = {
        "title": title,
        "scope": "Trao đổi báo cáo định kỳ về hỗ trợ cưỡng chế trên địa bàn.",
        "parties": [OFFICE, POLICE],
        "documentSha256": hashlib.sha256(title.encode()).hexdigest(),
        "signedOn": (today - timedelta(days=20)).isoformat(),
        "validFrom": (today - timedelta(days=10)).isoformat(),
        "clauses": [{"title": "Xác nhận báo cáo định kỳ", "kind": "PERIODIC_REPORT", "responseDays": 2}],
    }
    registered = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, REGISTER, {"input": agreement}))["registerAgreement"]
    assert registered["userErrors"] == []
    agreement_id = registered["agreement"]["id"]
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    police = await _signed_in(hub, POLICE, Role.POLICE)
    stranger = await _signed_in(hub, OTHER_COURT, Role.COURT_CLERK)

    page = (await hub.http.get("/phoi-hop", headers=clerk)).text
    assert f">{title}</h3>" in page
    assert "Xác nhận báo cáo định kỳ (Báo cáo định kỳ): 2 ngày làm việc" in page
    assert f'<option value="{agreement_id}">{title}</option>' in page
    assert title in (await hub.http.get("/phoi-hop", headers=police)).text
    theirs = (await hub.http.get("/phoi-hop", headers=stranger)).text
    assert title not in theirs
    assert agreement_id not in theirs

    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    form = {**_report_form(form_token(page), subject), "quy-che": agreement_id}
    sent = await hub.http.post("/phoi-hop/gui", headers=clerk, data=form)
    request_id = sent.headers["location"].split("/")[-1].split("?")[0]
    under = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, UNDER, {"id": request_id}))["coordinationRequest"]
    assert under["agreement"] == {"id": agreement_id, "title": title}
    assert f"Quy chế phối hợp: {title}" in (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=clerk)).text


async def test_a_request_left_unanswered_past_its_due_day_reads_overdue_in_working_days(
    hub: Hub, at: Callable[[str], datetime]
) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    request_id = await _sent_through_the_console(hub, clerk, subject)
    due = date.fromisoformat(
        (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, UNDER, {"id": request_id}))["coordinationRequest"]["dueOn"]
    )
    later = due + timedelta(days=10)
    at(f"{later.isoformat()} 10:00")
    overdue = hub.state.deadlines.calendar.working_days_between(later, due)
    assert overdue < 0

    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)  # the first session has expired by then
    sent = (await hub.http.get("/phoi-hop?vai=gui", headers=clerk)).text
    row = re.search(rf">{re.escape(subject)}</a>.*?</tr>", sent, re.S)
    assert row is not None
    assert f'<span class="due overdue">hạn {due.strftime("%d/%m/%Y")} — {deadline(overdue)}</span>' in row.group(0)
    assert deadline(overdue) == f"quá hạn {-overdue} ngày"


@pytest.mark.parametrize(
    ("side", "action", "note", "status"),
    [
        ("addressee", "START", "", "IN_PROGRESS"),
        ("addressee", "DECLINE", "Báo cáo gửi nhầm cơ quan: đề nghị gửi Ban Chỉ đạo.", "DECLINED"),
        ("sender", "WITHDRAW", "Gửi nhầm kỳ báo cáo; sẽ gửi lại.", "WITHDRAWN"),
    ],
    ids=["start", "decline", "withdraw"],
)
async def test_each_side_moves_a_waiting_request_through_the_form_and_the_status_filter_finds_it(
    hub: Hub, side: str, action: str, note: str, status: str
) -> None:
    subject = f"Báo cáo định kỳ {uuid.uuid4()}"
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    request_id = await _sent_through_the_console(hub, clerk, subject)
    actor = clerk if side == "sender" else await _signed_in(hub, POLICE, Role.POLICE)
    page = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=actor)).text
    assert f'value="{action}"' in page

    done = await hub.http.post(
        f"/phoi-hop/yeu-cau/{request_id}/xu-ly",
        headers=actor,
        data={"csrf": form_token(page), "thao-tac": action, "noi-dung": note},
    )

    assert done.headers["location"] == f"/phoi-hop/yeu-cau/{request_id}?xong={action}"
    seen = (await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, READ, {"id": request_id}))["coordinationRequest"]
    assert seen["status"] == status
    after = (await hub.http.get(f"/phoi-hop/yeu-cau/{request_id}", headers=actor)).text
    if note:
        assert note in after  # in the history
    filtered = (await hub.http.get(f"/phoi-hop?vai=gui&trang-thai={status}", headers=clerk)).text
    assert subject in filtered
    others = (await hub.http.get("/phoi-hop?vai=gui&trang-thai=ANSWERED", headers=clerk)).text
    assert subject not in others
