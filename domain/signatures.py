"""Ed25519 signatures over canonical JSON (courts sign submissions, the hub signs receipts).

Keys travel as base64 of their raw 32 bytes; signatures as base64 of their 64 bytes.
A key's id is the first 16 bytes of the SHA-256 of its raw bytes, in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyFormatError(ValueError):
    """A key or signature is not well-formed base64 of the right length."""


def _b64decode(text: str, what: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise KeyFormatError(f"{what} is not valid base64") from exc
    if len(raw) != length:
        raise KeyFormatError(f"{what} must be {length} bytes, not {len(raw)}")
    return raw


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_b64decode(text, "public key", 32))


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes_raw()).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes_raw()).hexdigest()[:32]


def sign(private_key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message)).decode("ascii")


def verify(public_key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        public_key.verify(_b64decode(signature_b64, "signature", 64), message)
    except (InvalidSignature, KeyFormatError):
        return False
    return True
