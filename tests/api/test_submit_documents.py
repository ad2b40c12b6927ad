"""Documents sent with a transfer (Law on civil judgment enforcement Art. 28(4)), over HTTP.

The court sends the judgment with the records of the assets or papers it had seized or held;
each document is hashed, the hash checked against its content, and the signature covers every
document's kind, name and hash. A court that still sends the deprecated single ``document``,
signing the bytes it always signed, is accepted unchanged.

Each test runs with the hub on SQLite and on PostgreSQL (tests/fixtures/hub.py).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from agencies.court.submitter import FeedSettings, make_submission, to_variables
from domain.access import Role
from domain.canonical import canonical_json
from domain.submission import MAX_DOCUMENTS, DocumentKind, Submission, SubmittedDocument
from gateway import commands
from tests.support.court_client import SUBMIT, CourtSigner, document

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv02"
OFFICE = "enforcement.ha-noi.kv02"
MID_YEAR = date(2026, 6, 15)  # the feed numbers a judgment in its year of effect: away from a new year

TRANSFER = """
query ($id: ID!) { transfer(id: $id) { id documentSha256 documents { kind name sha256 } } }
"""
JUDGMENT = "query ($id: ID!) { judgment(id: $id) { id } }"
INBOX = "query ($office: ID!) { inbox(office: $office, first: 200) { edges { node { id } } } }"


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


def _with_records(s: Submission, *texts: str) -> tuple[Submission, list[str]]:
    """The submission with one seizure record per text, and each record's base64 content."""
    records, contents = [], []
    for n, text in enumerate(texts, start=1):
        sha, content = document(text)
        records.append(SubmittedDocument(DocumentKind.SEIZURE_RECORD, f"bien-ban-ke-bien-{n}.pdf", sha))
        contents.append(content)
    return replace(s, attachments=tuple(records)), contents


def _with_judgment_text(s: Submission) -> tuple[Submission, str]:
    sha, content = document(f"Toàn văn bản án {s.number}")
    return replace(s, document_sha256=sha), content


async def _inbox(office_gql) -> list[str]:
    return [e["node"]["id"] for e in (await office_gql(INBOX, {"office": OFFICE})).data["inbox"]["edges"]]


async def _nothing_written(hub, office_gql, s: Submission, inbox_before: list[str]) -> None:
    ministry = hub.client(hub.token("ministry.justice", [Role.MINISTRY]))
    assert (await ministry(JUDGMENT, {"id": str(s.key)})).data == {"judgment": None}
    assert await _inbox(office_gql) == inbox_before


