"""A judgment that came by ``submitJudgment`` reads as the court signed it (issue 14).

The reference court system does not hold the judgments a court submits through the hub
(as a court whose system only sends would not): the signed submission is the record of
their parties and obligations. What an agency system does not hold is said in ``errors``
(AGENCY_NO_RECORD), except an enforcement case before the agency has accepted the
judgment, which cannot exist yet. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import select

from domain.access import Role
from domain.submission import Submission
from gateway import commands
from ledger.db import create_engine, session_factory
from ledger.models import AuditRow
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv02"
OFFICE = "enforcement.ha-noi.kv02"
PROCURACY = "procuracy.ha-noi.kv02"

ACK = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { status } } }"


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


async def _submit(signer: CourtSigner, court_gql: Any) -> tuple[Submission, str]:
    """A fresh signed submission, sent; (what was signed, the transfer id)."""
    s = signer.submission()
    payload = (await court_gql(SUBMIT, signer.signed_variables(s))).data["submitJudgment"]
    assert payload["userErrors"] == [], payload
    return s, payload["transfer"]["id"]


def _masked(citizen_id: str | None) -> str | None:
    return None if citizen_id is None else "********" + citizen_id[-4:]


def signed_parties(s: Submission, *, masked: bool = False) -> list[dict[str, Any]]:
    """The parties as the court signed them, in the API's shape (citizen IDs masked if ``masked``)."""
    return [
        {
            "name": p.name,
            "role": p.role.name,
            "kind": p.kind.name,
            "address": p.address,
            "citizenId": _masked(p.citizen_id) if masked else p.citizen_id,
            "taxCode": p.tax_code,
        }
        for p in s.parties
    ]


def signed_obligations(s: Submission) -> list[dict[str, Any]]:
    return [
        {
            "kind": o.kind.name,
            "description": o.description,
            "exOfficio": o.ex_officio,
            "amount": None if o.amount is None else str(o.amount),
            "beneficiary": o.beneficiary,
        }
        for o in s.obligations
    ]


class TestPartiesAndObligations:
    QUERY = """
    query ($id: ID!) { judgment(id: $id) {
      id
      parties { name role kind address citizenId taxCode }
      obligations { kind description exOfficio amount beneficiary }
    } }
    """
    PAGE = """
    query ($f: JudgmentFilter) { judgments(first: 100, filter: $f) { edges { node {
      id parties { name role kind address citizenId taxCode } obligations { kind description exOfficio amount beneficiary }
    } } } }
    """

    async def test_are_what_the_court_signed(self, signer, court_gql):
        s, _ = await _submit(signer, court_gql)

        answer = await court_gql(self.QUERY, {"id": str(s.key)})

        assert answer.errors == [], answer.body
        judgment = answer.data["judgment"]
        assert judgment["parties"] == signed_parties(s)
        assert judgment["obligations"] == signed_obligations(s)

    async def test_citizen_ids_are_in_clear_for_the_office_and_masked_for_the_procuracy_and_ministry(
        self, hub, signer, court_gql, office_gql, ministry_gql
    ):
        s, _ = await _submit(signer, court_gql)
        procuracy = hub.client(hub.token(PROCURACY, [Role.PROCURACY]))

        seen = {
            who: (await client(self.QUERY, {"id": str(s.key)})).data["judgment"]["parties"]
            for who, client in (("office", office_gql), ("procuracy", procuracy), ("ministry", ministry_gql))
        }

        assert any(p.citizen_id for p in s.parties)
        assert seen == {
            "office": signed_parties(s),
            "procuracy": signed_parties(s, masked=True),
            "ministry": signed_parties(s, masked=True),
        }

    async def test_a_page_of_judgments_shows_them_as_signed(self, signer, court_gql):
        s, _ = await _submit(signer, court_gql)
        day = s.effective_on.isoformat()

        answer = await court_gql(self.PAGE, {"f": {"court": COURT, "effectiveFrom": day, "effectiveTo": day}})

        assert answer.errors == [], answer.body
        nodes = {e["node"]["id"]: e["node"] for e in answer.data["judgments"]["edges"]}
        assert nodes[str(s.key)]["parties"] == signed_parties(s)
        assert nodes[str(s.key)]["obligations"] == signed_obligations(s)

    async def test_the_signed_record_is_served_without_asking_the_court_system(
        self, signer, court_gql, agency_topology
    ):
        s, _ = await _submit(signer, court_gql)
        await agency_topology.court.reset_stats()

        answer = await court_gql(self.QUERY, {"id": str(s.key)})

        assert answer.errors == [], answer.body
        assert answer.data["judgment"]["parties"] == signed_parties(s)
        assert (await agency_topology.court.stats())["tong"] == 0

    async def test_reading_the_parties_is_in_the_audit_trail(self, hub, signer, court_gql, office_gql):
        s, _ = await _submit(signer, court_gql)
        assert str(s.key) not in await _audited_party_reads(hub, OFFICE)

        answer = await office_gql(self.QUERY, {"id": str(s.key)})

        assert answer.data["judgment"]["parties"] == signed_parties(s)
        assert str(s.key) in await _audited_party_reads(hub, OFFICE)


