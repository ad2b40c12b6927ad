"""Refusals a clerk can read (issue 22): a userError asked for with ``Accept-Language: vi`` is Vietnamese.

The same refusal in English and in Vietnamese carries the same field and code;
only the message changes, and the Vietnamese is the catalogue's
(``domain/messages/vi.po``). Nothing is written by these refusals, so one
database is as good as the other; they run on both anyway through ``hub``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from domain.access import Role
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv03"
PROVINCIAL = "enforcement.ha-noi"
CLERK = (OFFICE, Role.ENFORCEMENT_CLERK)

ACK = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { field code message } transfer { id } } }"
RETURN = """
mutation ($id: ID!, $note: String!) {
  returnTransfer(id: $id, reason: UNCLEAR, note: $note) { userErrors { field code message } transfer { id } }
}
"""
OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) { userErrors { field code message } request { id } }
}
"""
RESPOND = """
mutation ($id: ID!) {
  respondToCoordinationRequest(id: $id, action: ANSWER, note: "Đã xử lý") { userErrors { field code message } }
}
"""


async def _post(
    hub, query: str, variables: dict[str, Any], language: str | None, as_: tuple[str, Role] = CLERK
) -> dict[str, Any]:
    """``query`` as ``as_`` (the enforcement office's clerk), with ``Accept-Language: language`` when given: the body."""
    agency, role = as_
    headers = {"Authorization": f"Bearer {hub.token(agency, [role])}"}
    if language is not None:
        headers["Accept-Language"] = language
    body = {"query": query, "variables": variables}
    if isinstance(hub.http, httpx.AsyncClient):
        async with asyncio.timeout(30):
            response = await hub.http.post(f"{hub.url}/graphql", json=body, headers=headers)
        answer: dict[str, Any] = json.loads(response.content)
    else:
        async with hub.http.post(f"{hub.url}/graphql", json=body, headers=headers) as response:
            answer = await response.json(content_type=None)
    return answer


async def _ask(
    hub, query: str, variables: dict[str, Any], language: str | None, as_: tuple[str, Role] = CLERK
) -> dict[str, Any]:
    """The ``data`` of an answer without ``errors``."""
    answer = await _post(hub, query, variables, language, as_)
    assert "errors" not in answer, answer
    return answer["data"]


