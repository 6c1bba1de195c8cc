"""The demo executive records a week in the activity log: a mistyped count comes back with
its message next to the field and the typed values kept, the corrected week is saved, and
the page charts it with the numbers in its table; then a reminder day is chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import follow_nav, sign_in

pytestmark = pytest.mark.e2e


def test_executive_records_a_week(page, demo):  # type: ignore[no-untyped-def]
    sign_in(page)
    follow_nav(page, "Activity log")
    page.wait_for_url("**/activity")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your activity log")
    expect(page.locator("#who-sees")).to_contain_text(
        "Your trainer sees your log; HR sees only cohort and department aggregates, never "
        "your numbers")
    week = page.get_by_label("Week", exact=True).input_value()
    assert re.fullmatch(r"[0-9]{4}-W[0-9]{2}", week)
    expect(page.locator("#plan-count")).to_contain_text("published from your plan")

    form = page.locator("#entry-form")
    form.get_by_label("Posts on LinkedIn").fill("2")
    form.get_by_label("Comments you wrote").fill("-3")
    form.get_by_label("New relevant connections or followers").fill("11")
    page.locator("#ssi summary").click()
    form.get_by_label("Social Selling Index (total)").fill("64.5")
    form.get_by_role("button", name="Save the week").click()

    expect(page.locator("#f-comments-error")).to_have_text("Enter 0 or more.")
    expect(page.get_by_label("Comments you wrote")).to_have_value("-3")
    expect(page.get_by_label("Posts on LinkedIn")).to_have_value("2")
    expect(page.get_by_label("Social Selling Index (total)")).to_have_value("64.5")

    page.get_by_label("Comments you wrote").fill("6")
    page.locator("#entry-form").get_by_role("button", name="Save the week").click()
    page.wait_for_url(re.compile(r".*/activity\?week=.*notice=activity-saved"))
    expect(page.get_by_text("Your week was saved.")).to_be_visible()

    row = page.locator(f"#week-{week}")
    cells = row.locator("td")
    expect(cells.nth(2)).to_have_text("2")  # other posts
    expect(cells.nth(3)).to_have_text("6")  # comments
    expect(cells.nth(4)).to_have_text("11")  # connections
    expect(cells.nth(7)).to_have_text("64.5")  # SSI
    expect(cells.nth(8)).to_have_text("Yes")
    expect(page.locator("#fig-streak")).to_have_text("1")
    for chart in ("#chart-plan svg", "#chart-activity svg", "#chart-ssi svg"):
        expect(page.locator(chart)).to_be_visible()
    expect(page.locator("#chart-ssi svg title").first).to_have_text("Your Social Selling Index")

    page.get_by_label("Remind me on").select_option(label="Friday")
    page.locator("#reminder-form").get_by_role("button", name="Save the reminder").click()
    expect(page.get_by_text("Your reminder day was saved.")).to_be_visible()
    expect(page.get_by_label("Remind me on")).to_have_value("4")
