"""Random tokens, their stored digests, and HMAC-derived CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(secret: bytes, cookie_value: str) -> str:
    """The CSRF token bound to one browser session (login session or pre-login cookie)."""
    return hmac.new(secret, b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def mask_csrf_token(token: str) -> str:
    """The token XORed with a fresh random pad, pad first (as Django does): different bytes
    on every page, so a compressed page cannot leak it to BREACH-style guessing."""
    raw = bytes.fromhex(token)
    pad = secrets.token_bytes(len(raw))
    return (pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))).hex()


def _unmask(token: str) -> str | None:
    try:
        masked = bytes.fromhex(token)
    except ValueError:
        return None
    half = len(masked) // 2
    pad, body = masked[:half], masked[half:]
    return bytes(a ^ b for a, b in zip(pad, body, strict=True)).hex()


def csrf_token_valid(secret: bytes, cookie_value: str | None, token: str | None) -> bool:
    """A masked token (what pages carry) or the bare one is accepted."""
    if not cookie_value or not token:
        return False
    expected = csrf_token_for(secret, cookie_value)
    if len(token) == 2 * len(expected):
        token = _unmask(token) or ""
    return hmac.compare_digest(expected, token)


def looks_like_token(value: str) -> bool:
    """A value of the shape ``new_token`` makes (cheap check before any lookup)."""
    return 40 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)
