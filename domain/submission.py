"""A court's electronic submission of an enforceable judgment, and its validation.

What the court signs is the canonical JSON (``domain.canonical``) of
:meth:`Submission.signed_content`; the hub recomputes the same bytes to check the
signature and to tell a repeat (same content) from a conflict (same court and
number, different content).

Documents (Art. 28(4) of the Law on civil judgment enforcement: the court sends the
judgment with the records of seized or held assets and papers): the judgment document
stays under ``document`` in the signed content, exactly as before, and any other
documents follow under ``attachments`` in the order the court lists them, each with its
kind, name and hash. ``attachments`` is absent when there are none, so a submission with
the judgment alone has the same canonical bytes as before documents were added, and
signatures made by existing courts still verify.

Categories of judgment (Art. 2(2)): ``enforcedImmediately`` (a judgment enforced
immediately, point a: transferred within 15 days of the day it is given, Art. 28(2))
and ``bankruptcy`` (a court's bankruptcy decision: the enforcement decision within 3
working days of receipt, Art. 36(2)(e)) are signed like ``attachments``, only when
true, so every other submission keeps its bytes and its signature.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from domain.canonical import canonical_json, sha256_hex
from domain.messages import Text, msg
from domain.types import (
    CaseType,
    Instance,
    JudgmentKey,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
)

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DOCUMENTS: Final = 20
"""Documents in one submission: the judgment and at most 19 records (each up to 2 MiB when its content is sent)."""
MAX_PARTIES = 100
MAX_OBLIGATIONS = 100
MAX_AMOUNT = 10**18  # đồng; far beyond any judgment, well inside a 64-bit integer
NUMBER = re.compile(r"(?P<serial>\d{1,6})/(?P<year>\d{4})/(?P<type>DS|HNGĐ|KDTM|LĐ|HC|HS)-(?P<instance>ST|PT)")
CITIZEN_ID = re.compile(r"\d{12}")
TAX_CODE = re.compile(r"\d{10}(-\d{3})?")
SHA256 = re.compile(r"[0-9a-f]{64}")


class SubmissionErrorCode(StrEnum):
    INVALID = "INVALID"
    FUTURE_EFFECTIVE_DATE = "FUTURE_EFFECTIVE_DATE"
    MALFORMED_CITIZEN_ID = "MALFORMED_CITIZEN_ID"
    MALFORMED_TAX_CODE = "MALFORMED_TAX_CODE"
    DOCUMENT_HASH_MISMATCH = "DOCUMENT_HASH_MISMATCH"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNKNOWN_COURT = "UNKNOWN_COURT"
    NOT_YOUR_COURT = "NOT_YOUR_COURT"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    CONFLICT = "CONFLICT"
    UNROUTABLE = "UNROUTABLE"
    NO_JUDGMENT_DOCUMENT = "NO_JUDGMENT_DOCUMENT"
    TOO_MANY_DOCUMENTS = "TOO_MANY_DOCUMENTS"


class DocumentKind(StrEnum):
    """What a submitted document is."""

    JUDGMENT = "JUDGMENT"  # the judgment or decision itself: exactly one
    SEIZURE_RECORD = "SEIZURE_RECORD"  # biên bản kê biên, tạm giữ tài sản, giấy tờ (Art. 28(4))
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class SubmittedDocument:
    kind: DocumentKind
    name: str
    sha256: str

    def signed(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class UserError:
    field: str
    code: SubmissionErrorCode
    message: Text


Report = Callable[[str, "SubmissionErrorCode", Text], None]


@dataclass(frozen=True, slots=True)
class Submission:
    court_code: str
    number: str
    case_type: CaseType
    instance: Instance
    adjudicated_on: date
    effective_on: date
    summary: str
    document_name: str
    document_sha256: str
    parties: tuple[Party, ...] = field(default_factory=tuple)
    obligations: tuple[Obligation, ...] = field(default_factory=tuple)
    interim_measure: bool = False
    attachments: tuple[SubmittedDocument, ...] = ()
    """The documents other than the judgment, in the court's order (none: the signed bytes are the old ones)."""
    enforced_immediately: bool = False
    """Art. 2(2)(a): enforced immediately although appealable; signed only when true."""
    bankruptcy: bool = False
    """A court's bankruptcy decision (Art. 36(2)(e)); signed only when true."""

    @property
    def key(self) -> JudgmentKey:
        return JudgmentKey(self.court_code, self.number)

    @property
    def documents(self) -> tuple[SubmittedDocument, ...]:
        """Every document: the judgment first, then the attachments in the court's order."""
        judgment = SubmittedDocument(DocumentKind.JUDGMENT, self.document_name, self.document_sha256)
        return (judgment, *self.attachments)

    def signed_content(self) -> dict[str, Any]:
        """The document a court signs: everything that makes up the submission.

        ``attachments`` only when there are any, and ``enforcedImmediately`` / ``bankruptcy`` only when
        true, so a judgment-only, ordinary submission keeps the bytes it always had.
        """
        content: dict[str, Any] = {
            "court": self.court_code,
            "number": self.number,
            "caseType": self.case_type.value,
            "instance": self.instance.value,
            "adjudicatedOn": self.adjudicated_on.isoformat(),
            "effectiveOn": self.effective_on.isoformat(),
            "summary": self.summary,
            "interimMeasure": self.interim_measure,
            "document": {"name": self.document_name, "sha256": self.document_sha256},
            "parties": [
                {
                    "name": p.name,
                    "role": p.role.value,
                    "kind": p.kind.value,
                    "address": p.address,
                    "citizenId": p.citizen_id,
                    "taxCode": p.tax_code,
                }
                for p in self.parties
            ],
            "obligations": [
                {
                    "kind": o.kind.value,
                    "description": o.description,
                    "exOfficio": o.ex_officio,
                    "amount": o.amount,
                    "beneficiary": o.beneficiary,
                }
                for o in self.obligations
            ],
        }
        if self.attachments:
            content["attachments"] = [d.signed() for d in self.attachments]
        if self.enforced_immediately:
            content["enforcedImmediately"] = True
        if self.bankruptcy:
            content["bankruptcy"] = True
        return content

    @classmethod
    def from_signed(cls, content: Mapping[str, Any]) -> Submission:
        """The submission whose :meth:`signed_content` is ``content`` (read back from the transfer ledger).

        The inverse of :meth:`signed_content`, so the signed bytes of what is read back
        are the bytes the court signed; a document of another shape raises KeyError,
        TypeError or ValueError.
        """
        document = content["document"]
        return cls(
            court_code=content["court"],
            number=content["number"],
            case_type=CaseType(content["caseType"]),
            instance=Instance(content["instance"]),
            adjudicated_on=date.fromisoformat(content["adjudicatedOn"]),
            effective_on=date.fromisoformat(content["effectiveOn"]),
            summary=content["summary"],
            document_name=document["name"],
            document_sha256=document["sha256"],
            parties=tuple(
                Party(
                    name=p["name"],
                    role=PartyRole(p["role"]),
                    kind=PartyKind(p["kind"]),
                    address=p["address"],
                    citizen_id=p["citizenId"],
                    tax_code=p["taxCode"],
                )
                for p in content["parties"]
            ),
            obligations=tuple(
                Obligation(
                    kind=ObligationKind(o["kind"]),
                    description=o["description"],
                    ex_officio=bool(o["exOfficio"]),
                    amount=o["amount"],
                    beneficiary=o["beneficiary"],
                )
                for o in content["obligations"]
            ),
            interim_measure=bool(content["interimMeasure"]),
            attachments=tuple(
                SubmittedDocument(DocumentKind(d["kind"]), d["name"], d["sha256"])
                for d in content.get("attachments", ())
            ),
            enforced_immediately=bool(content.get("enforcedImmediately", False)),
            bankruptcy=bool(content.get("bankruptcy", False)),
        )

    def signed_bytes(self) -> bytes:
        return canonical_json(self.signed_content())

    def content_sha256(self) -> str:
        return sha256_hex(self.signed_bytes())


