"""Viện kiểm sát: a prosecutor follows the judgments of the procuracy's area, their decisions and deadlines,
and sends a recommendation whose reply the page then shows.

Every check of what changed is made through GraphQL (as the agencies themselves), not through the
console's own pages. Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import html
import itertools
import re
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from console.format import deadline
from console.pages import procuracy_operations
from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.graphql_client import Answer

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
PROCURACY = "procuracy.ha-noi.kv03"
OTHER_PROCURACY = "procuracy.hai-phong.kv01"
PROVINCIAL_PROCURACY = "procuracy.ha-noi"  # supervises the area procuracies of Hà Nội
REPLY = "Chi cục đã khắc phục vi phạm nêu trong kiến nghị, đã ra quyết định thi hành án đúng hạn."

CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"

_people = itertools.count(1)

AS_THE_PROCURACY = """
query ($id: ID!) {
  transfer(id: $id) { procuracy { code } decision { number officer } deadlines { description dueOn state } }
}
"""
SENT = """
query {
  coordinationRequests(filter: {role: SENT, kind: PROCURACY_RECOMMENDATION}, first: 200) {
    edges { node { id subject status replyBy dueOn answer addressee { code } } }
  }
}
"""
PROTESTS = """
query {
  coordinationRequests(filter: {role: SENT, kind: PROCURACY_PROTEST}, first: 200) {
    edges { node { subject status judgmentId } }
  }
}
"""
DECIDE = """
mutation ($id: ID!, $issuedOn: Date!) {
  acknowledgeTransfer(id: $id) { userErrors { code } }
  recordEnforcementDecision(id: $id, number: "15/QĐ-CCTHADS", issuedOn: $issuedOn, kind: EX_OFFICIO,
                            officer: "Nguyễn Thị Lan") { userErrors { code } }
}
"""
AS_THE_JUDGMENT = """
query ($id: ID!) { transfer(id: $id) { judgment { transfer { id registerNumber registerYear } } } }
"""
ACKNOWLEDGE = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }"
ANSWER = """
mutation ($id: ID!, $note: String!) {
  respondToCoordinationRequest(id: $id, action: ANSWER, note: $note) { userErrors { code } }
}
"""


def _data(result: Answer) -> dict[str, Any]:
    assert result.data is not None, result.errors
    return result.data


async def _as(hub: Hub, agency: str, role: Role, document: str, variables: dict[str, Any] | None = None) -> Any:
    return _data(await hub.client(hub.token(agency, [role]))(document, variables or {}))


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    return await signed_in(hub, f"console.procuracy.{role.value}.{next(_people)}", agency, (role,))


async def _transferred(hub: Hub) -> tuple[str, str]:
    """A judgment the court submits through the hub: (transfer id, judgment number)."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    submission = signer.submission()
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    payload = _data(await court(SUBMIT, signer.signed_variables(submission)))["submitJudgment"]
    assert payload["userErrors"] == []
    return payload["transfer"]["id"], submission.number


async def _supervised_pages(hub: Hub, cookie: dict[str, str], number: str) -> str:
    """The pages of /vien-kiem-sat, following 'Trang sau' until ``number`` shows (or the list ends)."""
    url, pages = "/vien-kiem-sat", []
    for _ in range(100):
        answer = await hub.http.get(url, headers=cookie)
        assert answer.status_code == 200
        pages.append(answer.text)
        following = re.search(r'<a href="([^"]+)">Trang sau</a>', answer.text)
        if f"<code>{number}</code>" in answer.text or following is None:
            return "\n".join(pages)
        url = following.group(1).replace("&amp;", "&")
    raise AssertionError("the list never ended")


async def _recommendations(hub: Hub) -> dict[str, dict[str, Any]]:
    found = await _as(hub, PROCURACY, Role.PROCURACY, SENT)
    return {edge["node"]["subject"]: edge["node"] for edge in found["coordinationRequests"]["edges"]}


