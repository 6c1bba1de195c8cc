"""The demo executive builds a digital persona step by step (the X bio's live counter warns
near the limit and turns red over it), submits it; the demo trainer asks for a change to the
X bio; the executive sees the comment beside the field, fixes the bio and submits again; the
trainer approves and the executive downloads the approved persona as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.content.limits import see_more_split
from app.persona.export import escape_markdown
from tests.e2e.conftest import EXECUTIVE, TRAINER, follow_nav, sign_in, sign_out

pytestmark = pytest.mark.e2e


BIO_NEAR = ("CEO at Northwind Logistics. I post about cleaner city deliveries, resilient "
            "supply chains and the people who keep them moving. Cyclist, and proud dad.")
BIO_OVER = ("CEO at Northwind Logistics. I post about cleaner city deliveries, resilient "
            "supply chains and the people who keep them moving every day. Cyclist and a "
            "proud dad.")
BIO_FIRST = BIO_OVER.replace("and a proud", "and proud")
BIO_FINAL = ("CEO at Northwind Logistics. I post about cleaner city deliveries and the people "
             "who keep them moving. Weekend cyclist.")
ABOUT = ("I run Northwind because I believe logistics can be clean and still be fast. Over "
         "two years we cut delivery emissions by 18% across 40 depots, and we did it with the "
         "drivers who know our cities best. Here I share what worked, what did not, and what "
         "we are trying next: electric vans, shared depots, and apprenticeships that open the "
         "trade to people who never thought of it.")
COMMENT = "Lead with what you post about; the family detail can go."

assert (len(BIO_NEAR), len(BIO_OVER), len(BIO_FIRST)) == (150, 161, 159)
assert len(BIO_FINAL) < 144  # below the warning threshold (90 % of 160)
assert len(ABOUT) > 200  # long enough to fold under "see more"


def _sign_out(page) -> None:  # type: ignore[no-untyped-def]
    sign_out(page)
    page.wait_for_url("**/login?notice=logged-out")


def _stepper(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Persona builder steps")


def _continue(page, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=re.compile(r"^Save and (continue|review)$")).click()
    page.wait_for_url(f"**{next_url}")


def _red_dominant(locator) -> None:  # type: ignore[no-untyped-def]
    colour = locator.evaluate("el => getComputedStyle(el).color")
    match = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, [\d.]+)?\)", colour)
    assert match, colour
    red, green, blue = (int(v) for v in match.groups())
    assert red >= 120 and red > 2 * green and red > 2 * blue, colour


def _review_the_submission(page) -> None:  # type: ignore[no-untyped-def]
    """As the trainer: open Reviews from the navigation, then the one waiting submission."""
    sign_in(page, TRAINER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    page.wait_for_url("**/manage/reviews")
    queue = page.locator("#review-queue")
    # the demo leaves one sample executive's persona waiting too
    expect(queue.locator("tbody tr")).to_have_count(2)
    mine = queue.locator("tbody tr", has_text="Alex Morgan")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Digital persona")
    mine.get_by_role("link", name=re.compile(r"^Review")).click()
    page.wait_for_url(re.compile(r"/manage/reviews/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alex Morgan")


def test_executive_builds_persona_trainer_reviews_it(page, demo, tmp_path: Path):  # type: ignore[no-untyped-def]
    sign_in(page, EXECUTIVE)
    follow_nav(page, "Persona")
    page.wait_for_url("**/persona")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your digital persona")

    # Step 1, reached from the stepper.
    _stepper(page).get_by_role("link", name=re.compile(r"^Role and company")).click()
    page.wait_for_url("**/persona/steps/role")
    page.get_by_label("Your role", exact=True).fill("Chief Executive Officer")
    page.get_by_label("Your company", exact=True).fill("Northwind Logistics")
    _continue(page, "/persona/steps/expertise")

    for number, area in enumerate(("Electric fleets", "Urban logistics",
                                   "Supply-chain resilience"), start=1):
        page.get_by_label(f"Area of expertise {number}", exact=True).fill(area)
    page.get_by_label("Interests", exact=True).fill("Long-distance cycling; apprenticeships")
    _continue(page, "/persona/steps/audiences")

    page.get_by_label("Customers", exact=True).check()
    page.get_by_label("What should customers take away?").fill(
        "Deliveries stay fast as they get cleaner.")
    page.get_by_label("Employees", exact=True).check()
    page.get_by_label("What should employees take away?").fill("There is room to grow with us.")
    _continue(page, "/persona/steps/networks")

    page.get_by_label("LinkedIn", exact=True).check()
    page.get_by_label("X", exact=True).check()
    page.get_by_label("Voice and tone", exact=True).fill("Direct, curious, warm.")
    page.get_by_label("Topics you will not discuss", exact=True).fill(
        "Party politics; pending litigation")
    _continue(page, "/persona/steps/proof")

    page.get_by_label("Proof points", exact=True).fill(
        "Cut delivery emissions 18% in two years\nOpened 12 electric depots")
    _continue(page, "/persona/steps/x-profile")

    # The X bio's live counter: a warning near the limit, red over it, back once fixed.
    page.get_by_label("X display name", exact=True).fill("Alex Morgan · CEO, Northwind")
    bio = page.get_by_label("X bio", exact=True)
    counter = page.locator("#count-x_bio")
    expect(counter).to_have_class(re.compile(r"\bcounter-ok\b"))
    bio.fill(BIO_NEAR)
    expect(counter).to_have_class(re.compile(r"\bcounter-near\b"))
    expect(counter).to_contain_text("150 / 160")
    expect(counter).to_contain_text("10 left")
    bio.fill(BIO_OVER[:-1])
    bio.press_sequentially(BIO_OVER[-1])
    expect(counter).to_have_class(re.compile(r"\bcounter-over\b"))
    expect(counter).to_contain_text("161 / 160")
    expect(counter).to_contain_text("1 over the limit")
    _red_dominant(counter)
    bio.fill(BIO_FIRST)
    expect(counter).to_have_class(re.compile(r"\bcounter-(ok|near)\b"))
    expect(counter).to_contain_text("159 / 160")
    # Saved in the background: the preview beside the form follows.
    expect(page.locator("#profile-preview .x-bio")).to_have_text(BIO_FIRST)
    _continue(page, "/persona/steps/linkedin-profile")

    page.get_by_label("LinkedIn headline", exact=True).fill(
        "CEO, Northwind Logistics | Building zero-emission delivery for European cities")
    page.get_by_label("LinkedIn About section", exact=True).fill(ABOUT)
    expect(page.locator("#count-li_about")).to_contain_text(f"{len(ABOUT)} / 2,600")
    visible, rest = see_more_split(ABOUT)
    preview = page.locator("#profile-preview")
    expect(preview.locator("mark.see-more-visible")).to_have_text(visible)
    expect(preview.locator(".see-more-fold")).to_have_text("…see more")
    expect(preview.locator(".see-more-rest")).to_have_text(rest.strip())
    _continue(page, "/persona/steps/messages")

    for number, message in enumerate((
            "Every depot we electrify takes 300 diesel vans off city streets.",
            "Fast and clean are not a trade-off: our numbers prove it.",
            "Our drivers know the city best, so we plan routes with them."), start=1):
        page.get_by_label(f"Core message {number}", exact=True).fill(message)
        expect(page.locator(f"#count-core_messages-{number}")).to_contain_text(
            f"{len(message)} / 280")
    _continue(page, "/persona")

    # The overview: every step done, and the persona can go to the trainer.
    expect(_stepper(page).get_by_role("link", name=re.compile(r"\(done\)$"))).to_have_count(8)
    expect(page.locator(".x-card .x-bio")).to_have_text(BIO_FIRST)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/persona?notice=submitted")
    expect(page.get_by_role("heading", name="Waiting for your trainer")).to_be_visible()
    _sign_out(page)

    # The trainer asks for a change to the X bio.
    _review_the_submission(page)
    expect(page.get_by_role("heading", name="X bio", exact=True)).to_be_visible()
    page.get_by_label("Comment on X bio").fill(COMMENT)
    page.get_by_role("button", name="Ask for changes").click()
    page.wait_for_url("**/manage/reviews?notice=review-changes")
    # nothing of Alex's left waiting (the demo's sample submission still is)
    expect(page.locator("#review-queue tbody tr", has_text="Alex Morgan")).to_have_count(0)
    _sign_out(page)

    # The executive sees the comment beside the field, fixes the bio, submits again.
    sign_in(page, EXECUTIVE)
    page.goto("/persona")
    expect(page.get_by_role("heading", name="Your trainer asked for changes")).to_be_visible()
    x_step = _stepper(page).get_by_role("link", name=re.compile(r"^X profile"))
    expect(x_step).to_have_accessible_name(re.compile(r"needs attention"))
    x_step.click()
    page.wait_for_url("**/persona/steps/x-profile")
    bio = page.get_by_label("X bio", exact=True)
    expect(bio).to_have_value(BIO_FIRST)
    field = page.locator(".field-commented").filter(has=bio)
    expect(field.locator(".trainer-comment")).to_contain_text(COMMENT)
    bio.fill(BIO_FINAL)
    expect(page.locator("#count-x_bio")).to_have_class(re.compile(r"\bcounter-ok\b"))
    _continue(page, "/persona/steps/linkedin-profile")
    _stepper(page).get_by_role("link", name="Overview").click()
    page.wait_for_url("**/persona")
    expect(page.locator(".x-card .x-bio")).to_have_text(BIO_FINAL)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/persona?notice=submitted")
    _sign_out(page)

    # The trainer sees the changed field and approves.
    _review_the_submission(page)
    expect(page.locator(".review-row-changed").filter(has_text="X bio")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/manage/reviews?notice=review-approved")
    _sign_out(page)

    # Approved: the executive downloads the persona as Markdown.
    sign_in(page, EXECUTIVE)
    page.goto("/persona")
    expect(page.get_by_role("heading", name="Approved")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Markdown (.md)").click()
    download = download_info.value
    assert download.suggested_filename == "digital-persona.md"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    assert markdown.startswith("# Digital persona: Alex Morgan")
    assert f"**Bio:** {escape_markdown(BIO_FINAL)}" in markdown  # answers are escaped
    assert escape_markdown(BIO_FIRST) not in markdown
