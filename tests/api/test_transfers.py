"""Electronic transfer over HTTP: submit, receipt, idempotency, typed refusals, acknowledgement.

Each test runs with the hub on SQLite and on PostgreSQL (tests/fixtures/hub.py).
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.access import Role
from domain.clock import Clock
from domain.receipts import verify_receipt
from domain.signatures import public_key_from_b64
from domain.types import Party, PartyKind, PartyRole
from gateway import commands
from ledger.db import create_engine, session_factory
from ledger.events import last_cursor
from tests.support.court_client import SUBMIT, CourtSigner, document

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv02"
OFFICE = "enforcement.ha-noi.kv02"

TRANSFER = """
query ($id: ID!) { transfer(id: $id) { id status registerNumber registerYear judgment { id status } } }
"""
ACK = """
mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { id status registerNumber registerYear } } }
"""
INBOX = """
query ($office: ID!, $after: String) { inbox(office: $office, first: 200, after: $after) {
  edges { node { id status } } pageInfo { hasNextPage endCursor } } }
"""


@pytest.fixture
async def signer(hub):
    court = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, court.court, court.public_key)
    return court


@pytest.fixture
def court_gql(hub):
    return hub.client(hub.token(COURT, [Role.COURT_CLERK]))


@pytest.fixture
def office_gql(hub):
    return hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))


async def _hub_public_key(hub):
    response = await hub.http.get("/receipts/public-key")
    return response.json()["publicKey"]


class TestSubmitJudgment:
    async def test_a_valid_submission_is_routed_and_gets_a_receipt_that_verifies(
        self, hub, signer, court_gql, tmp_path
    ):
        answer = await court_gql(SUBMIT, signer.signed_variables(signer.submission()))

        payload = answer.data["submitJudgment"]
        assert payload["userErrors"] == []
        transfer = payload["transfer"]
        assert transfer["status"] == "SUBMITTED"
        assert transfer["enforcementAgency"]["code"] == "enforcement.ha-noi"
        assert transfer["registerOffice"]["code"] == OFFICE
        receipt = transfer["receipt"]
        public_key = await _hub_public_key(hub)
        assert verify_receipt(receipt["json"], receipt["signature"], public_key_from_b64(public_key))
        assert json.loads(receipt["json"])["transferId"] == transfer["id"]
        tampered = receipt["json"].replace(transfer["id"], "00000000-0000-0000-0000-000000000000")
        assert not verify_receipt(tampered, receipt["signature"], public_key_from_b64(public_key))

        receipt_file = tmp_path / "receipt.json"
        receipt_file.write_text(
            json.dumps({"json": receipt["json"], "signature": receipt["signature"]}), encoding="utf-8"
        )
        cli = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "verify-receipt", str(receipt_file), "--public-key", public_key],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (cli.returncode, cli.stdout.strip()) == (0, "receipt verifies")

    async def test_repeat_submission_returns_the_original_receipt(self, signer, court_gql):
        variables = signer.signed_variables(signer.submission())
        first = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        again = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert first["replayed"] is False
        assert again["replayed"] is True
        assert again["transfer"]["id"] == first["transfer"]["id"]
        assert again["transfer"]["receipt"] == first["transfer"]["receipt"]

    async def test_same_number_with_different_content_is_a_conflict(self, signer, court_gql):
        original = signer.submission()
        await court_gql(SUBMIT, signer.signed_variables(original))
        changed = replace(original, summary="Nội dung khác")
        payload = (await court_gql(SUBMIT, signer.signed_variables(changed))).data["submitJudgment"]
        assert payload["transfer"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["CONFLICT"]

    async def test_the_court_sees_its_submission_and_the_judgment_is_registered(self, signer, court_gql):
        s = signer.submission()
        transfer = (await court_gql(SUBMIT, signer.signed_variables(s))).data["submitJudgment"]["transfer"]
        seen = (await court_gql(TRANSFER, {"id": transfer["id"]})).data["transfer"]
        assert seen["status"] == "SUBMITTED"
        assert seen["judgment"]["id"] == str(s.key)


def _bad_inputs():
    today = Clock().today()

    def future(s, signer):
        s = replace(s, effective_on=today + timedelta(days=2), adjudicated_on=today)
        return signer.signed_variables(s)

    def bad_signature(s, signer):
        v = signer.signed_variables(s)
        v["input"]["signature"] = CourtSigner.new(s.court_code).sign(s)
        return v

    def wrong_hash(s, signer):
        _, content = document("some other document")
        return signer.signed_variables(s, content_base64=content)

    def oversized(s, signer):
        return signer.signed_variables(s, content_base64=base64.b64encode(b"\0" * (2 * 1024 * 1024 + 1)).decode())

    def malformed_citizen_id(s, signer):
        party = Party("Trần Thị Bình", PartyRole.DEBTOR, PartyKind.INDIVIDUAL, "Hà Nội", citizen_id="12345")
        return signer.signed_variables(replace(s, parties=(*s.parties, party)))

    def another_courts_name(s, signer):
        other = replace(s, court_code="court.ha-noi.kv03")
        return signer.signed_variables(other)

    return [
        pytest.param(future, "FUTURE_EFFECTIVE_DATE", id="future-effective-date"),
        pytest.param(bad_signature, "BAD_SIGNATURE", id="bad-signature"),
        pytest.param(wrong_hash, "DOCUMENT_HASH_MISMATCH", id="wrong-hash"),
        pytest.param(oversized, "PAYLOAD_TOO_LARGE", id="oversized-payload"),
        pytest.param(malformed_citizen_id, "MALFORMED_CITIZEN_ID", id="malformed-citizen-id"),
        pytest.param(another_courts_name, "NOT_YOUR_COURT", id="another-courts-name"),
    ]


class TestBadSubmissions:
    @pytest.mark.parametrize(("spoil", "code"), _bad_inputs())
    async def test_is_a_typed_user_error_and_writes_nothing(self, hub, signer, court_gql, spoil, code):
        s = signer.submission()
        answer = await court_gql(SUBMIT, spoil(s, signer))
        assert answer.status == 200
        assert answer.errors == []
        payload = answer.data["submitJudgment"]
        assert payload["transfer"] is None
        assert code in [e["code"] for e in payload["userErrors"]]
        ministry = hub.client(hub.token("ministry.justice", [Role.MINISTRY]))
        registered = await ministry("query ($id: ID!) { judgment(id: $id) { id } }", {"id": str(s.key)})
        assert registered.data == {"judgment": None}

    @pytest.mark.parametrize("amount", ["abc", "０１２", "+100", "1e6", 1.5, True])
    async def test_an_amount_that_is_not_ascii_digits_is_bad_user_input_and_writes_nothing(
        self, hub, signer, court_gql, amount
    ):
        s = signer.submission()
        variables = signer.signed_variables(s)
        variables["input"]["obligations"][0]["amount"] = amount
        answer = await court_gql(SUBMIT, variables)
        assert answer.codes() == {"BAD_USER_INPUT"}, answer.body
        assert "VND must be a string of digits 0-9" in answer.errors[0]["message"]
        ministry = hub.client(hub.token("ministry.justice", [Role.MINISTRY]))
        registered = await ministry("query ($id: ID!) { judgment(id: $id) { id } }", {"id": str(s.key)})
        assert registered.data == {"judgment": None}

    @pytest.mark.parametrize(
        "literal", ['"abc"', '"０１２"', "1.5", "true", pytest.param("1" + "0" * 4_999, id="5000-digit-integer")]
    )
    async def test_an_amount_written_in_the_document_is_refused_the_same_way(self, court_gql, literal):
        """It was an INTERNAL_SERVER_ERROR: the scalar's ValueError was masked as an internal fault.

        An integer literal of 4,301 digits or more too (the mutation fuzz found it): ``int()`` refuses its text.
        """
        document = (
            'mutation { submitJudgment(input: {court: "court.ha-noi.kv02", number: "1/2026/DS-ST", caseType: DS, '
            'instance: ST, adjudicatedOn: "2026-01-02", effectiveOn: "2026-01-05", summary: "x", '
            'document: {name: "a", sha256: "00"}, parties: [], obligations: [{kind: PAYMENT, description: "d", '
            f'exOfficio: false, amount: {literal}}}], signature: "s"}}) {{ userErrors {{ code }} }} }}'
        )
        answer = await court_gql(document)
        assert "data" not in answer.body  # refused before anything ran
        assert answer.codes() == {"BAD_USER_INPUT"}, answer.body

    async def test_a_judgment_of_the_year_one_is_refused_and_writes_nothing(self, hub, signer, court_gql):
        s = signer.submission()
        serial, _, kind = s.number.split("/")
        slip = replace(s, number=f"{serial}/0001/{kind}", adjudicated_on=date(1, 1, 5))
        payload = (await court_gql(SUBMIT, signer.signed_variables(slip))).data["submitJudgment"]
        assert payload["transfer"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("adjudicatedOn", "INVALID")]
        ministry = hub.client(hub.token("ministry.justice", [Role.MINISTRY]))
        registered = await ministry("query ($id: ID!) { judgment(id: $id) { id } }", {"id": str(slip.key)})
        assert registered.data == {"judgment": None}

    async def test_a_token_of_an_unknown_court_is_refused_before_anything_is_read(self, hub):
        stranger = CourtSigner.new("court.nowhere")
        client = hub.client(hub.token("court.nowhere", [Role.COURT_CLERK]))
        answer = await client(SUBMIT, stranger.signed_variables(stranger.submission()))
        assert answer.status == 401
        assert "unknown agency court.nowhere" in answer.errors[0]["message"]

    async def test_a_court_without_a_registered_key_is_refused(self, hub):
        court = "court.lao-cai.kv02"  # a court no test registers a key for (the hub is shared by the worker's tests)
        unregistered = CourtSigner.new(court)
        client = hub.client(hub.token(court, [Role.COURT_CLERK]))
        payload = (await client(SUBMIT, unregistered.signed_variables(unregistered.submission()))).data[
            "submitJudgment"
        ]
        assert [e["code"] for e in payload["userErrors"]] == ["UNKNOWN_KEY"]

    async def test_submitting_needs_the_court_clerk_role(self, hub, signer):
        client = hub.client(hub.token(COURT, [Role.PROCURACY]))
        answer = await client(SUBMIT, signer.signed_variables(signer.submission()))
        assert answer.codes() == {"FORBIDDEN"}


class TestAcknowledgeTransfer:
    async def test_gives_a_register_number_once_and_the_court_sees_the_change(self, signer, court_gql, office_gql):
        transfer = (await court_gql(SUBMIT, signer.signed_variables(signer.submission()))).data["submitJudgment"][
            "transfer"
        ]

        first = (await office_gql(ACK, {"id": transfer["id"]})).data["acknowledgeTransfer"]["transfer"]
        again = (await office_gql(ACK, {"id": transfer["id"]})).data["acknowledgeTransfer"]["transfer"]

        assert first["status"] == "ACKNOWLEDGED"
        assert first["registerNumber"] >= 1
        assert again["registerNumber"] == first["registerNumber"]
        seen = (await court_gql(TRANSFER, {"id": transfer["id"]})).data["transfer"]
        assert (seen["status"], seen["registerNumber"]) == ("ACKNOWLEDGED", first["registerNumber"])

    async def test_another_agency_cannot_acknowledge_and_learns_nothing(self, hub, signer, court_gql):
        transfer = (await court_gql(SUBMIT, signer.signed_variables(signer.submission()))).data["submitJudgment"][
            "transfer"
        ]
        stranger = hub.client(hub.token("enforcement.son-la.kv01", [Role.ENFORCEMENT_CLERK]))
        payload = (await stranger(ACK, {"id": transfer["id"]})).data["acknowledgeTransfer"]
        assert payload == {"userErrors": [{"code": "NOT_FOUND"}], "transfer": None}
        assert (await stranger(TRANSFER, {"id": transfer["id"]})).data == {"transfer": None}

    async def test_200_concurrent_acknowledgements_number_the_register_1_to_200(self, hub):
        court, office = "court.son-la.kv02", "enforcement.son-la.kv02"
        signer = CourtSigner.new(court)
        await commands.keys_add(hub.settings, court, signer.public_key)
        court_client = hub.client(hub.token(court, [Role.COURT_CLERK]))
        office_client = hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))
        ids = []
        for _ in range(200):
            payload = (await court_client(SUBMIT, signer.signed_variables(signer.submission()))).data["submitJudgment"]
            assert payload["userErrors"] == []
            ids.append(payload["transfer"]["id"])

        answers = await asyncio.gather(*(office_client(ACK, {"id": i}, timeout=120) for i in ids))

        numbers = sorted(a.data["acknowledgeTransfer"]["transfer"]["registerNumber"] for a in answers)
        assert numbers == list(range(1, 201))
        # a colleague reads the inbox: the office's system has just spent its burst of 200 requests (rate limit)
        colleague = hub.client(await hub.person_token(office, [Role.ENFORCEMENT_CLERK], "son-la.kv02.colleague"))
        answer = await colleague(INBOX, {"office": office})
        assert answer.status == 200, answer.body
        inbox = answer.data["inbox"]
        assert {e["node"]["status"] for e in inbox["edges"]} == {"ACKNOWLEDGED"}
        assert len(inbox["edges"]) == 200


RETURN = """
mutation ($id: ID!, $reason: ReturnReason!, $note: String!, $to: ID) {
  returnTransfer(id: $id, reason: $reason, note: $note, redirectTo: $to) {
    userErrors { field code }
    transfer { id status registerOffice { code } lastReturn { reason note } }
  }
}
"""
DECIDE = """
mutation ($id: ID!, $number: String!, $on: Date!) {
  recordEnforcementDecision(id: $id, number: $number, issuedOn: $on, kind: EX_OFFICIO, officer: "Trần Thị Bình") {
    userErrors { field code }
    transfer { id status decision { number issuedOn kind officer } }
  }
}
"""


async def _submitted(signer, court_gql):
    return (await court_gql(SUBMIT, signer.signed_variables(signer.submission()))).data["submitJudgment"]["transfer"][
        "id"
    ]


class TestReturnTransfer:
    async def test_wrong_agency_moves_the_transfer_to_the_named_office(self, hub, signer, court_gql, office_gql):
        transfer_id = await _submitted(signer, court_gql)
        right = "enforcement.ha-noi.kv05"

        payload = (
            await office_gql(
                RETURN, {"id": transfer_id, "reason": "WRONG_AGENCY", "note": "Không thuộc địa bàn", "to": right}
            )
        ).data["returnTransfer"]

        assert payload["userErrors"] == []
        assert payload["transfer"]["status"] == "SUBMITTED"
        assert payload["transfer"]["registerOffice"]["code"] == right
        assert payload["transfer"]["lastReturn"] == {"reason": "WRONG_AGENCY", "note": "Không thuộc địa bàn"}
        new_office = hub.client(hub.token(right, [Role.ENFORCEMENT_CLERK]))
        acknowledged = (await new_office(ACK, {"id": transfer_id})).data["acknowledgeTransfer"]["transfer"]
        assert acknowledged["status"] == "ACKNOWLEDGED"
        assert (await office_gql(TRANSFER, {"id": transfer_id})).data == {"transfer": None}

    async def test_unclear_waits_for_the_court_which_sees_why(self, signer, court_gql, office_gql):
        transfer_id = await _submitted(signer, court_gql)
        await office_gql(ACK, {"id": transfer_id})
        payload = (
            await office_gql(RETURN, {"id": transfer_id, "reason": "UNCLEAR", "note": "Chưa rõ tài sản kê biên"})
        ).data
        assert payload["returnTransfer"]["transfer"]["status"] == "RETURNED"
        seen = (await court_gql(TRANSFER, {"id": transfer_id})).data["transfer"]
        assert seen["status"] == "RETURNED"

    async def test_wrong_agency_without_a_destination_is_a_user_error(self, signer, court_gql, office_gql):
        transfer_id = await _submitted(signer, court_gql)
        payload = (await office_gql(RETURN, {"id": transfer_id, "reason": "WRONG_AGENCY", "note": "x"})).data[
            "returnTransfer"
        ]
        assert payload == {"userErrors": [{"field": "redirectTo", "code": "REQUIRED"}], "transfer": None}


class TestRecordEnforcementDecision:
    async def test_a_registered_transfer_gets_its_decision(self, signer, court_gql, office_gql):
        transfer_id = await _submitted(signer, court_gql)
        today = Clock().today().isoformat()
        early = (await office_gql(DECIDE, {"id": transfer_id, "number": "45/QĐ-THADS", "on": today})).data
        assert early["recordEnforcementDecision"]["userErrors"] == [{"field": "id", "code": "INVALID_STATE"}]

        await office_gql(ACK, {"id": transfer_id})
        payload = (await office_gql(DECIDE, {"id": transfer_id, "number": "45/QĐ-THADS", "on": today})).data

        transfer = payload["recordEnforcementDecision"]["transfer"]
        assert transfer["status"] == "DECIDED"
        assert transfer["decision"] == {
            "number": "45/QĐ-THADS",
            "issuedOn": today,
            "kind": "EX_OFFICIO",
            "officer": "Trần Thị Bình",
        }
        seen = (await court_gql(TRANSFER, {"id": transfer_id})).data["transfer"]
        assert seen["status"] == "DECIDED"


class TestDeadlines:
    QUERY = """
    query ($id: ID!) { transfer(id: $id) { deadlines { key legalBasis dueOn state } } }
    """

    async def test_a_fresh_transfer_shows_its_deadlines_with_their_legal_basis(self, signer, court_gql, office_gql):
        transfer_id = await _submitted(signer, court_gql)
        deadlines = {
            d["key"]: d for d in (await court_gql(self.QUERY, {"id": transfer_id})).data["transfer"]["deadlines"]
        }
        assert deadlines["court_transfer"]["state"] == "MET"  # effective 3 days ago, received now: within 30 days
        assert deadlines["decision_ex_officio"]["state"] == "PENDING"
        assert deadlines["decision_ex_officio"]["dueOn"] > Clock().today().isoformat()
        assert all(d["legalBasis"] for d in deadlines.values())

        await office_gql(ACK, {"id": transfer_id})
        await office_gql(DECIDE, {"id": transfer_id, "number": "7/QĐ-THADS", "on": Clock().today().isoformat()})
        decided = {
            d["key"]: d["state"]
            for d in (await court_gql(self.QUERY, {"id": transfer_id})).data["transfer"]["deadlines"]
        }
        assert decided["decision_ex_officio"] == "MET"
        assert decided["assign_officer"] == "MET"


class TestSupervisionCopy:
    EVENTS = """
    subscription ($office: ID!, $after: String) { transferEvents(office: $office, after: $after) { kind transferId } }
    """

    async def test_the_area_procuracy_receives_the_transfer_live_and_can_read_it(self, hub, signer, court_gql):
        procuracy = "procuracy.ha-noi.kv02"
        token = hub.token(procuracy, [Role.PROCURACY])
        engine = create_engine(hub.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                now = await last_cursor(session)
        finally:
            await engine.dispose()
        async with hub.websocket(token=token) as ws:
            subscription = await ws.subscribe(self.EVENTS, {"office": procuracy, "after": str(now)})
            transfer_id = await _submitted(signer, court_gql)
            event = (await subscription.next_data(timeout=15))["transferEvents"]
        assert event == {"kind": "SUBMITTED", "transferId": transfer_id}
        seen = (await hub.client(token)(TRANSFER, {"id": transfer_id})).data["transfer"]
        assert seen["id"] == transfer_id