def _recommendation_form(csrf: str | None, subject: str, reply_by: date) -> dict[str, str]:
    form = {
        "loai": "PROCURACY_RECOMMENDATION",
        "gui-den": OFFICE,
        "trich-yeu": subject,
        "noi-dung": "Kiến nghị khắc phục vi phạm về thời hạn ra quyết định thi hành án chủ động.",
        "han-tra-loi": reply_by.isoformat(),
        "ve": "/vien-kiem-sat",
    }
    return form if csrf is None else {**form, "csrf": csrf}


async def test_without_a_session_the_procuracy_pages_send_to_the_sign_in_page(hub: Hub) -> None:
    for url in ("/vien-kiem-sat", "/vien-kiem-sat/chuyen-giao/anything", "/vien-kiem-sat/tra-cuu?ma=x"):
        answer = await hub.http.get(url)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


async def test_the_prosecutor_sees_the_judgment_its_decision_and_its_deadlines_in_working_days(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)

    listed = await _supervised_pages(hub, prosecutor, number)
    row = re.search(rf"<code>{re.escape(number)}</code>.*?</tr>", listed, re.DOTALL)
    assert row is not None
    assert "Đã chuyển, chờ vào sổ" in row.group(0)

    seen = (await _as(hub, PROCURACY, Role.PROCURACY, AS_THE_PROCURACY, {"id": transfer_id}))["transfer"]
    assert seen["procuracy"]["code"] == PROCURACY
    detail = (await hub.http.get(f"/vien-kiem-sat/chuyen-giao/{transfer_id}", headers=prosecutor)).text
    calendar, today = hub.state.deadlines.calendar, hub.clock.today()
    waiting = [d for d in seen["deadlines"] if d["state"] in {"PENDING", "OVERDUE"}]
    assert waiting, seen["deadlines"]
    for due in waiting:
        left = calendar.working_days_between(today, date.fromisoformat(due["dueOn"]))
        assert re.search(rf"{re.escape(due['description'])}</td>.*?{re.escape(deadline(left))}</td>", detail, re.S)
    looked_up = await hub.http.get(f"/vien-kiem-sat/tra-cuu?ma={transfer_id}", headers=prosecutor)
    assert looked_up.headers["location"] == f"/vien-kiem-sat/chuyen-giao/{transfer_id}"

    await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, DECIDE, {"id": transfer_id, "issuedOn": today.isoformat()})
    decided = (await _as(hub, PROCURACY, Role.PROCURACY, AS_THE_PROCURACY, {"id": transfer_id}))["transfer"]
    assert decided["decision"] == {"number": "15/QĐ-CCTHADS", "officer": "Nguyễn Thị Lan"}
    detail = (await hub.http.get(f"/vien-kiem-sat/chuyen-giao/{transfer_id}", headers=prosecutor)).text
    assert "Số 15/QĐ-CCTHADS" in detail
    assert "chấp hành viên Nguyễn Thị Lan" in detail
    assert "Đã ra quyết định thi hành án" in detail


def test_the_pages_own_document_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in procuracy_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_a_transferred_judgment_links_to_its_transfer_page_with_its_status_and_register_number(
    hub: Hub,
) -> None:
    transfer_id, number = await _transferred(hub)
    registered = await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, ACKNOWLEDGE, {"id": transfer_id})
    assert registered["acknowledgeTransfer"]["userErrors"] == []
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)

    listed = await _supervised_pages(hub, prosecutor, number)

    seen = await _as(hub, PROCURACY, Role.PROCURACY, AS_THE_JUDGMENT, {"id": transfer_id})
    transfer = seen["transfer"]["judgment"]["transfer"]  # Judgment.transfer, as the procuracy reads it
    assert transfer["id"] == transfer_id
    row = re.search(rf"<code>{re.escape(number)}</code>.*?</tr>", listed, re.DOTALL)
    assert row is not None
    link = re.search(r'<a href="/vien-kiem-sat/chuyen-giao/([^"]+)"[^>]*>([^<]+)</a>', row.group(0))
    assert link is not None
    assert link.groups() == (transfer_id, "Đã vào sổ")
    assert f"số vào sổ {transfer['registerNumber']}/{transfer['registerYear']}" in row.group(0)
    page = await hub.http.get(f"/vien-kiem-sat/chuyen-giao/{link.group(1)}", headers=prosecutor)
    assert page.status_code == 200
    assert f"<code>{transfer_id}</code>" in page.text


