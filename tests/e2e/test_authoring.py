"""The demo trainer rewrites a lesson in the browser, watches the live preview, saves it to
the draft (the executive still reads the published text), publishes it, and the demo
executive then reads the new text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINER, sign_in

pytestmark = pytest.mark.e2e

COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
LESSON_URL = f"/courses/{COURSE}/lessons/{LESSON}"
NEW_TEXT = ("Executives who **listen first** earn the right to be heard. "
            "Spend a week reading what your customers post before you write a word.")


def test_trainer_edits_previews_publishes_and_executive_reads(  # type: ignore[no-untyped-def]
        page, browser, live_server, demo):
    executive = browser.new_context(base_url=live_server).new_page()
    sign_in(executive)
    executive.goto(LESSON_URL)
    expect(executive.locator("article.lesson")).not_to_contain_text("listen first")

    sign_in(page, TRAINER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Authoring").click()
    page.wait_for_url("**/author")
    page.get_by_role("link", name="Executive Enablement").first.click()
    page.wait_for_url(f"**/author/{COURSE}")
    page.get_by_role("link", name="Trust, transparency and the face of the company",
                     exact=True).click()
    page.wait_for_url(f"**/author/{COURSE}/lessons/{LESSON}")

    body = page.get_by_label("Text (Markdown)")
    body.fill(NEW_TEXT)
    # The live preview renders the Markdown as executives will see it.
    preview = page.locator("#preview")
    expect(preview).to_contain_text("before you write a word")
    expect(preview.locator("strong")).to_have_count(1)
    expect(preview.locator("strong")).to_have_text("listen first")
    expect(page.locator("#estimate")).to_contain_text("About 1 min")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    expect(page.get_by_label("Text (Markdown)")).to_have_value(NEW_TEXT)

    # A draft is the trainer's alone.
    executive.reload()
    expect(executive.locator("article.lesson")).not_to_contain_text("listen first")

    page.get_by_role("link", name="Executive Enablement").click()
    page.get_by_label("What changed (kept in the history)").fill("Listening comes first")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".notice")).to_contain_text("Published")
    expect(page.locator("#publish-h")).to_contain_text("matches what executives see")

    executive.reload()
    expect(executive.locator("article.lesson strong")).to_have_text("listen first")
    expect(executive.locator("article.lesson")).to_contain_text("before you write a word")

    # The publish is in the lesson's history, with its message and author.
    page.goto(f"/author/{COURSE}/lessons/{LESSON}/history")
    expect(page.locator("#lesson-revisions")).to_contain_text("Listening comes first")
    expect(page.locator("#lesson-revisions")).to_contain_text("Sam Whitfield")
    expect(page.locator("#diff .diff-added")).to_contain_text("listen first")
    executive.context.close()
