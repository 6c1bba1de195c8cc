"""Single sign-on in a real browser: from Podium's login page to the organisation's
provider (the real `oidc-provider` of tests/oidc_provider.py), its login form, and back to
Podium's home page, signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from app.db import Database
from app.models import Role, SsoIdentity, User
from tests.e2e.conftest import open_menu, serve
from tests.oidc_provider import OidcProvider, start_provider
from tests.sso.conftest import require_node, sso_values

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    require_node()
    with start_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(database_url: str, database: Database, provider: OidcProvider) -> Iterator[str]:
    """Podium with single sign-on at ``provider``, served on loopback over plain http."""
    with serve(database_url, database, **sso_values(provider.issuer)) as address:
        yield address


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
        open_menu(page)
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