def arrange_documents(
    documents: Sequence[tuple[str, SubmittedDocument]], max_documents: int = MAX_DOCUMENTS
) -> tuple[SubmittedDocument | None, tuple[SubmittedDocument, ...], list[UserError]]:
    """The judgment document, the others in the court's order, and what is wrong with the list.

    ``documents``: each with the field it came from (``documents[1]``, or ``document`` for the
    deprecated single field). Exactly one JUDGMENT; no document twice (by hash); at most ``max_documents``.
    """
    errors: list[UserError] = []
    if len(documents) > max_documents:
        errors.append(
            UserError(
                "documents",
                SubmissionErrorCode.TOO_MANY_DOCUMENTS,
                msg(
                    "{count} documents: a submission carries at most {limit}", count=len(documents), limit=max_documents
                ),
            )
        )
        return None, (), errors
    judgments = [(where, d) for where, d in documents if d.kind is DocumentKind.JUDGMENT]
    if not judgments:
        errors.append(
            UserError(
                "documents",
                SubmissionErrorCode.NO_JUDGMENT_DOCUMENT,
                msg("one document must be the judgment or decision itself (kind JUDGMENT)"),
            )
        )
    for where, _ in judgments[1:]:
        errors.append(
            UserError(
                f"{where}.kind",
                SubmissionErrorCode.INVALID,
                msg("only one document is the judgment; a record of seizure is SEIZURE_RECORD"),
            )
        )
    seen: dict[str, str] = {}
    for where, d in documents:
        if not SHA256.fullmatch(d.sha256):
            errors.append(
                UserError(f"{where}.sha256", SubmissionErrorCode.INVALID, msg("a SHA-256 is 64 lower-case hex digits"))
            )
        elif d.sha256 in seen:
            errors.append(
                UserError(
                    f"{where}.sha256",
                    SubmissionErrorCode.INVALID,
                    msg("the same document as {other}", other=seen[d.sha256]),
                )
            )
        else:
            seen[d.sha256] = where
        if not d.name.strip() or len(d.name) > 255:
            errors.append(
                UserError(f"{where}.name", SubmissionErrorCode.INVALID, msg("a document name is 1–255 characters"))
            )
    judgment = judgments[0][1] if judgments else None
    return judgment, tuple(d for _, d in documents if d.kind is not DocumentKind.JUDGMENT), errors


