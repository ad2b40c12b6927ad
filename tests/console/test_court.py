"""Tòa án: a court clerk follows the court's submissions, reads the signed receipt and answers an explanation request.

Every check of what changed is made through GraphQL (as the court or the office), not through the
console's own pages. Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from console.pages import court_operations
from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.graphql_client import Answer

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
OTHER_COURT = "court.ha-noi.kv01"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
UNCLEAR_NOTE = "Phần quyết định không ghi rõ số tiền lãi phải trả."
EXPLANATION = "Tiền lãi tính theo lãi suất 10%/năm trên số tiền chậm trả, từ ngày bản án có hiệu lực."

_people = itertools.count(1)

AS_THE_COURT = """
query ($id: ID!) {
  transfer(id: $id) { status registerNumber registerYear receipt { keyId signature } }
  coordinationRequests(filter: {kind: EXPLANATION, transferId: $id}) { edges { node { id status answer } } }
}
"""
SENT_REQUESTS = """
query ($id: ID!) { coordinationRequests(filter: {kind: EXPLANATION, transferId: $id}) { edges { node { id status } } } }
"""
ACKNOWLEDGE = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }"
RETURN_UNCLEAR = """
mutation ($id: ID!, $note: String!) { returnTransfer(id: $id, reason: UNCLEAR, note: $note) { userErrors { code } } }
"""


def _data(result: Answer) -> dict[str, Any]:
    assert result.data is not None, result.errors
    return result.data


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    """A cookie header for a new person of ``agency`` holding ``role``."""
    return await signed_in(hub, f"console.court.{role.value}.{next(_people)}", agency, (role,))


async def _transferred(hub: Hub) -> tuple[str, str]:
    """A judgment the court submits through the hub: (transfer id, judgment number)."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    submission = signer.submission()
    payload = _data(await court(SUBMIT, signer.signed_variables(submission)))["submitJudgment"]
    assert payload["userErrors"] == []
    return payload["transfer"]["id"], submission.number


async def _as_the_court(hub: Hub, transfer_id: str) -> dict[str, Any]:
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    return _data(await court(AS_THE_COURT, {"id": transfer_id}))


async def _as_the_office(hub: Hub, document: str, variables: dict[str, str]) -> None:
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    payload = next(iter(_data(await office(document, variables)).values()))
    assert payload["userErrors"] == []


async def _unread_request(hub: Hub, transfer_id: str) -> str:
    """The id of the transfer's explanation request, read by its sender (the court has not read it yet)."""
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    found = _data(await office(SENT_REQUESTS, {"id": transfer_id}))["coordinationRequests"]["edges"]
    assert [edge["node"]["status"] for edge in found] == ["OPEN"]
    request_id: str = found[0]["node"]["id"]
    return request_id


async def _list_pages(hub: Hub, cookie: dict[str, str], url: str = "/toa-an") -> str:
    """Every page of the court's list from ``url``, following 'Trang sau' (the shared hub's court holds many)."""
    pages: list[str] = []
    for _ in range(200):
        answer = await hub.http.get(url, headers=cookie)
        assert answer.status_code == 200
        pages.append(answer.text)
        following = re.search(r'<a href="([^"]+)">Trang sau</a>', answer.text)
        if following is None:
            return "\n".join(pages)
        url = following.group(1).replace("&amp;", "&")
    raise AssertionError("the list never ended")


_ROW = (
    r'<tr>\s*<td>(?:<a href="/toa-an/(?P<link>[^"]+)">)?{number}(?:</a>)?</td>.*?'
    r'<td class="status">(?P<status>[^<]*)</td>\s*<td class="register">(?P<register>[^<]*)</td>'
)


def _row(pages: str, number: str) -> dict[str, str] | None:
    """What the list shows for judgment ``number`` (``link``: the transfer its number links to, ``status``,
    ``register``: number/year), or None when it is not listed."""
    found = re.search(_ROW.format(number=re.escape(number)), pages, re.DOTALL)
    return None if found is None else {k: v or "" for k, v in found.groupdict().items()}


def _row_status(pages: str, number: str) -> str | None:
    """The status the list shows for judgment ``number``, or None when it is not listed."""
    row = _row(pages, number)
    return None if row is None else row["status"]


