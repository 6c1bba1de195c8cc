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


def csrf_token_valid(secret: bytes, cookie_value: str | None, token: str | None) -> bool:
    if not cookie_value or not token:
        return False
    return hmac.compare_digest(csrf_token_for(secret, cookie_value), token)


def looks_like_token(value: str) -> bool:
    """A value of the shape ``new_token`` makes (cheap check before any lookup)."""
    return 40 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)
