"""The identity provider's public metadata and signing keys.

Fetched from ``<issuer>/.well-known/openid-configuration`` and cached for a few minutes
per process: they are public and the same for every process, so a cache here never makes
two processes disagree about anyone's sign-in (that state lives in the database)."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx2

from app.config import Settings

CACHE_SECONDS = 600
_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The identity provider could not be reached or answered nonsense."""


def _get_json(settings: Settings, url: str) -> dict[str, Any]:
    try:
        response = httpx2.get(url, timeout=settings.oidc_timeout_seconds,
                             follow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (httpx2.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return data


def _cached(key: str, load: Any, *, refresh: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and not refresh and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = load()
    with _lock:
        _cache[key] = (now, value)
    return value


def metadata(settings: Settings) -> dict[str, Any]:
    issuer = (settings.oidc_issuer or "").rstrip("/")

    def load() -> dict[str, Any]:
        data = _get_json(settings, issuer + "/.well-known/openid-configuration")
        needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if any(not isinstance(data.get(key), str) for key in needed):
            raise ProviderUnavailable("the provider's metadata lacks an endpoint")
        if data["issuer"].rstrip("/") != issuer:
            raise ProviderUnavailable("the provider's metadata names another issuer")
        return data

    return _cached("metadata:" + issuer, load)


def jwks(settings: Settings, *, refresh: bool = False) -> dict[str, Any]:
    uri = metadata(settings)["jwks_uri"]
    return _cached("jwks:" + uri, lambda: _get_json(settings, uri), refresh=refresh)