async def _errors(
    hub, query: str, variables: dict[str, Any], name: str, language: str | None, as_: tuple[str, Role] = CLERK
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = (await _ask(hub, query, variables, language, as_))[name]["userErrors"]
    assert errors, "the request was meant to be refused"
    return errors


def _codes(errors: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in errors]


async def test_a_transfer_refusal_is_vietnamese_when_asked_and_english_otherwise_with_the_same_code(hub) -> None:
    variables = {"id": "no-such-transfer"}
    english = await _errors(hub, ACK, variables, "acknowledgeTransfer", None)
    asked_in_english = await _errors(hub, ACK, variables, "acknowledgeTransfer", "en-GB,en;q=0.9")
    vietnamese = await _errors(hub, ACK, variables, "acknowledgeTransfer", "vi-VN,vi;q=0.9,en;q=0.5")
    assert english == asked_in_english
    assert english[0]["message"] == "no such transfer addressed to your agency"
    assert _codes(vietnamese) == _codes(english) == [("id", "NOT_FOUND")]
    assert vietnamese[0]["message"] == "không có bản án, quyết định chuyển giao này gửi đến cơ quan của bạn"


async def test_a_return_without_a_reason_is_refused_in_vietnamese(hub) -> None:
    variables = {"id": "no-such-transfer", "note": " "}
    english = await _errors(hub, RETURN, variables, "returnTransfer", "en")
    vietnamese = await _errors(hub, RETURN, variables, "returnTransfer", "vi")
    assert _codes(vietnamese) == _codes(english) == [("note", "INVALID")]
    assert english[0]["message"] == "say why, in 1–2000 characters"
    assert vietnamese[0]["message"] == "ghi rõ lý do, từ 1 đến 2000 ký tự"


async def test_a_coordination_refusal_is_vietnamese_when_asked_with_its_parameters(hub) -> None:
    variables = {"input": {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "subject": "", "body": "Nội dung"}}
    english = await _errors(hub, OPEN, variables, "openCoordinationRequest", None)
    vietnamese = await _errors(hub, OPEN, variables, "openCoordinationRequest", "vi")
    assert _codes(vietnamese) == _codes(english)
    assert ("subject", "INVALID") in _codes(english)
    pairs = zip([e["message"] for e in english], [v["message"] for v in vietnamese], strict=True)
    told = dict(zip(_codes(english), pairs, strict=True))
    assert told[("subject", "INVALID")] == ("a subject of 1–300 characters", "trích yếu dài từ 1 đến 300 ký tự")
    assert told[("period", "REQUIRED")] == ("the reporting period (from, to)", "ghi rõ kỳ báo cáo (từ ngày, đến ngày)")


async def test_responding_to_no_request_is_refused_in_vietnamese_with_the_same_code(hub) -> None:
    variables = {"id": "no-such-request"}
    english = await _errors(hub, RESPOND, variables, "respondToCoordinationRequest", None)
    vietnamese = await _errors(hub, RESPOND, variables, "respondToCoordinationRequest", "vi")
    assert _codes(vietnamese) == _codes(english) == [("id", "NOT_FOUND")]
    assert english[0]["message"] == "no such coordination request"
    assert vietnamese[0]["message"] == "không có yêu cầu phối hợp này"


async def test_a_procuracy_outside_its_supervision_is_told_in_vietnamese_which_procuracy_is_competent(hub) -> None:
    """A message with a message inside (whose supervision it is) is told in Vietnamese throughout."""
    procuracy = ("procuracy.ha-noi.kv01", Role.PROCURACY)
    fields = {
        "kind": "PROCURACY_REQUEST",
        "to": "enforcement.ho-chi-minh.kv01",
        "subject": "Văn bản",
        "body": "Nội dung",
    }
    english = await _errors(hub, OPEN, {"input": fields}, "openCoordinationRequest", None, procuracy)
    vietnamese = await _errors(hub, OPEN, {"input": fields}, "openCoordinationRequest", "vi", procuracy)
    assert _codes(vietnamese) == _codes(english) == [("to", "WRONG_ADDRESSEE")]
    assert " is supervised by " in english[0]["message"]
    assert "procuracy.ho-chi-minh.kv01" in vietnamese[0]["message"]
    assert " không kiểm sát " in vietnamese[0]["message"]
    assert " kiểm sát (Điều 28 Luật Tổ chức Viện kiểm sát nhân dân" in vietnamese[0]["message"]
    assert "supervise" not in vietnamese[0]["message"]


async def test_a_submission_refused_for_its_own_fields_is_told_in_vietnamese_with_the_same_codes(hub) -> None:
    court = ("court.ha-noi.kv03", Role.COURT_CLERK)
    signer = CourtSigner.new(court[0])
    variables = signer.signed_variables(signer.submission())
    variables["input"]["number"] = "not a number"
    english = await _errors(hub, SUBMIT, variables, "submitJudgment", None, court)
    vietnamese = await _errors(hub, SUBMIT, variables, "submitJudgment", "vi", court)
    assert _codes(vietnamese) == _codes(english) == [("number", "INVALID")]
    assert english[0]["message"] == "judgment number must look like 125/2026/DS-ST"
    assert vietnamese[0]["message"] == "số bản án, quyết định phải có dạng 125/2026/DS-ST"


async def _refusals(
    hub, query: str, variables: dict[str, Any], language: str | None, as_: tuple[str, Role] = CLERK
) -> list[dict[str, Any]]:
    """The ``errors`` of a request refused as a whole (or by field), as sent."""
    answer = await _post(hub, query, variables, language, as_)
    assert answer.get("errors"), answer
    return list(answer["errors"])


def _same_but_told(english: list[dict[str, Any]], vietnamese: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The refusals are the same but for their messages; the (English, Vietnamese) messages."""
    assert [{**e, "message": ""} for e in english] == [{**v, "message": ""} for v in vietnamese]
    return [(e["message"], v["message"]) for e, v in zip(english, vietnamese, strict=True)]


INBOX = "query ($office: ID!, $after: String) { inbox(office: $office, after: $after) { totalCount } }"


async def test_a_refusal_in_errors_is_vietnamese_when_asked_forbidden_and_bad_input_alike(hub) -> None:
    """Refusals of a field (FORBIDDEN, BAD_USER_INPUT) — not userErrors — are told from the catalogue too."""
    other = {"office": "enforcement.ha-noi.kv01"}
    told = _same_but_told(await _refusals(hub, INBOX, other, None), await _refusals(hub, INBOX, other, "vi"))
    assert told == [("an inbox is read by its own agency", "hộp thư đến chỉ do chính cơ quan nhận xem")]
    cursor = {"office": OFFICE, "after": "not a cursor"}
    english, vietnamese = await _refusals(hub, INBOX, cursor, None), await _refusals(hub, INBOX, cursor, "vi")
    ((said, told_vi),) = _same_but_told(english, vietnamese)
    assert english[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "pass back an endCursor this API returned" in said  # the API's own term, not end_cursor
    assert told_vi.startswith("con trỏ trang 'not a cursor' không hợp lệ")


async def test_graphql_validation_refusals_are_vietnamese_when_asked_with_the_same_code_and_locations(hub) -> None:
    query = "{ agencies { nam } }"
    english, vietnamese = await _refusals(hub, query, {}, None), await _refusals(hub, query, {}, "vi")
    ((said, told),) = _same_but_told(english, vietnamese)
    assert english[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert said.startswith("Cannot query field 'nam' on type 'Agency'.")
    assert told.startswith("Kiểu 'Agency' không có trường 'nam'.")


async def test_an_unknown_province_is_told_in_vietnamese_with_the_closest_matches(hub) -> None:
    query = "query ($p: String!) { agencies(province: $p) { code } }"
    english = await _refusals(hub, query, {"p": "Ha Nọi xyz"}, None)
    vietnamese = await _refusals(hub, query, {"p": "Ha Nọi xyz"}, "vi")
    ((said, told),) = _same_but_told(english, vietnamese)
    assert said.startswith("unknown province 'Ha Nọi xyz'")
    assert told.startswith("không có tỉnh, thành phố 'Ha Nọi xyz'")
    assert "Tỉnh, thành phố được ghi bằng mã (ha-noi)" in told


async def test_a_control_character_is_refused_in_vietnamese_naming_the_field(hub) -> None:
    fields = {"kind": "PERIODIC_REPORT", "to": PROVINCIAL, "subject": "Báo cáo\u0007", "body": "Nội dung"}
    english = await _errors(hub, OPEN, {"input": fields}, "openCoordinationRequest", None)
    vietnamese = await _errors(hub, OPEN, {"input": fields}, "openCoordinationRequest", "vi")
    assert _codes(vietnamese) == _codes(english) == [("subject", "INVALID")]
    assert english[0]["message"] == (
        "subject: text may not contain the control character U+0007 (only tab and line breaks)"
    )
    assert vietnamese[0]["message"] == (
        "subject: văn bản không được chứa ký tự điều khiển U+0007 (chỉ được dùng tab và xuống dòng)"
    )


async def test_a_refusal_before_graphql_is_vietnamese_when_asked_with_the_same_status_and_code(hub) -> None:
    """The HTTP surface's own refusals (here 415, a body that is not JSON) are told from the catalogue too."""

    async def refused(language: str | None) -> tuple[int, dict[str, Any]]:
        headers = {
            "Authorization": f"Bearer {hub.token(CLERK[0], [CLERK[1]])}",
            "Content-Type": "text/plain",
            **({"Accept-Language": language} if language else {}),
        }
        if isinstance(hub.http, httpx.AsyncClient):
            response = await hub.http.post(f"{hub.url}/graphql", content=b"{ agencies { code } }", headers=headers)
            return response.status_code, json.loads(response.content)
        async with hub.http.post(f"{hub.url}/graphql", data=b"{ agencies { code } }", headers=headers) as response:
            return response.status, await response.json(content_type=None)

    (status, english), (status_vi, vietnamese) = await refused(None), await refused("vi")
    assert status == status_vi == 415
    [said], [told] = english["errors"], vietnamese["errors"]
    assert said["extensions"] == told["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}
    assert said["message"] == "POST /graphql needs Content-Type: application/json (got text/plain)."
    assert told["message"] == "POST /graphql cần Content-Type: application/json (nhận được text/plain)."


async def test_plain_text_refusals_and_bounds_on_the_text_are_vietnamese_when_asked(hub) -> None:
    """Refusals that pass through plain-text layers (a subscription over HTTP) or never reach the schema
    (a document deeper than allowed) are told from the catalogue like the rest, with the same code."""
    subscription = 'subscription { transferEvents(office: "x") { kind } }'
    deep = "{ " + "agencies { parent { " * 20 + "code" + " }" * 40 + " }"
    for query, english_start, vietnamese_start in (
        (subscription, "Subscriptions are served over WebSocket", "Đăng ký theo dõi (subscription) được phục vụ"),
        (deep, "'anonymous' exceeds maximum operation depth", "'anonymous' vượt quá độ sâu tối đa"),
    ):
        english = await _post(hub, query, {}, None)
        vietnamese = await _post(hub, query, {}, "vi")
        [said], [told] = english["errors"], vietnamese["errors"]
        assert said["extensions"] == told["extensions"], (said, told)
        assert said["message"].startswith(english_start), said
        assert told["message"].startswith(vietnamese_start), told