def test_every_document_the_court_pages_run_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in court_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_court_pages_send_to_the_sign_in_page(hub: Hub) -> None:
    for answer in (
        await hub.http.get("/toa-an"),
        await hub.http.get("/toa-an/anything"),
        await hub.http.post("/toa-an/giai-thich/anything", data={"csrf": "x", "giai-thich": "x"}),
    ):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


async def test_the_court_follows_its_judgment_from_received_to_registered_to_returned_and_answers_the_request(
    hub: Hub,
) -> None:
    transfer_id, number = await _transferred(hub)
    clerk = await _signed_in(hub, COURT, Role.COURT_CLERK)
    detail = f"/toa-an/{transfer_id}"

    received = (await hub.http.get(detail, headers=clerk)).text
    receipt = (await _as_the_court(hub, transfer_id))["transfer"]["receipt"]
    assert "Đã nhận, chờ vào sổ" in received
    assert receipt["keyId"] in received
    assert receipt["signature"] in received
    assert "lienthong verify-receipt" in received
    assert _row_status(await _list_pages(hub, clerk), number) == "Đã nhận, chờ vào sổ"
    looked_up = await hub.http.get(f"/toa-an/tra-cuu?ma={transfer_id}", headers=clerk)
    assert (looked_up.status_code, looked_up.headers["location"]) == (303, detail)

    await _as_the_office(hub, ACKNOWLEDGE, {"id": transfer_id})
    registered = await _as_the_court(hub, transfer_id)
    page = (await hub.http.get(detail, headers=clerk)).text
    assert registered["transfer"]["status"] == "ACKNOWLEDGED"
    number_there = (
        f"Số {registered['transfer']['registerNumber']}, năm thống kê {registered['transfer']['registerYear']}"
    )
    assert number_there in page
    assert _row(await _list_pages(hub, clerk), number) == {
        "link": transfer_id,  # the number opens the transfer's page
        "status": "Đã vào sổ",
        "register": f"{registered['transfer']['registerNumber']}/{registered['transfer']['registerYear']}",
    }

    await _as_the_office(hub, RETURN_UNCLEAR, {"id": transfer_id, "note": UNCLEAR_NOTE})
    request_id = await _unread_request(hub, transfer_id)
    waiting = (await hub.http.get("/toa-an", headers=clerk)).text
    assert waiting.count(f'action="/toa-an/giai-thich/{request_id}"') == 1  # awaiting the answer, listed once
    page = (await hub.http.get(detail, headers=clerk)).text
    assert '<dd class="status">Bị trả lại</dd>' in page
    assert "Bản án, quyết định chưa rõ (đề nghị tòa án giải thích)" in page
    assert UNCLEAR_NOTE in page
    assert _row_status(await _list_pages(hub, clerk, "/toa-an?trang-thai=RETURNED"), number) == "Bị trả lại"
    assert _row_status(await _list_pages(hub, clerk, "/toa-an?trang-thai=ACKNOWLEDGED"), number) is None

    done = await hub.http.post(
        f"/toa-an/giai-thich/{request_id}",
        headers=clerk,
        data={"csrf": form_token(page), "giai-thich": EXPLANATION, "chuyen-giao": transfer_id},
    )

    assert done.status_code == 303
    assert done.headers["location"] == f"{detail}?xong=giai-thich"
    seen = await _as_the_court(hub, transfer_id)
    assert seen["coordinationRequests"]["edges"][0]["node"] == {
        "id": request_id,
        "status": "ANSWERED",
        "answer": EXPLANATION,
    }
    assert seen["transfer"]["status"] == "ACKNOWLEDGED"  # back with the office, as registered
    after = (await hub.http.get(done.headers["location"], headers=clerk)).text
    assert "Đã gửi văn bản giải thích." in after
    assert f'action="/toa-an/giai-thich/{request_id}"' not in after


