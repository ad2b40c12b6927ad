"""A court's system, as the tests play it: builds a submission, signs it, sends it."""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agencies.court.submitter import to_variables
from domain.clock import Clock
from domain.signatures import public_key_b64, sign
from domain.submission import Submission
from domain.types import CaseType, Instance, Obligation, ObligationKind, Party, PartyKind, PartyRole

SUBMIT = """
mutation ($input: SubmitJudgmentInput!) {
  submitJudgment(input: $input) {
    replayed
    userErrors { field code message }
    transfer {
      id status receivedAt registerNumber
      enforcementAgency { code } enforcementOffice { code } procuracy { code } registerOffice { code }
      receipt { json signature keyId receivedAt }
    }
  }
}
"""

_serials = itertools.count(1)


def document(text: str) -> tuple[str, str]:
    """(sha256 hex, base64) of a small pseudo-document."""
    raw = text.encode("utf-8")
    return hashlib.sha256(raw).hexdigest(), base64.b64encode(raw).decode("ascii")


def sample_submission(court: str, *, serial: int | None = None, effective_on: date | None = None) -> Submission:
    n = serial if serial is not None else 900000 + next(_serials)
    effective = effective_on or Clock().today() - timedelta(days=3)
    adjudicated = effective - timedelta(days=30)
    year = adjudicated.year  # a judgment is numbered in the year it was pronounced
    sha, _ = document(f"Bản án {n}/{year}/DS-ST")
    return Submission(
        court_code=court,
        number=f"{n}/{year}/DS-ST",
        case_type=CaseType.DS,
        instance=Instance.ST,
        adjudicated_on=adjudicated,
        effective_on=effective,
        summary="Tranh chấp hợp đồng vay tài sản",
        document_name=f"{n}-{year}-DS-ST.pdf",
        document_sha256=sha,
        parties=(
            Party(
                "Nguyễn Văn An",
                PartyRole.CREDITOR,
                PartyKind.INDIVIDUAL,
                "Số 12 phố Hàng Bạc, Hà Nội",
                citizen_id="001085012345",
            ),
            Party(
                "Công ty TNHH Minh Phát",
                PartyRole.DEBTOR,
                PartyKind.ORGANISATION,
                "Số 3 Láng Hạ, Hà Nội",
                tax_code="0101234567",
            ),
        ),
        obligations=(
            Obligation(ObligationKind.COURT_FEE, "Án phí dân sự sơ thẩm", True, 4_050_000),
            Obligation(ObligationKind.PAYMENT, "Trả nợ gốc và lãi", False, 81_000_000, "Nguyễn Văn An"),
        ),
    )


def variables(s: Submission, signature: str, **kwargs: Any) -> dict[str, Any]:
    """``to_variables``: content_base64, key_id, attachment_contents, single_document (the deprecated field)."""
    return to_variables(s, signature, **kwargs)


@dataclass
class CourtSigner:
    court: str
    key: Ed25519PrivateKey

    @classmethod
    def new(cls, court: str) -> CourtSigner:
        return cls(court, Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> str:
        return public_key_b64(self.key.public_key())

    def sign(self, s: Submission) -> str:
        return sign(self.key, s.signed_bytes())

    def sign_bytes(self, message: bytes) -> str:
        """A signature over given bytes: a court system that builds the canonical JSON itself."""
        return sign(self.key, message)

    def submission(self, **kwargs: Any) -> Submission:
        return sample_submission(self.court, **kwargs)

    def signed_variables(self, s: Submission, **kwargs: Any) -> dict[str, Any]:
        return variables(s, self.sign(s), **kwargs)


__all__ = ["SUBMIT", "CourtSigner", "document", "replace", "sample_submission", "variables"]