async def test_the_provincial_procuracy_sees_the_judgments_of_its_area_procuracies(hub: Hub) -> None:
    _, number = await _transferred(hub)
    provincial = await _signed_in(hub, PROVINCIAL_PROCURACY, Role.PROCURACY)

    listed = await _supervised_pages(hub, provincial, number)

    assert f"<code>{number}</code>" in listed


async def test_a_recommendation_sent_from_the_page_is_what_graphql_reports_and_its_reply_shows(hub: Hub) -> None:
    subject = f"Kiến nghị {uuid.uuid4()}"
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    page = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    assert 'value="PROCURACY_PROTEST"' in page
    assert 'value="PERIODIC_REPORT"' not in page  # only the procuracy's own documents from this page
    reply_by = hub.clock.today() + timedelta(days=20)

    sent = await hub.http.post(
        "/phoi-hop/gui", headers=prosecutor, data=_recommendation_form(form_token(page), subject, reply_by)
    )

    assert sent.status_code == 303
    found = (await _recommendations(hub))[subject]
    assert sent.headers["location"] == f"/phoi-hop/yeu-cau/{found['id']}?xong=gui"
    assert (found["status"], found["addressee"]["code"]) == ("OPEN", OFFICE)
    assert found["replyBy"] == found["dueOn"] == reply_by.isoformat()
    listed = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    row = re.search(rf">{re.escape(subject)}</a>.*?</tr>", listed, re.DOTALL)
    assert row is not None
    assert "Kiến nghị của Viện kiểm sát" in row.group(0)
    left = hub.state.deadlines.calendar.working_days_between(hub.clock.today(), reply_by)
    assert deadline(left) in row.group(0)

    answered = await _as(hub, OFFICE, Role.ENFORCEMENT_CLERK, ANSWER, {"id": found["id"], "note": REPLY})
    assert answered["respondToCoordinationRequest"]["userErrors"] == []
    listed = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    row = re.search(rf">{re.escape(subject)}</a>.*?</tr>", listed, re.DOTALL)
    assert row is not None
    assert "Đã trả lời" in row.group(0)
    assert REPLY in row.group(0)


async def test_a_protest_about_a_listed_judgment_is_sent_from_its_row_and_names_it(hub: Hub) -> None:
    _, number = await _transferred(hub)
    subject = f"Kháng nghị {uuid.uuid4()}"
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    row = re.search(
        rf"<code>{re.escape(number)}</code>.*?</tr>", await _supervised_pages(hub, prosecutor, number), re.S
    )
    assert row is not None
    link = re.search(r'<a href="(/vien-kiem-sat\?ban-an=[^"#]+)#gui"', row.group(0))
    assert link is not None
    page = (await hub.http.get(html.unescape(link.group(1)), headers=prosecutor)).text
    named = re.search(r'<input id="ban-an" name="ban-an" value="([^"]*)"', page)
    assert named is not None
    assert html.unescape(named.group(1)) == f"{COURT}:{number}"
    form = {
        **_recommendation_form(form_token(page), subject, hub.clock.today() + timedelta(days=20)),
        "loai": "PROCURACY_PROTEST",
        "ban-an": html.unescape(named.group(1)),
    }

    sent = await hub.http.post("/phoi-hop/gui", headers=prosecutor, data=form)

    assert sent.status_code == 303
    assert sent.headers["location"].endswith("?xong=gui")
    found = await _as(hub, PROCURACY, Role.PROCURACY, PROTESTS)
    protests = {edge["node"]["subject"]: edge["node"] for edge in found["coordinationRequests"]["edges"]}
    assert protests[subject]["judgmentId"] == f"{COURT}:{number}"
    assert protests[subject]["status"] == "OPEN"


