"""Submission receipts: what the hub signs when it has received a judgment.

The receipt records the moment the hub's system recorded successful receipt of
complete and valid data (Decree 152/2026 Art. 7), the form of receipt, what was
received (hashes) and where it was routed. The hub signs the canonical JSON
with its Ed25519 key; anyone holding the published public key can verify it
(`lienthong verify-receipt`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.canonical import canonical_json
from domain.jurisdiction import Route
from domain.signatures import key_id, public_key_b64, sign, verify
from domain.submission import Submission

RECEIPT_TYPE = "lienthong/submission-receipt@1"


def build_receipt(
    *, transfer_id: str, submission: Submission, route: Route, received_at: datetime, hub_key_id: str
) -> dict[str, Any]:
    return {
        "type": RECEIPT_TYPE,
        "transferId": transfer_id,
        "judgment": {"court": submission.court_code, "number": submission.number},
        "contentSha256": submission.content_sha256(),
        "documentSha256": submission.document_sha256,
        "receivedAt": received_at.isoformat(),
        "form": "digital",
        "enforcementAgency": route.enforcement_agency_code,
        "enforcementOffice": route.enforcement_office_code,
        "procuracy": route.procuracy_code,
        "hubKeyId": hub_key_id,
    }


@dataclass(frozen=True, slots=True)
class ReceiptSigner:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    @property
    def public_key_b64(self) -> str:
        return public_key_b64(self.public_key)

    def sign(self, receipt: dict[str, Any]) -> tuple[str, str]:
        """The receipt's canonical JSON text and its signature (base64)."""
        body = canonical_json(receipt)
        return body.decode("utf-8"), sign(self.private_key, body)


def verify_receipt(receipt_json: str, signature_b64: str, public_key: Ed25519PublicKey) -> bool:
    """True when ``signature_b64`` is the hub's signature over exactly these receipt bytes."""
    return verify(public_key, receipt_json.encode("utf-8"), signature_b64)
