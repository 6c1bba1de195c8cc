"""The demo executive opens the course, reads a lesson, marks it complete, sees the
progress bar move, signs out and in again and lands on "Continue" at the next lesson."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in, sign_out

pytestmark = pytest.mark.e2e


def test_executive_takes_a_lesson_and_resumes(page, demo):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.get_by_role("link", name="Executive Enablement").click()
    page.wait_for_url("**/courses/executive-enablement")
    assert page.locator("#course-progress progress").get_attribute("value") == "0"
    page.get_by_role("link", name="Start the course").click()
    page.wait_for_url("**/lessons/trust-and-transparency")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trust, transparency")
    assert page.locator(".prose h2").count() >= 3

    with page.expect_response(lambda r: r.url.endswith("/complete") and r.status == 200):
        page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("Completed", exact=False).first.wait_for()
    assert page.locator("#course-progress progress").get_attribute("value") == "2"  # 1 of 37
    assert "1 of 37 steps" in page.locator("#course-progress").inner_text()
    assert page.url.endswith("/lessons/trust-and-transparency")  # updated in place

    sign_out(page)
    page.wait_for_url("**/login?notice=logged-out")
    sign_in(page)
    cont = page.locator("#continue-link")
    assert "Reach and the changed conversation" in cont.inner_text()
    cont.click()
    page.wait_for_url("**/lessons/reach-and-changed-conversation")
