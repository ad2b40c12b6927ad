"""Text as people write it (issue 22): every string argument enters as NFC, with line feeds, and no control characters.

A decomposed (NFD) subject was stored and returned decomposed, and "Ấ"×300 was accepted composed but
refused decomposed (its length counted code points); NUL and BEL were stored. Now one extension
(schema/input_boundary.py) normalises every String and ID argument where it enters and refuses a
control character naming the field. Each test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st

from domain.access import Role
from domain.clock import Clock
from gateway import commands
from tests.support.court_client import SUBMIT, CourtSigner, replace
from tests.support.examples import generated
from tests.support.ws_client import Error

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv03"
PROVINCIAL = "enforcement.ha-noi"
OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) { userErrors { field code message } request { id subject body } }
}
"""
READ = "query ($id: ID!) { coordinationRequest(id: $id) { subject body } }"
PARTY = "query ($p: String) { judgments(first: 100, filter: {party: $p}) { totalCount } }"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture
async def office(hub):
    return hub.client(await hub.person_token(OFFICE, [Role.ENFORCEMENT_CLERK], "Lê Thị Hoa"))


@pytest.fixture
def ministry(hub):
    return hub.client(hub.token("ministry.justice", [Role.MINISTRY]))


def _report(subject: str, body: str = "Số việc thụ lý, số việc xong.") -> dict[str, Any]:
    today = Clock().today()
    return {
        "kind": "PERIODIC_REPORT",
        "to": PROVINCIAL,
        "subject": subject,
        "body": body,
        "periodFrom": (today - timedelta(days=30)).isoformat(),
        "periodTo": today.isoformat(),
    }


async def _open(office, subject: str, body: str = "Số việc thụ lý, số việc xong.") -> dict[str, Any]:
    answer = await office(OPEN, {"input": _report(subject, body)})
    assert answer.errors == [], answer.body
    payload: dict[str, Any] = answer.data["openCoordinationRequest"]
    return payload


async def test_a_decomposed_subject_is_stored_and_returned_composed(office):
    subject = "Báo cáo kết quả thi hành án dân sự tháng Mười Một"
    assert nfd(subject) != subject
    payload = await _open(office, nfd(subject), nfd("Đề nghị tổng hợp số liệu"))
    assert payload["userErrors"] == []
    assert payload["request"]["subject"] == subject
    read = await office(READ, {"id": payload["request"]["id"]})
    assert read.data["coordinationRequest"] == {"subject": subject, "body": "Đề nghị tổng hợp số liệu"}


async def test_three_hundred_decomposed_letters_are_accepted_like_composed_ones(office):
    composed = "Ấ" * 300
    assert len(nfd(composed)) == 900
    for subject in (composed, nfd(composed)):
        payload = await _open(office, subject)
        assert payload["userErrors"] == [], payload
        assert payload["request"]["subject"] == composed
    for subject in ("Ấ" * 301, nfd("Ấ" * 301)):
        payload = await _open(office, subject)
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("subject", "INVALID")]


@pytest.mark.parametrize(
    ("character", "code"), [("\x00", "U+0000"), ("\x07", "U+0007"), ("\x7f", "U+007F"), ("\x85", "U+0085")]
)
async def test_a_control_character_in_a_subject_is_refused_naming_the_field(hub, office, character, code):
    before = await hub.audit_chain()
    payload = await _open(office, f"Báo cáo{character} tháng")
    assert payload == {
        "request": None,
        "userErrors": [
            {
                "field": "subject",
                "code": "INVALID",
                "message": f"subject: text may not contain the control character {code} (only tab and line breaks)",
            }
        ],
    }
    assert (await hub.audit_chain()).last_seq == before.last_seq


async def test_bel_in_a_read_is_bad_user_input_naming_the_argument(ministry):
    answer = await ministry(PARTY, {"p": "Nguyễn\x07"})
    assert answer.errors == [
        {
            "message": "filter.party: text may not contain the control character U+0007 (only tab and line breaks)",
            "extensions": {"code": "BAD_USER_INPUT", "field": "filter.party"},
        }
    ]
    assert "data" not in answer.body


