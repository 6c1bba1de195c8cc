"""The demo executive signs in through the form, sees the home page and signs out; the
demo admin finds users with the live search."""

from __future__ import annotations

import pytest

from app.demo import DEMO_PASSWORD, SAMPLE_LEARNERS
from tests.e2e.conftest import sign_out

pytestmark = pytest.mark.e2e


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.url.endswith("/login?next=%2F")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_executive_signs_in_sees_home_and_signs_out(page, demo):  # type: ignore[no-untyped-def]
    _sign_in(page, "executive@demo.podium.example")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Welcome, Alex").is_visible()
    assert page.get_by_role("heading", name="My courses").is_visible()
    sign_out(page)
    page.wait_for_url("**/login?notice=logged-out")
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_keeps_the_email(page, demo):  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill("executive@demo.podium.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That email and password")
    assert page.get_by_label("Email").input_value() == "executive@demo.podium.example"


def test_admin_live_search_uses_htmx(page, demo):  # type: ignore[no-untyped-def]
    _sign_in(page, "admin@demo.podium.example")
    page.wait_for_url("**/")
    page.goto("/admin/users")
    # the four demo accounts, the sample executives and the pending invitee
    total = 4 + len(SAMPLE_LEARNERS) + 1
    assert page.get_by_text(f"{total} users", exact=True).is_visible()
    with page.expect_response(lambda r: "/admin/users?q=jordan" in r.url and r.status == 200):
        page.get_by_label("Search").fill("jordan")
    page.get_by_text("1 user", exact=True).wait_for()
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert "Jordan Lee" in rows.first.inner_text()
    assert "q=jordan" in page.url  # the search is in the URL, so it can be shared
