"""The 90-day plan on a phone is an agenda of the days that have items (each item's
network, format, source and status in full, and the add action), with no sideways scroll;
on a laptop it is the calendar of weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import User
from app.planner import service as planner
from tests.e2e.conftest import EXECUTIVE, sign_in

pytestmark = pytest.mark.e2e

ITEMS = [
    (2, "linkedin", "carousel", "customer-testimonial", "scheduled"),
    (2, "x", "text-post", "news-story", "idea"),
    (9, "instagram", "video", "employee-example", "drafted"),
    (30, "youtube", "live", "conference-talk", "published"),
]
TITLES = ["LinkedIn · Document or carousel", "X · Text post", "Instagram · Video",
          "YouTube · Live session"]


@pytest.fixture
def planned(demo, database):  # type: ignore[no-untyped-def]
    with database.session(write=True) as session:
        user = session.exec(select(User).where(User.email == EXECUTIVE)).one()
        starts_on = planner.view(session, user=user).starts_on
        for offset, network, format_, source, status in ITEMS:
            saved = planner.save_item(session, user=user, form={
                "date": (starts_on + timedelta(days=offset)).isoformat(), "network": network,
                "format": format_, "source": source, "source_other": "", "status": status,
                "draft": "Why our depots go electric, told by the drivers who asked for it."})
            assert saved.saved, saved.errors
    return starts_on


def test_phone_gets_the_agenda_and_laptop_the_calendar(page, planned: date):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/plan")
    agenda, calendar = page.locator("#plan-agenda"), page.locator("#plan-calendar")
    expect(agenda).to_be_visible()
    expect(calendar).to_be_hidden()

    days = agenda.locator(".agenda-day")
    expect(days).to_have_count(3)  # the 2nd day has two items
    expect(days.first.locator(".agenda-item")).to_have_count(2)
    titles = agenda.locator(".agenda-title")
    expect(titles).to_have_count(len(TITLES))
    assert sorted(titles.all_inner_texts()) == sorted(TITLES)  # same-day order: by id
    for n in range(len(TITLES)):  # nothing is cut off with an ellipsis
        assert titles.nth(n).evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    linkedin = agenda.locator(".agenda-item", has_text="LinkedIn")
    expect(linkedin).to_contain_text("Customer testimonial")
    expect(linkedin).to_contain_text("Scheduled")
    expect(linkedin).to_contain_text("Why our depots go electric")
    expect(agenda.get_by_role("link", name="Add an item")).to_be_visible()

    # Nothing scrolls sideways: neither the agenda nor the page.
    assert agenda.evaluate("el => el.getBoundingClientRect().right") <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    titles.first.click()
    page.wait_for_url("**/plan/items/*")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/plan")
    expect(page.locator("#plan-calendar")).to_be_visible()
    expect(page.locator("#plan-agenda")).to_be_hidden()
    expect(page.locator("#plan-calendar .calendar-item")).to_have_count(len(ITEMS))
