"""The demo executive takes a quiz that draws 3 of its questions at random: the quiz page
says so, the attempt shows only the drawn questions, and the score is out of them."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.models import Lesson, Quiz
from tests.e2e.conftest import sign_in
from tests.e2e.test_quiz import COURSE, _answer, module_read  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def test_a_quiz_drawn_at_random(page, module_read, database):  # noqa: F811
    questions, slug = module_read
    graded = {qid: q for qid, q in questions if q.graded}
    with database.session(write=True) as s:
        lesson = s.exec(select(Lesson).where(Lesson.slug == slug)).one()
        quiz = s.get(Quiz, lesson.id)
        quiz.draw = 3
        s.add(quiz)
    sign_in(page)
    page.goto(f"/courses/{COURSE}/quizzes/{slug}")
    facts = page.locator("ul.facts")
    assert f"3 questions drawn at random from {len(graded)}" in facts.inner_text()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/*")

    items = page.locator(".quiz-nav-item")
    assert items.count() == 3
    assert page.locator("#quiz-progress").inner_text().strip() == "Answered 0 of 3"
    shown = [int(re.sub(r"\D", "", page.locator("fieldset.question").nth(i)
                        .get_attribute("id") or "")) for i in range(3)]
    assert len(set(shown)) == 3 and set(shown) <= set(graded)
    for qid in shown:
        page.locator(f"#nav-q{qid}").click()
        with page.expect_response(lambda r, qid=qid: f"/answers/{qid}" in r.url):
            _answer(page, qid, graded[qid], right=True)
    page.locator("#quiz-progress").get_by_text("Answered 3 of 3").wait_for()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r".*/attempts/1$"))
    page.get_by_text("✓ Passed: 100.0%").wait_for()
    assert page.locator("fieldset.question").count() == 3  # the result lists the drawn ones
