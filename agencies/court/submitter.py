"""The reference court's live feed: it submits a signed judgment to the hub every few seconds.

Used by ``lienthong demo`` so a newcomer sees transfers arrive (GraphiQL
subscription ``transferEvents``, the enforcement agency's ``inbox``). It is a
real client of the hub: it signs with its own Ed25519 key (registered with the
hub like any court's) and sends ``submitJudgment`` over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agencies.common.people import address, company_name, person, tax_code
from domain.clock import Clock
from domain.signatures import sign
from domain.submission import DocumentKind, Submission, SubmittedDocument
from domain.types import CaseType, Instance, Obligation, ObligationKind, Party, PartyKind, PartyRole

log = logging.getLogger("agencies.court.submitter")

SUBMIT = """
mutation ($input: SubmitJudgmentInput!) {
  submitJudgment(input: $input) { userErrors { code message } transfer { id status } }
}
"""


@dataclass(frozen=True, slots=True)
class FeedSettings:
    hub_url: str
    token: str
    court_code: str
    province_label: str
    former_province: str
    every_s: float = 5.0
    first_serial: int = 5000
    clock: Clock = field(default_factory=Clock)  # judgments take effect on its today (the demo's day)


def _debtor(rng: random.Random, feed: FeedSettings) -> Party:
    where = address(rng, feed.province_label)
    if rng.random() < 0.3:
        return Party(company_name(rng), PartyRole.DEBTOR, PartyKind.ORGANISATION, where, tax_code=tax_code(rng))
    someone = person(rng, feed.former_province)
    return Party(someone.name, PartyRole.DEBTOR, PartyKind.INDIVIDUAL, where, citizen_id=someone.citizen_id)


def make_submission(rng: random.Random, feed: FeedSettings, serial: int, today: date) -> Submission:
    effective = today - timedelta(days=rng.randint(0, 10))
    creditor = person(rng, feed.former_province)
    debtor = _debtor(rng, feed)
    claim = rng.randint(5_000, 2_000_000) * 1_000
    number = f"{serial}/{effective.year}/DS-ST"
    return Submission(
        court_code=feed.court_code,
        number=number,
        case_type=CaseType.DS,
        instance=Instance.ST,
        adjudicated_on=effective - timedelta(days=rng.randint(15, 45)),
        effective_on=effective,
        summary="Tranh chấp hợp đồng vay tài sản",
        document_name=f"{serial}-{effective.year}-DS-ST.pdf",
        document_sha256=hashlib.sha256(f"{feed.court_code} {number}".encode()).hexdigest(),
        parties=(
            Party(
                creditor.name,
                PartyRole.CREDITOR,
                PartyKind.INDIVIDUAL,
                address(rng, feed.province_label),
                citizen_id=creditor.citizen_id,
            ),
            debtor,
        ),
        obligations=(
            Obligation(ObligationKind.COURT_FEE, "Án phí dân sự sơ thẩm", True, max(300_000, claim // 20)),
            Obligation(ObligationKind.PAYMENT, "Trả nợ gốc và lãi", False, claim, creditor.name),
        ),
        attachments=_seizure_records(feed, number, serial),
    )


def _seizure_records(feed: FeedSettings, number: str, serial: int) -> tuple[SubmittedDocument, ...]:
    """Every fourth judgment comes with the record of the assets the court had seized (Art. 28(4))."""
    if serial % 4:
        return ()
    name = f"{serial}-BB-ke-bien.pdf"
    sha = hashlib.sha256(f"{feed.court_code} {number} biên bản kê biên".encode()).hexdigest()
    return (SubmittedDocument(DocumentKind.SEIZURE_RECORD, name, sha),)


def to_variables(
    s: Submission,
    signature: str,
    *,
    content_base64: str | None = None,
    key_id: str | None = None,
    attachment_contents: Sequence[str | None] = (),
    single_document: bool = False,
) -> dict[str, object]:
    """GraphQL variables for ``submitJudgment``: exactly the content the court signed, in the hub's input shape.

    ``content_base64``: the judgment document's content; ``attachment_contents``: the other documents', in order.
    ``single_document``: the deprecated ``document`` field of courts that send the judgment alone.
    """
    content = s.signed_content()
    contents = [content_base64, *attachment_contents]
    documents = [
        {"kind": d.kind.value, "name": d.name, "sha256": d.sha256, "contentBase64": c}
        for d, c in itertools.zip_longest(s.documents, contents[: len(s.documents)])
    ]
    if single_document:
        if s.attachments:
            raise ValueError("the deprecated document field carries the judgment alone")
        sent: dict[str, object] = {"document": {k: v for k, v in documents[0].items() if k != "kind"}}
    else:
        sent = {"documents": documents}
    return {
        "input": {
            "court": s.court_code,
            "number": s.number,
            "caseType": s.case_type.name,
            "instance": s.instance.name,
            "adjudicatedOn": content["adjudicatedOn"],
            "effectiveOn": content["effectiveOn"],
            "summary": s.summary,
            "interimMeasure": s.interim_measure,
            **({"enforcedImmediately": True} if s.enforced_immediately else {}),
            **({"bankruptcy": True} if s.bankruptcy else {}),
            **sent,
            "parties": [
                {
                    "name": p.name,
                    "role": p.role.name,
                    "kind": p.kind.name,
                    "address": p.address,
                    "citizenId": p.citizen_id,
                    "taxCode": p.tax_code,
                }
                for p in s.parties
            ],
            "obligations": [
                {
                    "kind": o.kind.name,
                    "description": o.description,
                    "exOfficio": o.ex_officio,
                    "amount": str(o.amount) if o.amount is not None else None,
                    "beneficiary": o.beneficiary,
                }
                for o in s.obligations
            ],
            "signature": signature,
            "keyId": key_id,
        }
    }


async def run_feed(feed: FeedSettings, key: Ed25519PrivateKey, stop: asyncio.Event, *, seed: int = 1) -> int:
    """Submit until ``stop`` is set; returns how many submissions the hub accepted."""
    rng = random.Random(seed)
    accepted, serial = 0, feed.first_serial
    headers = {"Authorization": f"Bearer {feed.token}"}
    async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=10)) as http:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):  # wait first: the hub may still be starting
                await asyncio.wait_for(stop.wait(), feed.every_s)
            if stop.is_set():
                break
            serial += 1
            submission = make_submission(rng, feed, serial, feed.clock.today())
            body = {"query": SUBMIT, "variables": to_variables(submission, sign(key, submission.signed_bytes()))}
            try:
                async with http.post(f"{feed.hub_url}/graphql", json=body) as response:
                    answer = await response.json(content_type=None)
                payload = (answer.get("data") or {}).get("submitJudgment") or {}
                if payload.get("transfer"):
                    accepted += 1
                else:
                    log.warning(
                        "hub refused %s: %s", submission.number, payload.get("userErrors") or answer.get("errors")
                    )
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("hub not reachable: %s", exc)
    return accepted
