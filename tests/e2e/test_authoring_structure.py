"""The demo trainer reorders the course structure in Chromium: drags a lesson to a new
place, moves one with Alt+ArrowDown (announced in the live region), uses a row's menu
(Escape closes it, focus goes back to its button) and its confirm step to remove a lesson;
the order is on the server (it survives a reload). The page stays compact: its height at
1280 px is printed and bounded, and nothing in it scrolls sideways at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINER, sign_in

pytestmark = pytest.mark.e2e

COURSE_URL = "/author/executive-enablement"
FIRST_MODULE = "#module-why-executives-belong"


def lesson_order(page, module: str = FIRST_MODULE) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(f"{module} .au-row").evaluate_all(
        "rows => rows.map(r => r.dataset.lesson)")


def test_drag_a_lesson_and_the_order_persists(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.goto(COURSE_URL)
    before = lesson_order(page)
    assert len(before) == 5
    source = page.locator(f"#lesson-{before[0]} .au-grip")
    target = page.locator(f"#lesson-{before[2]}")
    start, end = source.bounding_box(), target.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    # past the third row's middle: the first lesson lands third
    page.mouse.move(start["x"] + 10, end["y"] + end["height"] * 0.75, steps=20)
    page.mouse.up()
    status = page.locator("#order-status")
    expect(status).to_contain_text("Lesson moved to position 3 of 5")
    expect(status).to_contain_text("New order saved to the draft.")
    expected = [before[1], before[2], before[0], *before[3:]]
    assert lesson_order(page) == expected
    page.reload()
    assert lesson_order(page) == expected
    expect(page.locator("#publish-h")).to_contain_text("Draft with unpublished changes")


def test_keyboard_moves_a_lesson_and_a_module(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.goto(COURSE_URL)
    before = lesson_order(page)
    page.locator(f"#lesson-{before[1]}").focus()
    page.keyboard.press("Alt+ArrowDown")
    status = page.locator("#order-status")
    expect(status).to_contain_text("Lesson moved to position 3 of 5 in “Why executives belong")
    expect(status).to_contain_text("New order saved to the draft.")
    expect(page.locator(f"#lesson-{before[1]}")).to_be_focused()
    # a module moves with its heading's button focused
    modules = page.locator(".au-module").evaluate_all("ms => ms.map(m => m.dataset.module)")
    page.locator(f"#module-{modules[0]} .au-toggle").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(status).to_contain_text("Module moved to position 2 of 8.")
    expect(status).to_contain_text("New order saved to the draft.")
    page.reload()
    assert lesson_order(page) == [before[0], before[2], before[1], *before[3:]]
    assert page.locator(".au-module").evaluate_all(
        "ms => ms.map(m => m.dataset.module)")[:2] == [modules[1], modules[0]]
    expect(page.locator(f"#module-{modules[0]} .au-module-number")).to_have_text("2")


def test_row_menu_confirm_step_and_collapsing(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.goto(COURSE_URL)
    lessons = lesson_order(page)
    row = page.locator(f"#lesson-{lessons[0]}")
    button = row.locator(".au-menu-button")
    panel = row.locator(".au-menu-panel")
    expect(panel).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Move up")).to_be_disabled()  # the first lesson
    expect(panel.get_by_role("button", name="Move down")).to_be_focused()  # first enabled item
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()

    # removing asks first, inside the menu, and only the confirming button removes
    button.click()
    panel.locator("summary", has_text="Remove…").click()
    confirm = panel.get_by_role("button", name="Remove")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    assert lesson_order(page) == lessons[1:]

    # a collapsed module stays collapsed after a reload (remembered in this browser)
    toggle = page.locator(f"{FIRST_MODULE} .au-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"{FIRST_MODULE} .au-module-body")).to_be_hidden()
    page.reload()
    expect(page.locator(f"{FIRST_MODULE} .au-toggle")).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"{FIRST_MODULE} .au-module-body")).to_be_hidden()
    page.get_by_role("button", name="Expand all").click()
    expect(page.locator(f"{FIRST_MODULE} .au-module-body")).to_be_visible()

    # the add-lesson form opens only when asked for
    form = page.locator(f"{FIRST_MODULE} .au-add-form").first
    expect(form).to_be_hidden()
    page.locator(f"{FIRST_MODULE} summary", has_text="Add lesson or quiz").click()
    expect(form).to_be_visible()


def test_structure_page_is_compact_and_fits_a_phone(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(COURSE_URL)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"\nstructure page height at 1280 px: {height} px (was 4,817)")
    # 38 items in 8 modules since the second edition (the 28 of the first fitted in 3,000)
    assert height < 3600
    assert page.locator(".button-danger:visible").count() == 0  # no red buttons until asked
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(COURSE_URL)
    # the page's own content never scrolls sideways (the site header is another matter)
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')].map("
        "e => e.getBoundingClientRect().right))")
    assert widest <= 390, widest
    row = page.locator(".au-row").first
    row.locator(".au-menu-button").click()
    box = row.locator(".au-menu-panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390


QUESTION_URL = (f"{COURSE_URL}/quizzes/why-executives-belong-quiz/questions/1")


def test_question_editor_rows_and_live_preview(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(QUESTION_URL)
    rows = page.locator("#qf-choices-rows > .au-answer")
    count = rows.count()
    first = page.locator("#qf-choice-0-text")
    first.fill("A typed answer that must survive")
    # a new row: focused, numbered, with the type's default grade; typed text stays
    page.get_by_role("button", name="Add an answer").click()
    expect(rows).to_have_count(count + 1)
    added = rows.last
    expect(added.locator("legend")).to_have_text(f"Answer {count + 1}")
    expect(added.locator("input[type=text]").first).to_be_focused()
    expect(added.locator("select")).to_have_value("0")
    added.locator("input[type=text]").first.fill("Brand new")
    # removing the second row keeps the others as typed, and renumbers them
    rows.nth(1).get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(count)
    expect(first).to_have_value("A typed answer that must survive")
    expect(rows.last.locator("legend")).to_have_text(f"Answer {count}")
    # feedback opens when asked for
    feedback = page.locator("#qf-choice-0-feedback")
    expect(feedback).to_be_hidden()
    rows.first.locator("summary", has_text="Feedback").click()
    expect(feedback).to_be_visible()
    # the preview beside the form follows the typing
    preview = page.locator("#question-preview")
    box, form_box = preview.bounding_box(), page.locator(".au-question-form").bounding_box()
    assert box and form_box and box["x"] > form_box["x"] + form_box["width"] - 1  # beside
    page.locator("#qf-text").fill("Is the preview live?")
    expect(preview).to_contain_text("Is the preview live?")
    expect(preview).to_contain_text("A typed answer that must survive")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    expect(page.locator("#quiz-question-1")).to_contain_text("Is the preview live?")
    expect(page.locator("#quiz-question-1")).to_contain_text("Brand new")

    # on a phone the preview comes below the form and nothing scrolls sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(QUESTION_URL)
    box, form_box = preview.bounding_box(), page.locator(".au-question-form").bounding_box()
    assert box and form_box and box["y"] >= form_box["y"] + form_box["height"] - 1
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')].map("
        "e => e.getBoundingClientRect().right))")
    assert widest <= 390, widest


def test_without_javascript_every_action_is_still_there(browser, live_server, demo):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, TRAINER)
    page.goto(COURSE_URL)
    lessons = lesson_order(page)
    row = page.locator(f"#lesson-{lessons[0]}")
    # the row's actions show inline (no menu button to press without a script)
    expect(row.locator(".au-menu-button")).to_be_hidden()
    expect(row.get_by_role("button", name="Move down")).to_be_visible()
    row.get_by_role("button", name="Move down").click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    assert lesson_order(page)[:2] == [lessons[1], lessons[0]]
    # removal still asks first: "Remove…" opens its confirm step
    row = page.locator(f"#lesson-{lessons[0]}")
    row.locator("summary", has_text="Remove…").click()
    row.get_by_role("button", name="Remove").click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    assert lessons[0] not in lesson_order(page)
    # and the add form opens from its summary
    module = page.locator(FIRST_MODULE)
    module.locator("summary", has_text="Add lesson or quiz").click()
    module.locator(".au-add-form").first.get_by_label("Title").fill("Added without a script")
    module.get_by_role("button", name="Add to").click()
    expect(page.locator(".notice")).to_contain_text("Saved to the draft")
    assert lesson_order(page)[-1] == "added-without-a-script"
    context.close()