EARLIEST_JUDGMENT: Final = date(1945, 9, 2)
"""The earliest adjudication date accepted by default (the founding of the state; LIENTHONG_EARLIEST_JUDGMENT_DATE)."""


def validate(s: Submission, today: date, earliest: date = EARLIEST_JUDGMENT) -> list[UserError]:
    """Everything wrong with the submission itself (not yet: court, key, signature, routing).

    ``earliest``: an adjudication date before it is no plausible judgment (a year 0001 is a typing slip).
    """
    errors: list[UserError] = []

    def bad(where: str, code: SubmissionErrorCode, message: Text) -> None:
        errors.append(UserError(where, code, message))

    number = NUMBER.fullmatch(s.number)
    if number is None:
        bad("number", SubmissionErrorCode.INVALID, msg("judgment number must look like 125/2026/DS-ST"))
    else:
        if number["type"] != s.case_type.value or number["instance"] != s.instance.value:
            bad("number", SubmissionErrorCode.INVALID, msg("case type and instance must match the judgment number"))
        if int(number["year"]) > s.adjudicated_on.year:
            bad("number", SubmissionErrorCode.INVALID, msg("the number's year is after the adjudication date"))
    if s.adjudicated_on < earliest:
        bad(
            "adjudicatedOn",
            SubmissionErrorCode.INVALID,
            msg(
                "the adjudication date is before {earliest}, the earliest this hub accepts",
                earliest=earliest.isoformat(),
            ),
        )
    if s.effective_on > today:
        bad(
            "effectiveOn", SubmissionErrorCode.FUTURE_EFFECTIVE_DATE, msg("a judgment cannot take effect in the future")
        )
    if s.effective_on < s.adjudicated_on:
        bad("effectiveOn", SubmissionErrorCode.INVALID, msg("the effective date is before the adjudication date"))
    if not SHA256.fullmatch(s.document_sha256):
        bad("document.sha256", SubmissionErrorCode.INVALID, msg("document SHA-256 must be 64 lower-case hex digits"))
    if not s.document_name.strip() or len(s.document_name) > 255:
        bad("document.name", SubmissionErrorCode.INVALID, msg("document name must be 1–255 characters"))
    if s.interim_measure and s.enforced_immediately:
        bad(
            "enforcedImmediately",
            SubmissionErrorCode.INVALID,
            msg(
                "an interim emergency measure (Art. 2(2)(b)) is not also a judgment enforced immediately "
                "(Art. 2(2)(a)): choose one"
            ),
        )
    if len(s.summary) > 4000:
        bad("summary", SubmissionErrorCode.INVALID, msg("summary is longer than 4000 characters"))
    _check_parties(s.parties, bad)
    _check_obligations(s.obligations, bad)
    return errors


