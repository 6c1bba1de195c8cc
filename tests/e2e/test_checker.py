"""The demo executive opens "Before you post", types a draft and sees the counters and the
findings appear as they type (the trainer's phrase among them, with its severity), then
fixes the draft and sees the findings go."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.db import Database
from app.models import CheckerPhrase
from tests.e2e.conftest import follow_nav, sign_in

pytestmark = pytest.mark.e2e


def test_findings_appear_as_the_executive_types(page, demo, database: Database):  # type: ignore[no-untyped-def]
    with database.session(write=True) as session:
        session.add(CheckerPhrase(phrase="Projekt Falke", key="projekt falke", severity="stop",
                                  explanation="Internal code name: not public yet."))
    sign_in(page)
    follow_nav(page, "Before you post")
    page.wait_for_url("**/check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you post")
    page.get_by_label("X", exact=True).check()

    draft = page.get_by_label("Your draft")
    draft.press_sequentially("Wir erwarten ein starkes Quartal mit Projekt Falke! "
                             "#supplychain #netzero #fleet", delay=5)
    findings = page.locator("#findings")
    stop = findings.locator('li[data-severity="stop"]')
    expect(stop).to_contain_text("“Projekt Falke”: Internal code name: not public yet.")
    expect(findings).to_contain_text("“wir erwarten” reads as a statement about future results")
    expect(findings).to_contain_text("3 hashtags: the course recommends at most 2 on X")
    # the lesson on hashtags is in the shipped course: its link opens at the section
    hashtags = findings.locator("li", has_text="3 hashtags")
    link = hashtags.get_by_role("link", name="Read the lesson")
    expect(link).to_have_attribute(
        "href", "/courses/executive-enablement/lessons/posts-mentions-hashtags#section-hashtags")
    # both networks' counters
    expect(page.locator("#results .counter")).to_have_count(2)

    # fixed: the findings go as the text changes
    draft.fill("Stolz auf unser Team in Lyon. #SupplyChain")
    expect(page.locator("#results")).to_contain_text("Nothing to flag in this draft.")
    expect(stop).to_have_count(0)
