"""Single sign-on in a real browser: from Podium's login page to the organisation's
provider (the real `oidc-provider` of tests/oidc_provider.py), its login form, and back to
Podium's home page, signed in."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlmodel import select

from app.db import Database
from app.main import create_app
from app.models import Role, SsoIdentity, User
from tests.e2e.conftest import _free_port
from tests.oidc_provider import OidcProvider, start_provider
from tests.sso.conftest import require_node, sso_settings_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    require_node()
    with start_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(database_url: str, database: Database, provider: OidcProvider) -> Iterator[str]:
    """Podium with single sign-on at ``provider``, served on loopback over plain http."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = sso_settings_for(database_url, provider.issuer, base_url=url,
                                cookie_secure=False)
    app = create_app(settings, database)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the SSO test server did not start")
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def on_console(msg, errors: list[str], provider: OidcProvider) -> None:  # type: ignore[no-untyped-def]
    """Console errors fail the test, but for the test provider's missing icon."""
    url = msg.location.get("url", "")
    if msg.type == "error" and url != f"{provider.issuer}/favicon.ico":
        errors.append(f"{url}: {msg.text}")


def test_sign_in_with_the_organisation_lands_on_home(  # type: ignore[no-untyped-def]
        browser, sso_server: str, provider: OidcProvider, database: Database) -> None:
    context = browser.new_context(base_url=sso_server, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: on_console(msg, errors, provider))
    try:
        page.goto("/login")
        page.get_by_role("link", name="Sign in with Acme").click()

        page.wait_for_url(f"{provider.issuer}/**")  # the provider's own login page
        page.locator('input[name="login"]').fill("dana.whitfield@acme.example")
        page.locator('input[name="password"]').fill("any password at all")
        page.locator('button[type="submit"]').click()

        page.wait_for_url(f"{sso_server}/")
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Welcome, Dana"
        assert page.get_by_role("heading", name="My courses").is_visible()
        assert page.get_by_role("button", name="Sign out").is_visible()
        cookies = {c["name"]: c for c in context.cookies(sso_server)}
        assert cookies["podium_session"]["httpOnly"] is True
    finally:
        context.close()
    assert errors == [], f"browser errors: {errors}"

    with database.session() as session:
        user = session.exec(select(User)).one()
        identity = session.exec(select(SsoIdentity)).one()
    assert (user.email, user.full_name, user.role) == ("dana.whitfield@acme.example",
                                                       "Dana Whitfield", Role.executive)
    assert (identity.user_id, identity.issuer) == (user.id, provider.issuer)
