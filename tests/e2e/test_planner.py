"""The demo executive writes the initiative and message of a 90-day plan, adds an item whose
draft is measured live against the chosen network's limit (over on X, fine on LinkedIn),
and finds it in the list and on its day in the calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import follow_nav, sign_in

pytestmark = pytest.mark.e2e

INITIATIVE = "Open our first zero-emission depot in Lyon"
MESSAGE = ("By June our Lyon depot will run on electric vans and solar power: cleaner air "
           "for 40,000 neighbours, and the blueprint for every depot we open next.")
DRAFT = ("Our Lyon depot opens in June. Every van in it is electric and the roof is solar. "
         "Here is what we learned building it with the drivers, the neighbours and the "
         "city, and why the next ten depots will be faster. ")
DRAFT = (DRAFT * 2)[:300]

assert len(DRAFT) == 300


def test_executive_plans_an_item(page, demo):  # type: ignore[no-untyped-def]
    sign_in(page)
    follow_nav(page, "90-day plan")
    page.wait_for_url("**/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 90-day plan")

    # The initiative and the message, with the message's live counter.
    form = page.locator("#message-form")
    form.get_by_label("Strategic initiative", exact=True).fill(INITIATIVE)
    message_counter = page.locator("#count-message")
    expect(message_counter).to_have_text("0 / 280")
    form.get_by_label("The message in one post", exact=True).fill(MESSAGE)
    expect(message_counter).to_contain_text(f"{len(MESSAGE)} / 280")
    expect(message_counter).to_have_class(re.compile(r"\bcounter-ok\b"))
    page.locator("#message-form").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#message-status")).to_have_text("Saved")
    page.reload()
    expect(page.get_by_label("Strategic initiative", exact=True)).to_have_value(INITIATIVE)
    expect(page.get_by_label("The message in one post", exact=True)).to_have_value(MESSAGE)

    # A new item: its draft is counted against the network chosen in the form.
    page.get_by_role("link", name="Add an item", exact=True).click()
    page.wait_for_url("**/plan/items/new")
    day_input = page.get_by_label("Date", exact=True)
    starts_on = date.fromisoformat(day_input.get_attribute("min") or "")
    day = starts_on + timedelta(days=10)
    day_input.fill(day.isoformat())
    counter = page.locator("#count-draft")
    expect(counter).to_have_text("0 / 3,000")  # LinkedIn is chosen first
    page.get_by_label("Network", exact=True).select_option(label="X")
    expect(counter).to_have_text("0 / 280")
    draft = page.get_by_label("Draft", exact=True)
    draft.fill(DRAFT[:-1])
    draft.press_sequentially(DRAFT[-1])
    expect(counter).to_have_class(re.compile(r"\bcounter-over\b"))
    expect(counter).to_contain_text("300 / 280")
    expect(counter).to_contain_text("20 over the limit")
    page.get_by_label("Network", exact=True).select_option(label="LinkedIn")
    expect(counter).to_have_class(re.compile(r"\bcounter-ok\b"))
    expect(counter).to_contain_text("300 / 3,000")
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url("**/plan?view=list&notice=item-saved")

    # The list shows it…
    row = page.locator("#plan-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text(f"{day:%a} {day.day} {day:%b %Y}")
    expect(row.locator("td").nth(1)).to_have_text("LinkedIn")
    expect(row.locator(".draft-cell")).to_contain_text(DRAFT[:100])
    expect(row.locator(".field-error")).to_have_count(0)  # within LinkedIn's limit
    href = row.get_by_role("link", name=re.compile(r"^Edit")).get_attribute("href")
    assert href and re.fullmatch(r"/plan/items/[0-9a-f]{8}", href), href

    # …and so does the calendar, on the item's day.
    page.get_by_role("navigation", name="View").get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/plan?view=calendar")
    entry = page.locator(f'#plan-calendar a.calendar-item[href="{href}"]')
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("LinkedIn · Text post")
    cell = page.locator("#plan-calendar .calendar-day").filter(
        has=page.locator(f'a.calendar-item[href="{href}"]'))
    expect(cell.locator(".calendar-date")).to_have_text(
        re.compile(rf"^({day.day}|{day.day} {day:%b})$"))
    expect(page.locator("#plan-calendar a.calendar-item")).to_have_count(1)
