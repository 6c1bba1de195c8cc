"""Sealing text at rest with the app's secret (Fernet: AES-128-CBC with HMAC-SHA256).

The outbox keeps emails until they are delivered, and some carry a one-time link; sealed,
a copy of the database alone reveals none of them."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """Sealed text that this secret cannot open (the secret changed, or the text did)."""


@lru_cache(maxsize=4)
def _fernet(secret: bytes, purpose: str) -> Fernet:
    key = hashlib.sha256(b"podium-seal:" + purpose.encode() + b":" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: bytes, text: str, *, purpose: str) -> str:
    return _fernet(secret, purpose).encrypt(text.encode()).decode("ascii")


def unseal(secret: bytes, sealed: str, *, purpose: str) -> str:
    try:
        return _fernet(secret, purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SealError("the sealed text cannot be opened with this secret") from exc