class TestSeveralDocuments:
    async def test_the_judgment_and_two_seizure_records_are_stored_hashed_and_shown(
        self, signer, court_gql, office_gql
    ):
        s, judgment_content = _with_judgment_text(signer.submission())
        s, records = _with_records(s, "Biên bản kê biên nhà số 12", "Biên bản tạm giữ giấy chứng nhận")
        variables = signer.signed_variables(s, content_base64=judgment_content, attachment_contents=records)

        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert payload["userErrors"] == []
        expected = [
            {"kind": "JUDGMENT", "name": s.document_name, "sha256": s.document_sha256},
            *({"kind": "SEIZURE_RECORD", "name": d.name, "sha256": d.sha256} for d in s.attachments),
        ]
        for reader in (court_gql, office_gql):
            seen = (await reader(TRANSFER, {"id": payload["transfer"]["id"]})).data["transfer"]
            assert seen["documents"] == expected
            assert seen["documentSha256"] == s.document_sha256

    async def test_a_wrong_hash_in_the_second_document_is_refused_naming_it_and_nothing_is_written(
        self, hub, signer, court_gql, office_gql
    ):
        s, judgment_content = _with_judgment_text(signer.submission())
        s, records = _with_records(s, "Biên bản kê biên xe ô tô", "Biên bản tạm giữ sổ tiết kiệm")
        _, other = document("một văn bản khác")
        variables = signer.signed_variables(s, content_base64=judgment_content, attachment_contents=[other, records[1]])

        inbox_before = await _inbox(office_gql)
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert payload["transfer"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            ("documents[1].sha256", "DOCUMENT_HASH_MISMATCH")
        ]
        await _nothing_written(hub, office_gql, s, inbox_before)

    async def test_a_replay_with_documents_returns_the_same_transfer(self, signer, court_gql):
        s, records = _with_records(signer.submission(), "Biên bản kê biên quyền sử dụng đất")
        variables = signer.signed_variables(s, attachment_contents=records)

        first = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        again = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert (first["replayed"], again["replayed"]) == (False, True)
        assert again["transfer"]["id"] == first["transfer"]["id"]
        assert again["transfer"]["receipt"] == first["transfer"]["receipt"]

    async def test_the_same_number_with_another_seizure_record_is_a_conflict(self, signer, court_gql):
        s, _ = _with_records(signer.submission(), "Biên bản kê biên thứ nhất")
        await court_gql(SUBMIT, signer.signed_variables(s))
        changed, _ = _with_records(s, "Biên bản kê biên đã sửa")
        payload = (await court_gql(SUBMIT, signer.signed_variables(changed))).data["submitJudgment"]
        assert payload["transfer"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["CONFLICT"]


class TestTheSignatureCoversEveryDocument:
    async def test_a_swapped_seizure_record_fails_the_signature(self, hub, signer, court_gql, office_gql):
        signed, _ = _with_records(signer.submission(), "Biên bản kê biên A", "Biên bản kê biên B")
        signature = signer.sign(signed)
        swapped, _ = _with_records(signed, "Biên bản kê biên A", "Biên bản kê biên C")
        variables = signer.signed_variables(swapped)
        variables["input"]["signature"] = signature

        inbox_before = await _inbox(office_gql)
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert payload["transfer"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["BAD_SIGNATURE"]
        await _nothing_written(hub, office_gql, signed, inbox_before)

    @pytest.mark.parametrize("change", ["order", "kind", "name"])
    async def test_reordering_or_relabelling_a_document_fails_the_signature(self, signer, court_gql, change):
        signed, _ = _with_records(signer.submission(), "Biên bản kê biên A", "Biên bản kê biên B")
        first, second = signed.attachments
        altered = {
            "order": (second, first),
            "kind": (replace(first, kind=DocumentKind.OTHER), second),
            "name": (replace(first, name="bien-ban-khac.pdf"), second),
        }[change]
        variables = signer.signed_variables(replace(signed, attachments=altered))
        variables["input"]["signature"] = signer.sign(signed)

        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert [e["code"] for e in payload["userErrors"]] == ["BAD_SIGNATURE"]


def _old_canonical_bytes(s: Submission) -> bytes:
    """What a court's system built before documents were added, written out field by field (docs/api-guide.md)."""
    return canonical_json(
        {
            "court": s.court_code,
            "number": s.number,
            "caseType": s.case_type.value,
            "instance": s.instance.value,
            "adjudicatedOn": s.adjudicated_on.isoformat(),
            "effectiveOn": s.effective_on.isoformat(),
            "summary": s.summary,
            "interimMeasure": s.interim_measure,
            "document": {"name": s.document_name, "sha256": s.document_sha256},
            "parties": [
                {
                    "name": p.name,
                    "role": p.role.value,
                    "kind": p.kind.value,
                    "address": p.address,
                    "citizenId": p.citizen_id,
                    "taxCode": p.tax_code,
                }
                for p in s.parties
            ],
            "obligations": [
                {
                    "kind": o.kind.value,
                    "description": o.description,
                    "exOfficio": o.ex_officio,
                    "amount": o.amount,
                    "beneficiary": o.beneficiary,
                }
                for o in s.obligations
            ],
        }
    )


class TestTheDeprecatedSingleDocument:
    async def test_a_submission_signed_the_old_way_verifies_and_is_stored_as_one_judgment_document(
        self, signer, court_gql, office_gql
    ):
        s, content = _with_judgment_text(signer.submission())
        variables = signer.signed_variables(s, content_base64=content, single_document=True)
        variables["input"]["signature"] = signer.sign_bytes(_old_canonical_bytes(s))
        assert "documents" not in variables["input"]

        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]

        assert payload["userErrors"] == []
        seen = (await office_gql(TRANSFER, {"id": payload["transfer"]["id"]})).data["transfer"]
        assert seen["documents"] == [{"kind": "JUDGMENT", "name": s.document_name, "sha256": s.document_sha256}]

    async def test_its_wrong_hash_is_still_named_document(self, hub, signer, court_gql, office_gql):
        s = signer.submission()
        _, other = document("không phải bản án")
        variables = signer.signed_variables(s, content_base64=other, single_document=True)
        inbox_before = await _inbox(office_gql)
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            ("document.sha256", "DOCUMENT_HASH_MISMATCH")
        ]
        await _nothing_written(hub, office_gql, s, inbox_before)

    async def test_the_same_judgment_sent_again_in_documents_is_a_replay_of_it(self, signer, court_gql):
        s = signer.submission()
        first = (await court_gql(SUBMIT, signer.signed_variables(s, single_document=True))).data["submitJudgment"]
        again = (await court_gql(SUBMIT, signer.signed_variables(s))).data["submitJudgment"]
        assert "documents" in signer.signed_variables(s)["input"]
        assert (first["replayed"], again["replayed"]) == (False, True)
        assert again["transfer"]["id"] == first["transfer"]["id"]

    async def test_the_deprecated_field_and_the_new_one_together_are_refused(self, signer, court_gql):
        s = signer.submission()
        variables = signer.signed_variables(s)
        variables["input"]["document"] = {"name": s.document_name, "sha256": s.document_sha256}
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert payload["transfer"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("document", "INVALID")]