async def test_a_subscription_with_nul_in_its_cursor_is_refused_naming_the_argument(hub):
    document = "subscription ($a: ID!, $after: String) { coordinationEvents(agency: $a, after: $after) { cursor } }"
    async with hub.websocket(token=hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])) as ws:
        message = await (await ws.subscribe(document, {"a": OFFICE, "after": "1\x00"})).receive()
        assert isinstance(message, Error), message
        assert [e["extensions"] for e in message.errors] == [{"code": "BAD_USER_INPUT", "field": "after"}]
        await ws.ping()  # the connection stays usable


async def test_a_textarea_s_crlf_is_kept_as_line_feeds_and_tabs_stay(office):
    payload = await _open(office, "Báo cáo\ttháng", "Dòng một\r\nDòng hai\rDòng ba")
    assert payload["userErrors"] == []
    assert payload["request"]["subject"] == "Báo cáo\ttháng"
    assert payload["request"]["body"] == "Dòng một\nDòng hai\nDòng ba"


async def test_a_decomposed_literal_in_the_document_is_composed_too(office):
    document = (
        'mutation { openCoordinationRequest(input: {kind: PERIODIC_REPORT, to: "%s", subject: "Ba\\u0301o ca\\u0301o",'
        ' body: "Nội dung", periodFrom: "%s", periodTo: "%s"}) { userErrors { field } request { subject } } }'
    )
    today = Clock().today()
    answer = await office(document % (PROVINCIAL, (today - timedelta(days=3)).isoformat(), today.isoformat()))
    assert answer.errors == [], answer.body
    assert answer.data["openCoordinationRequest"]["request"]["subject"] == "Báo cáo"


async def test_a_court_s_signed_summary_keeps_its_crlf_since_the_signature_covers_it(hub):
    """Signed content is only NFC-normalised (as canonical JSON is): a CRLF made LF would break the signature."""
    signer = CourtSigner.new("court.ha-noi.kv03")
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    submission = replace(signer.submission(), summary="Buộc bị đơn trả nợ.\r\nÁn phí do bị đơn chịu.")
    court = hub.client(hub.token(signer.court, [Role.COURT_CLERK]))
    answer = await court(SUBMIT, signer.signed_variables(submission))
    assert answer.errors == [], answer.body
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == [], payload  # a summary made LF would not verify: SIGNATURE
    assert payload["transfer"]["status"] is not None


# The property: any text and its decomposition are one and the same to the hub.

LETTERS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐbcdghklmnqrstvx "
MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # the five Vietnamese tones, or none
NAMES = ["Nguyễn", "Trần Thị", "Lê Văn", "Phạm", "Hoàng", "Đặng", "Vũ Thị Hồng", "Bùi"]


@st.composite
def vietnamese(draw: st.DrawFn, max_letters: int = 40) -> str:
    """NFC text of Vietnamese letters with tones: the composed form of what a keyboard may send decomposed."""
    letters = draw(
        st.lists(st.tuples(st.sampled_from(LETTERS), st.sampled_from(MARKS)), min_size=1, max_size=max_letters)
    )
    return nfc("".join(letter + (mark if letter != " " else "") for letter, mark in letters))


@st.composite
def subjects(draw: st.DrawFn) -> str:
    """Around the 300-character bound half the time, so the length verdict is tested on both sides."""
    word = draw(vietnamese(max_letters=8)).strip() or "Ấ"
    if draw(st.booleans()):
        return (word * (300 // len(word) + 2))[: draw(st.integers(295, 305))]
    return draw(vietnamese())


async def test_nfd_and_nfc_of_the_same_text_give_the_same_stored_value_verdict_and_search(office, ministry):
    for subject in generated(subjects(), 12, seed=22):
        composed, decomposed = await _open(office, subject), await _open(office, nfd(subject))
        verdicts = [(e["field"], e["code"]) for e in composed["userErrors"]]
        assert verdicts == [(e["field"], e["code"]) for e in decomposed["userErrors"]], subject
        assert (verdicts == []) == (subject.strip() != "" and len(subject) <= 300), subject
        if not verdicts:
            assert composed["request"]["subject"] == decomposed["request"]["subject"] == subject
    names = generated(st.one_of(st.sampled_from(NAMES), vietnamese(max_letters=6)), 12, seed=22)
    for name in [*NAMES, *names]:
        counts = [(await ministry(PARTY, {"p": text})).data["judgments"]["totalCount"] for text in (name, nfd(name))]
        assert counts[0] == counts[1], name