def _check_parties(parties: tuple[Party, ...], bad: Report) -> None:
    if not parties or len(parties) > MAX_PARTIES:
        bad("parties", SubmissionErrorCode.INVALID, msg("a judgment has 1–{limit} parties", limit=MAX_PARTIES))
    if not any(p.role is PartyRole.DEBTOR for p in parties):
        bad("parties", SubmissionErrorCode.INVALID, msg("at least one party must be a judgment debtor"))
    for i, p in enumerate(parties):
        where = f"parties[{i}]"
        if not p.name.strip() or len(p.name) > 255:
            bad(f"{where}.name", SubmissionErrorCode.INVALID, msg("a party's name must be 1–255 characters"))
        if len(p.address) > 500:
            bad(f"{where}.address", SubmissionErrorCode.INVALID, msg("address is longer than 500 characters"))
        if p.kind is PartyKind.INDIVIDUAL:
            if p.citizen_id is None or not CITIZEN_ID.fullmatch(p.citizen_id):
                bad(
                    f"{where}.citizenId",
                    SubmissionErrorCode.MALFORMED_CITIZEN_ID,
                    msg("a citizen ID (CCCD) is exactly 12 digits"),
                )
            if p.tax_code is not None:
                bad(
                    f"{where}.taxCode",
                    SubmissionErrorCode.INVALID,
                    msg("an individual party carries a citizen ID, not a tax code"),
                )
        else:
            if p.tax_code is None or not TAX_CODE.fullmatch(p.tax_code):
                bad(
                    f"{where}.taxCode",
                    SubmissionErrorCode.MALFORMED_TAX_CODE,
                    msg("a tax code is 10 digits, or 10-3 for a branch"),
                )
            if p.citizen_id is not None:
                bad(
                    f"{where}.citizenId",
                    SubmissionErrorCode.INVALID,
                    msg("an organisation carries a tax code, not a citizen ID"),
                )


def _check_obligations(obligations: tuple[Obligation, ...], bad: Report) -> None:
    if not obligations or len(obligations) > MAX_OBLIGATIONS:
        bad(
            "obligations",
            SubmissionErrorCode.INVALID,
            msg("a judgment has 1–{limit} obligations", limit=MAX_OBLIGATIONS),
        )
    for i, o in enumerate(obligations):
        if o.amount is not None and not 0 <= o.amount <= MAX_AMOUNT:
            bad(f"obligations[{i}].amount", SubmissionErrorCode.INVALID, msg("amount must be between 0 and 10^18 đồng"))
        if not o.description.strip() or len(o.description) > 2000:
            bad(
                f"obligations[{i}].description",
                SubmissionErrorCode.INVALID,
                msg("description must be 1–2000 characters"),
            )
