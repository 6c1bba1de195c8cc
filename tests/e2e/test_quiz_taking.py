"""Taking a quiz in the browser: one question at a time with a navigator, large choice
rows, a live "Answered n of m", and a confirmation naming unanswered questions."""

from __future__ import annotations

import re

import pytest

from app.questions.spec import QType
from tests.e2e.conftest import sign_in
from tests.e2e.test_quiz import COURSE, _answer, module_read  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def test_one_question_at_a_time_with_progress_and_confirmation(page, module_read):  # noqa: F811
    questions, slug = module_read
    graded = [(qid, q) for qid, q in questions if q.graded]
    total = len(graded)
    sign_in(page)
    page.goto(f"/courses/{COURSE}/quizzes/{slug}")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/*")

    # one question shows; the navigator lists them all; Previous is off on the first
    visible = page.locator("fieldset.question:visible")
    assert visible.count() == 1
    assert visible.first.get_attribute("id") == f"question-{graded[0][0]}"
    assert page.locator(".quiz-nav-item").count() == total
    progress = page.locator("#quiz-progress")
    assert progress.inner_text().strip() == f"Answered 0 of {total}"
    assert page.get_by_role("button", name="← Previous").is_disabled()
    pages = page.locator("[data-quiz-page]").count()
    assert page.locator("[data-quiz-position]").inner_text() == f"Question 1 of {pages}"

    # the choice rows are large touch targets and the whole row picks the answer
    first_id, first = graded[0]
    if first.type in (QType.single, QType.multiple, QType.truefalse):
        row = page.locator(f"#question-{first_id} label.choice").first
        assert row.bounding_box()["height"] >= 44
        with page.expect_response(lambda r: f"/answers/{first_id}" in r.url):
            row.click()
    else:
        with page.expect_response(lambda r: f"/answers/{first_id}" in r.url):
            _answer(page, first_id, first, right=True)
    progress.get_by_text(f"Answered 1 of {total}").wait_for()
    assert "is-answered" in page.locator(f"#nav-q{first_id}").get_attribute("class")

    # Next goes on; the navigator jumps anywhere
    page.get_by_role("button", name="Next →").click()
    assert page.locator("fieldset.question:visible").first.get_attribute("id") \
        == f"question-{graded[1][0]}"
    last_id, last = graded[-1]
    page.locator(f"#nav-q{last_id}").click()
    assert page.locator("fieldset.question:visible").first.get_attribute("id") \
        == f"question-{last_id}"
    with page.expect_response(lambda r: f"/answers/{last_id}" in r.url):
        _answer(page, last_id, last, right=True)
    progress.get_by_text(f"Answered 2 of {total}").wait_for()

    # submitting asks first, naming the unanswered questions
    page.get_by_role("button", name="Submit answers").click()
    dialog = page.get_by_role("dialog")
    missing = list(range(2, total))
    names = ", ".join(str(n) for n in missing[:-1]) + f" and {missing[-1]}"
    assert dialog.get_by_text(f"Questions {names} are unanswered. Submit anyway?").is_visible()
    dialog.get_by_role("button", name="Keep answering").click()
    assert not dialog.is_visible()
    assert page.locator("fieldset.question:visible").first.get_attribute("id") \
        == f"question-{graded[1][0]}"
    assert page.url.endswith("/attempts/1")  # nothing was submitted

    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit anyway").click()
    page.wait_for_url(re.compile(r".*/attempts/1$"))
    page.get_by_text("Not passed:").or_(page.get_by_text("Passed:")).first.wait_for()
    assert page.locator(".quiz-nav").count() == 0  # the result lists every question


def test_without_javascript_every_question_is_on_one_page(
        browser, live_server, module_read):  # noqa: F811
    questions, slug = module_read
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/courses/{COURSE}/quizzes/{slug}")
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_url("**/attempts/*")
        graded = [(qid, q) for qid, q in questions if q.graded]
        assert page.locator("fieldset.question:visible").count() == len(graded)
        assert not page.locator("[data-quiz-pager]").is_visible()
        page.get_by_role("button", name="Submit answers").click()
        page.get_by_text("Questions 1, 2").first.wait_for()
        assert page.get_by_role("alert").get_by_text("Submit anyway?").is_visible()
        page.get_by_role("button", name="Submit anyway").click()
        page.get_by_text("Not passed:").wait_for()
    finally:
        context.close()