class TestRefusedDocumentLists:
    async def test_without_a_judgment_document(self, hub, signer, court_gql, office_gql):
        s, _ = _with_records(signer.submission(), "Biên bản kê biên")
        variables = signer.signed_variables(s)
        variables["input"]["documents"] = variables["input"]["documents"][1:]
        inbox_before = await _inbox(office_gql)
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("documents", "NO_JUDGMENT_DOCUMENT")]
        await _nothing_written(hub, office_gql, s, inbox_before)

    async def test_with_no_document_at_all(self, signer, court_gql):
        variables = signer.signed_variables(signer.submission())
        del variables["input"]["documents"]
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert [e["code"] for e in payload["userErrors"]] == ["NO_JUDGMENT_DOCUMENT"]

    async def test_with_two_judgment_documents_names_the_second(self, signer, court_gql):
        s, _ = _with_records(signer.submission(), "Bản án thứ hai")
        variables = signer.signed_variables(s)
        variables["input"]["documents"][1]["kind"] = "JUDGMENT"
        payload = (await court_gql(SUBMIT, variables)).data["submitJudgment"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("documents[1].kind", "INVALID")]

    async def test_the_same_document_twice_is_refused(self, signer, court_gql):
        s, _ = _with_records(signer.submission(), "Biên bản kê biên", "Biên bản kê biên")
        payload = (await court_gql(SUBMIT, signer.signed_variables(s))).data["submitJudgment"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("documents[2].sha256", "INVALID")]

    async def test_more_documents_than_the_bound_are_refused_and_nothing_is_written(
        self, hub, signer, court_gql, office_gql
    ):
        at_bound, _ = _with_records(signer.submission(), *(f"Biên bản {n}" for n in range(MAX_DOCUMENTS - 1)))
        over, _ = _with_records(at_bound, *(f"Biên bản {n}" for n in range(MAX_DOCUMENTS)))

        inbox_before = await _inbox(office_gql)
        refused = (await court_gql(SUBMIT, signer.signed_variables(over))).data["submitJudgment"]
        assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("documents", "TOO_MANY_DOCUMENTS")]
        await _nothing_written(hub, office_gql, over, inbox_before)

        accepted = (await court_gql(SUBMIT, signer.signed_variables(at_bound))).data["submitJudgment"]
        assert accepted["userErrors"] == []


class TestTheDemoCourt:
    async def test_its_feed_sends_a_seizure_record_with_every_fourth_judgment_and_the_hub_stores_it(
        self, signer, court_gql, office_gql
    ):
        feed = FeedSettings("", "", COURT, "Hà Nội", "Hà Nội")
        rng = random.Random(7)
        sent = [make_submission(rng, feed, serial, MID_YEAR) for serial in (700_003, 700_004)]
        assert [len(s.attachments) for s in sent] == [0, 1]

        for s in sent:
            payload = (await court_gql(SUBMIT, to_variables(s, signer.sign(s)))).data["submitJudgment"]
            assert payload["userErrors"] == []
            seen = (await office_gql(TRANSFER, {"id": payload["transfer"]["id"]})).data["transfer"]
            assert [(d["kind"], d["sha256"]) for d in seen["documents"]] == [
                (d.kind.value, d.sha256) for d in s.documents
            ]
