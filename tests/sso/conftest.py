"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider.py): one
provider process for the session, and Podium apps whose settings point at it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import AuthSession, SsoIdentity, SsoLoginRequest, User
from app.security.middleware import PRE_SESSION_COOKIE
from tests.conftest import make_settings
from tests.oidc_provider import OidcProvider, authorize, node_ready, start_provider

ORGANISATION = "Acme"
CALLBACK = "https://testserver/sso/callback"


def require_node() -> None:
    """Skip without Node and the npm package, except in CI where they are required."""
    reason = node_ready()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the OIDC test provider is required in CI: {reason}")
        pytest.skip(reason)


def sso_values(issuer: str) -> dict[str, object]:
    """The settings of single sign-on at ``issuer`` as the client "podium"."""
    return {
        "oidc_issuer": issuer,
        "oidc_client_id": OidcProvider.client_id,
        "oidc_client_secret": OidcProvider.client_secret,
        "oidc_organisation": ORGANISATION,
        "oidc_timeout_seconds": 5,
    }


def sso_settings_for(database_url: str, issuer: str, **overrides: object) -> Settings:
    """Production settings with single sign-on at ``issuer``."""
    return make_settings(database_url, **{**sso_values(issuer), **overrides})


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    require_node()
    with start_provider() as provider:
        yield provider


@dataclass
class Podium:
    """One app process with single sign-on, and its browsers (TestClients)."""

    settings: Settings
    app: FastAPI
    clients: list[TestClient] = field(default_factory=list)

    def browser(self) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver", follow_redirects=False)
        self.clients.append(client)
        return client


@pytest.fixture
def make_podium(database_url: str, database: Database,
                oidc_provider: OidcProvider) -> Iterator[Callable[..., Podium]]:
    """``make_podium(**setting_overrides)``: an app signing in at the test provider (or at
    ``oidc_issuer=...``)."""
    made: list[Podium] = []

    def factory(**overrides: object) -> Podium:
        issuer = str(overrides.pop("oidc_issuer", oidc_provider.issuer))
        settings = sso_settings_for(database_url, issuer, **overrides)
        podium = Podium(settings, create_app(settings, database))
        made.append(podium)
        return podium

    yield factory
    for podium in made:
        for client in podium.clients:
            client.close()


@pytest.fixture
def podium(make_podium: Callable[..., Podium]) -> Podium:
    return make_podium()


@pytest.fixture
def sso_settings(podium: Podium) -> Settings:
    return podium.settings


@pytest.fixture
def sso_client(podium: Podium) -> TestClient:
    return podium.browser()


# Helpers ---------------------------------------------------------------------------------

def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def start_sso(client: TestClient, next_url: str = "/") -> str:
    """GET /sso/login; the provider's authorization URL it redirects to."""
    response = client.get("/sso/login", params={"next": next_url})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def provider_callback(client: TestClient, login: str, next_url: str = "/") -> str:
    """Start at Podium, sign in at the provider as ``login``; the callback URL the provider
    sends the browser back to (not requested yet)."""
    location = authorize(start_sso(client, next_url), login)
    assert location.startswith(CALLBACK + "?"), location
    return location


def sso_sign_in(client: TestClient, login: str, next_url: str = "/") -> httpx2.Response:
    """The whole round trip; the response to the callback."""
    return client.get(provider_callback(client, login, next_url))


def same_browser(source: TestClient, target: TestClient) -> None:
    """Give ``target`` the pre-session cookie of ``source``: the same browser, as another
    app process sees it."""
    # The cookie jar files cookies of a dotless host under "<host>.local".
    target.cookies.set(PRE_SESSION_COOKIE, source.cookies[PRE_SESSION_COOKIE],
                       domain="testserver.local")


def signed_in_name(client: TestClient) -> str | None:
    """The first name the home page welcomes, or None when the browser is not signed in."""
    response = client.get("/")
    if response.status_code != 200:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
        return None
    marker = "<h1>Welcome, "
    assert marker in response.text
    return response.text.split(marker, 1)[1].split("</h1>", 1)[0]


def page_text(response: httpx2.Response) -> str:
    """The main content of a page, without markup, whitespace collapsed."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    html = response.text
    if '<main id="main"' in html:
        html = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def counts(database: Database) -> dict[str, int]:
    """How many accounts, links, sessions and sign-ins in flight there are."""
    return {"users": count(database, User), "identities": count(database, SsoIdentity),
            "sessions": count(database, AuthSession),
            "requests": count(database, SsoLoginRequest)}
