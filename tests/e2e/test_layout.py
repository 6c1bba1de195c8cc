"""The responsive layout in Chromium: the admin (the role with the most links) on a phone
gets a working Menu disclosure, keeps their name in view and never scrolls sideways; on a
laptop the header is one row and the wide tables show every column; dark mode follows the
system setting."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.podium.example"
TRAINER = "trainer@demo.podium.example"
ADMIN_LINKS = ["Home", "Courses", "Authoring", "Grading", "Reviews", "Reports", "Users", "Cohorts"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1280, "height": 800}


def sideways(page) -> int:  # type: ignore[no-untyped-def]
    """How many pixels the page scrolls sideways (0 when it does not)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_admin_on_a_phone_uses_the_menu_and_never_scrolls_sideways(page, demo):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    sign_in(page, ADMIN)
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")

    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Users")).to_be_hidden()
    expect(page.locator(".account-name")).to_have_text("Robin Admin")
    expect(page.locator(".account-name")).to_be_visible()
    box = page.locator(".account-name").bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]

    main_top = page.locator("main").bounding_box()["y"]
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ADMIN_LINKS:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        height = link.bounding_box()["height"]
        assert height >= 44, (name, height)  # a touch target
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # the panel overlays the page: nothing below the header moves
    assert page.locator("main").bounding_box()["y"] == main_top
    assert sideways(page) == 0

    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Users")).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    nav.get_by_role("link", name="Users", exact=True).click()
    page.wait_for_url("**/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")

    for path in ("/", "/admin/users", "/reports", "/admin/cohorts", "/manage/courses",
                 "/manage/courses/executive-enablement", "/author"):
        assert page.goto(path).status == 200
        expect(page.locator(".account-name")).to_be_visible()
        assert sideways(page) == 0, path

    # a wide table scrolls inside its labelled, focusable region, its first column in view
    page.goto("/admin/users")
    region = page.get_by_role("region", name="Users", exact=True)
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    first = region.locator("tbody tr").first.locator("td").first
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    box = first.bounding_box()
    region_box = region.bounding_box()
    assert box is not None and box["x"] >= region_box["x"] - 1  # sticky: still in view


def test_tablet_pages_do_not_scroll_sideways(page, demo):  # type: ignore[no-untyped-def]
    page.set_viewport_size(TABLET)
    sign_in(page, ADMIN)
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    for path in ("/", "/admin/users", "/reports", "/manage/courses/executive-enablement"):
        assert page.goto(path).status == 200
        assert sideways(page) == 0, path


def test_laptop_header_is_one_row_and_tables_show_every_column(page, demo):  # type: ignore[no-untyped-def]
    page.set_viewport_size(LAPTOP)
    sign_in(page, ADMIN)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 72, header  # one row, not two
    nav = page.get_by_role("navigation", name="Main")
    tops = {round(nav.get_by_role("link", name=name, exact=True).bounding_box()["y"])
            for name in ADMIN_LINKS}
    assert len(tops) == 1, tops
    expect(page.locator(".account-name")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # HR's learner table: all twelve columns inside the card, nothing to scroll to
    page.goto("/reports")
    learners = page.get_by_role("region", name="Table of executives", exact=True)
    assert learners.locator("thead th").count() == 12
    assert learners.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    assert sideways(page) == 0


def test_trainer_sees_every_enrolment_column_at_1280(page, demo):  # type: ignore[no-untyped-def]
    page.set_viewport_size(LAPTOP)
    sign_in(page, TRAINER)
    page.goto("/manage/courses/executive-enablement")
    region = page.get_by_role("region", name="Enrolled executives")
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    right = region.bounding_box()["x"] + region.bounding_box()["width"]
    for header in ("90-day plan", "Due", "Last activity"):
        box = region.get_by_role("columnheader", name=header).bounding_box()
        assert box is not None and box["x"] + box["width"] <= right + 1, header
    remove = region.get_by_role("button", name="Remove").first
    expect(remove).to_be_visible()
    assert remove.bounding_box()["x"] + remove.bounding_box()["width"] <= right + 1


def test_dark_mode_follows_the_system_setting(page, demo):  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN)
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(246, 247, 249)"
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) == "rgb(15, 20, 26)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(231, 234, 238)"


def test_without_javascript_the_phone_shows_the_navigation(browser, live_server, demo):  # type: ignore[no-untyped-def]
    # the Menu button needs a script to open: without one, the links are shown instead
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, ADMIN)
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Main")
        for name in ADMIN_LINKS:
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(page.locator(".account-name")).to_be_visible()
        assert sideways(page) == 0
        nav.get_by_role("link", name="Cohorts", exact=True).click()
        page.wait_for_url("**/admin/cohorts")
    finally:
        context.close()
