"""The loopback OpenID Connect provider used by the single-sign-on tests works as they
expect. No app, no database: only tests/oidc_provider.py against tests/oidc/provider.mjs."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest

from tests.oidc_provider import (
    OidcHarnessError,
    OidcProvider,
    authorize,
    issue_id_token,
    node_ready,
    pkce_pair,
    start_provider,
)

APP_REDIRECT_URI = "https://testserver/sso/callback"


def _require_node() -> None:
    """Skip without Node and the npm package, except in CI where they are required."""
    reason = node_ready()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the OIDC test provider is required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    _require_node()
    with start_provider() as running:
        yield running


def _jwt_payload(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _authorization_url(
    provider: OidcProvider, redirect_uri: str, state: str, challenge: str
) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": secrets.token_urlsafe(8),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{provider.discovery()['authorization_endpoint']}?{query}"


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_discovery_document_names_its_own_url_as_issuer(provider: OidcProvider) -> None:
    with httpx2.Client(trust_env=False) as client:
        response = client.get(f"{provider.issuer}/.well-known/openid-configuration")
        assert response.status_code == 200
        config = response.json()
        jwks = client.get(config["jwks_uri"]).json()
    assert config["issuer"] == provider.issuer
    assert provider.issuer.startswith("http://127.0.0.1:")
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert [key["alg"] for key in jwks["keys"]] == ["RS256"]


@pytest.mark.parametrize("redirect_uri", [APP_REDIRECT_URI, "http://127.0.0.1:8123/sso/callback"])
def test_authorize_returns_the_redirect_with_a_code_and_the_state(
    provider: OidcProvider, redirect_uri: str
) -> None:
    state = secrets.token_urlsafe(16)
    _, challenge = pkce_pair()
    location = authorize(
        _authorization_url(provider, redirect_uri, state, challenge), "alex.morgan@acme.example"
    )
    assert location.split("?")[0] == redirect_uri
    params = _query(location)
    assert params["code"]
    assert params["state"] == state
    assert params["iss"] == provider.issuer


def test_a_code_is_exchanged_with_client_secret_post(provider: OidcProvider) -> None:
    verifier, challenge = pkce_pair()
    location = authorize(
        _authorization_url(provider, APP_REDIRECT_URI, "s", challenge),
        "role=admin,name=Alex Q. Morgan:alex.morgan@acme.example",
    )
    with httpx2.Client(trust_env=False) as client:
        response = client.post(
            provider.discovery()["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": _query(location)["code"],
                "redirect_uri": APP_REDIRECT_URI,
                "code_verifier": verifier,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
            },
        )
    assert response.status_code == 200, response.text
    claims = _jwt_payload(response.json()["id_token"])
    assert claims["aud"] == "podium"
    assert claims["name"] == "Alex Q. Morgan"
    assert claims["podium_role"] == "admin"


def test_an_unregistered_redirect_uri_is_refused(provider: OidcProvider) -> None:
    _, challenge = pkce_pair()
    url = _authorization_url(provider, "http://127.0.0.1:8123/elsewhere", "s", challenge)
    with pytest.raises(OidcHarnessError, match="redirect_uri"):
        authorize(url, "alex.morgan@acme.example")


def test_issue_id_token_gives_a_token_for_the_other_client(provider: OidcProvider) -> None:
    nonce = secrets.token_urlsafe(12)
    token = issue_id_token(
        provider,
        client_id=provider.other_client_id,
        client_secret=provider.other_client_secret,
        login="alex.morgan@acme.example",
        nonce=nonce,
    )
    claims = _jwt_payload(token)
    assert claims["aud"] == "other-client"
    assert claims["iss"] == provider.issuer
    assert claims["nonce"] == nonce
    assert claims["sub"] == "alex.morgan@acme.example"
    assert claims["email"] == "alex.morgan@acme.example"
    assert claims["email_verified"] is True
    assert claims["name"] == "Alex Morgan"
    assert "podium_role" not in claims
    assert claims["exp"] - claims["iat"] == 600


def test_login_flags_set_unverified_email_and_role(provider: OidcProvider) -> None:
    login = "unverified,role=hr:kim@acme.example"
    token = issue_id_token(
        provider,
        client_id=provider.other_client_id,
        client_secret=provider.other_client_secret,
        login=login,
        nonce="n-1",
    )
    claims = _jwt_payload(token)
    assert claims["sub"] == login
    assert claims["email"] == "kim@acme.example"
    assert claims["email_verified"] is False
    assert claims["podium_role"] == "hr"
    assert claims["nonce"] == "n-1"


def test_the_id_token_lifetime_comes_from_the_environment() -> None:
    _require_node()
    with start_provider(id_token_ttl=5) as short:
        token = issue_id_token(
            short,
            client_id=short.client_id,
            client_secret=short.client_secret,
            login="alex.morgan@acme.example",
            nonce="n-2",
        )
    claims = _jwt_payload(token)
    assert claims["exp"] - claims["iat"] == 5
    assert claims["aud"] == "podium"
