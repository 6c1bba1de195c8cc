"""In the browser: after the X bio is shortened under its limit, the autosave takes away the
message beside it, the banner and the stepper's "!" (and brings them back when it grows)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_messages_follow_the_saved_bio(page, demo):  # type: ignore[no-untyped-def]
    sign_in(page)
    page.goto("/persona/steps/x-profile")
    page.get_by_label("X display name", exact=True).fill("Alex Morgan")
    bio = page.get_by_label("X bio", exact=True)
    bio.fill("b" * 227)
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.locator("#f-x_bio-error")
    expect(message).to_contain_text("67 characters over")
    expect(bio).to_have_attribute("aria-invalid", "true")
    step = page.get_by_role("navigation", name="Persona builder steps").locator(
        "li", has_text="X profile")
    expect(step).to_have_class(re.compile(r"\bstepper-attention\b"))
    expect(page.locator("#step-problems .form-error")).to_be_visible()

    bio.fill("b" * 114)  # the autosave runs after a pause in typing
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=8000)
    expect(message).to_have_count(0)
    expect(page.locator("#step-problems .form-error")).to_have_count(0)
    expect(step).to_have_class(re.compile(r"\bstepper-done\b"))
    expect(bio).not_to_have_attribute("aria-invalid", "true")
    expect(bio.locator("xpath=ancestor::div[contains(@class,'field')][1]")).not_to_have_class(
        re.compile(r"\bfield-invalid\b"))

    bio.fill("b" * 170)  # and a new problem shows as soon as it is saved
    expect(message).to_contain_text("10 characters over", timeout=8000)
    expect(step).to_have_class(re.compile(r"\bstepper-attention\b"))
    expect(page.locator("#step-problems a[href='#f-x_bio']")).to_be_visible()