async def test_a_protest_naming_no_judgment_comes_back_to_the_page_in_vietnamese_and_sends_nothing(hub: Hub) -> None:
    subject = f"Kháng nghị {uuid.uuid4()}"
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    page = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    form = {
        **_recommendation_form(form_token(page), subject, hub.clock.today() + timedelta(days=20)),
        "loai": "PROCURACY_PROTEST",
    }

    refused = await hub.http.post("/phoi-hop/gui", headers=prosecutor, data=form)

    assert refused.headers["location"] == "/vien-kiem-sat?loi=REQUIRED#gui"
    shown = (await hub.http.get("/vien-kiem-sat?loi=REQUIRED", headers=prosecutor)).text
    assert "Còn thiếu thông tin bắt buộc" in shown
    found = await _as(hub, PROCURACY, Role.PROCURACY, PROTESTS)
    assert subject not in {edge["node"]["subject"] for edge in found["coordinationRequests"]["edges"]}


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["no-token", "wrong-token"])
async def test_a_recommendation_without_the_session_token_is_refused_and_sends_nothing(
    hub: Hub, token: str | None
) -> None:
    subject = f"Kiến nghị {uuid.uuid4()}"
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    reply_by = hub.clock.today() + timedelta(days=20)

    answer = await hub.http.post(
        "/phoi-hop/gui", headers=prosecutor, data=_recommendation_form(token, subject, reply_by)
    )

    assert answer.status_code == 403
    assert "Biểu mẫu đã hết hạn" in answer.text
    assert subject not in await _recommendations(hub)


async def test_another_procuracy_sees_none_of_this_area(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    subject = f"Kiến nghị {uuid.uuid4()}"
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    page = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    reply_by = hub.clock.today() + timedelta(days=20)
    await hub.http.post(
        "/phoi-hop/gui", headers=prosecutor, data=_recommendation_form(form_token(page), subject, reply_by)
    )
    assert subject in await _recommendations(hub)
    stranger = await _signed_in(hub, OTHER_PROCURACY, Role.PROCURACY)

    theirs = await _supervised_pages(hub, stranger, number)
    assert f"<code>{number}</code>" not in theirs
    assert subject not in theirs
    alone = await hub.http.get(f"/vien-kiem-sat/chuyen-giao/{transfer_id}", headers=stranger)
    assert alone.status_code == 404
    assert "Không tìm thấy chuyển giao" in alone.text
    assert number not in alone.text


@pytest.mark.parametrize(
    ("agency", "role"),
    [(OFFICE, Role.ENFORCEMENT_CLERK), (COURT, Role.COURT_CLERK), ("police.ha-noi", Role.POLICE)],
    ids=["office", "court", "police"],
)
async def test_people_who_are_not_prosecutors_are_refused_with_no_data(hub: Hub, agency: str, role: Role) -> None:
    transfer_id, number = await _transferred(hub)
    person = await _signed_in(hub, agency, role)

    for url in ("/vien-kiem-sat", f"/vien-kiem-sat/chuyen-giao/{transfer_id}"):
        answer = await hub.http.get(url, headers=person)
        assert answer.status_code == 403
        assert "Trang Viện kiểm sát chỉ dành cho kiểm sát viên" in answer.text
        assert number not in answer.text
        assert transfer_id not in answer.text
    assert 'href="/vien-kiem-sat"' not in (await hub.http.get("/", headers=person)).text
    prosecutor = await _signed_in(hub, PROCURACY, Role.PROCURACY)
    assert 'href="/vien-kiem-sat"' in (await hub.http.get("/", headers=prosecutor)).text