async def test_a_clerk_of_another_court_finds_no_such_transfer(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    stranger = await _signed_in(hub, OTHER_COURT, Role.COURT_CLERK)

    answer = await hub.http.get(f"/toa-an/{transfer_id}", headers=stranger)

    assert answer.status_code == 404
    assert "Không tìm thấy bản án" in answer.text
    assert number not in answer.text
    assert _row_status(await _list_pages(hub, stranger), number) is None


@pytest.mark.parametrize(
    ("agency", "role"),
    [(OFFICE, Role.ENFORCEMENT_CLERK), ("procuracy.ha-noi.kv03", Role.PROCURACY)],
    ids=["office", "procuracy"],
)
async def test_people_who_are_not_court_clerks_are_refused_with_no_data(hub: Hub, agency: str, role: Role) -> None:
    transfer_id, number = await _transferred(hub)
    person = await _signed_in(hub, agency, role)

    for url in ("/toa-an", f"/toa-an/{transfer_id}"):
        answer = await hub.http.get(url, headers=person)
        assert answer.status_code == 403
        assert "Không có quyền truy cập" in answer.text
        assert number not in answer.text
    assert 'href="/toa-an"' not in (await hub.http.get("/", headers=person)).text
    clerk = await _signed_in(hub, COURT, Role.COURT_CLERK)
    assert 'href="/toa-an"' in (await hub.http.get("/", headers=clerk)).text


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["no-token", "wrong-token"])
async def test_an_answer_without_the_session_token_is_refused_and_changes_nothing(hub: Hub, token: str | None) -> None:
    transfer_id, _ = await _transferred(hub)
    await _as_the_office(hub, RETURN_UNCLEAR, {"id": transfer_id, "note": UNCLEAR_NOTE})
    request_id = (await _as_the_court(hub, transfer_id))["coordinationRequests"]["edges"][0]["node"]["id"]
    clerk = await _signed_in(hub, COURT, Role.COURT_CLERK)
    form = {"giai-thich": EXPLANATION, **({} if token is None else {"csrf": token})}

    answer = await hub.http.post(f"/toa-an/giai-thich/{request_id}", headers=clerk, data=form)

    assert answer.status_code == 403
    assert "Biểu mẫu đã hết hạn" in answer.text
    seen = await _as_the_court(hub, transfer_id)
    assert seen["coordinationRequests"]["edges"][0]["node"]["answer"] is None
    assert seen["transfer"]["status"] == "RETURNED"


async def test_a_blank_answer_is_refused_and_changes_nothing(hub: Hub) -> None:
    transfer_id, _ = await _transferred(hub)
    await _as_the_office(hub, RETURN_UNCLEAR, {"id": transfer_id, "note": UNCLEAR_NOTE})
    request_id = (await _as_the_court(hub, transfer_id))["coordinationRequests"]["edges"][0]["node"]["id"]
    clerk = await _signed_in(hub, COURT, Role.COURT_CLERK)
    page = (await hub.http.get(f"/toa-an/{transfer_id}", headers=clerk)).text

    refused = await hub.http.post(
        f"/toa-an/giai-thich/{request_id}",
        headers=clerk,
        data={"csrf": form_token(page), "giai-thich": "   ", "chuyen-giao": transfer_id},
    )

    assert refused.status_code == 303
    assert refused.headers["location"] == f"/toa-an/{transfer_id}?loi=NOTE_REQUIRED"
    assert "Hãy ghi nội dung giải thích." in (await hub.http.get(refused.headers["location"], headers=clerk)).text
    seen = await _as_the_court(hub, transfer_id)
    assert seen["coordinationRequests"]["edges"][0]["node"]["answer"] is None
    assert seen["transfer"]["status"] == "RETURNED"


async def test_the_receipt_as_the_page_gives_it_verifies_with_lienthong_verify_receipt(
    hub: Hub, tmp_path: Path
) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, COURT, Role.COURT_CLERK)
    page = (await hub.http.get(f"/toa-an/{transfer_id}", headers=clerk)).text
    shown = re.search(r'<pre class="receipt">([^<]*)</pre>', page)
    assert shown is not None
    saved = tmp_path / "bien-nhan.json"
    saved.write_text(html.unescape(shown.group(1)), encoding="utf-8")
    public_key = (await hub.http.get("/receipts/public-key")).json()["publicKey"]

    assert commands.verify_receipt_file(str(saved), public_key, hub.settings) == 0
    tampered = json.loads(saved.read_text(encoding="utf-8"))
    tampered["json"] = tampered["json"].replace(transfer_id, "another-transfer")
    saved.write_text(json.dumps(tampered), encoding="utf-8")
    assert commands.verify_receipt_file(str(saved), public_key, hub.settings) == 1