async def _audited_party_reads(hub: Any, agency: str) -> set[str]:
    """The judgments whose parties the audit trail says ``agency`` has read."""
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.scalars(
                select(AuditRow).where(AuditRow.operation == "read:judgment.parties", AuditRow.agency_code == agency)
            )
            return {judgment_id for row in rows for judgment_id in orjson.loads(row.object_ids)}
    finally:
        await engine.dispose()


class TestEnforcementCase:
    QUERY = "query ($id: ID!) { judgment(id: $id) { id status enforcementCase { caseNumber status } } }"

    async def test_is_null_without_an_error_before_the_agency_accepts_the_judgment(self, signer, court_gql):
        s, _ = await _submit(signer, court_gql)

        answer = await court_gql(self.QUERY, {"id": str(s.key)})

        assert answer.body == {"data": {"judgment": {"id": str(s.key), "status": "submitted", "enforcementCase": None}}}

    async def test_is_null_with_agency_no_record_once_accepted_when_the_agency_system_has_no_case(
        self, signer, court_gql, office_gql
    ):
        s, transfer_id = await _submit(signer, court_gql)
        acknowledged = (await office_gql(ACK, {"id": transfer_id})).data["acknowledgeTransfer"]
        assert acknowledged["transfer"]["status"] == "ACKNOWLEDGED"

        answer = await court_gql(self.QUERY, {"id": str(s.key)})

        assert answer.data == {"judgment": {"id": str(s.key), "status": "acknowledged", "enforcementCase": None}}
        [error] = answer.errors
        assert error["path"] == ["judgment", "enforcementCase"]
        assert error["extensions"] == {"code": "AGENCY_NO_RECORD", "agency": "enforcement", "record": str(s.key)}
        assert OFFICE in error["message"]


class TestCourtDetails:
    QUERY = "query ($id: ID!) { judgment(id: $id) { id courtDetails { judge summary } } }"

    async def test_is_null_with_agency_no_record_when_the_court_system_does_not_hold_the_judgment(
        self, signer, court_gql
    ):
        s, _ = await _submit(signer, court_gql)

        answer = await court_gql(self.QUERY, {"id": str(s.key)})

        assert answer.data == {"judgment": {"id": str(s.key), "courtDetails": None}}
        [error] = answer.errors
        assert error["path"] == ["judgment", "courtDetails"]
        assert error["extensions"] == {"code": "AGENCY_NO_RECORD", "agency": "court", "record": str(s.key)}


JUDGMENT_TRANSFER = """
query ($id: ID!) { judgment(id: $id) { number transfer { id status registerNumber registerYear receipt { keyId } } } }
"""


async def test_a_judgment_names_its_transfer_with_the_register_number_once_registered(
    hub, signer, court_gql, office_gql
):
    submission, transfer_id = await _submit(signer, court_gql)
    judgment_id = f"{COURT}:{submission.number}"

    sent = (await court_gql(JUDGMENT_TRANSFER, {"id": judgment_id})).data["judgment"]["transfer"]
    assert (sent["id"], sent["status"], sent["registerNumber"]) == (transfer_id, "SUBMITTED", None)
    assert sent["receipt"]["keyId"]

    assert (await office_gql(ACK, {"id": transfer_id})).data["acknowledgeTransfer"]["userErrors"] == []
    registered = (await court_gql(JUDGMENT_TRANSFER, {"id": judgment_id})).data["judgment"]["transfer"]
    by_office = await office_gql("query ($id: ID!) { transfer(id: $id) { registerNumber } }", {"id": transfer_id})
    assert registered["status"] == "ACKNOWLEDGED"
    assert registered["registerNumber"] == by_office.data["transfer"]["registerNumber"] is not None


async def test_only_a_judgment_sent_through_the_hub_has_a_transfer(hub, signer, court_gql):
    await _submit(signer, court_gql)
    page = await court_gql(
        "query ($court: ID!) { judgments(filter: {court: $court}, first: 100) "
        "{ edges { node { status transfer { status } } } } }",
        {"court": COURT},
    )
    nodes = [e["node"] for e in page.data["judgments"]["edges"]]
    assert any(n["transfer"] for n in nodes)
    for node in nodes:  # the registry marks a transferred judgment with its transfer's status, the others "registered"
        if node["status"] == "registered":
            assert node["transfer"] is None
        else:
            assert node["transfer"]["status"].lower() == node["status"]
