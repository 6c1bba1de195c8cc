"""The demo executive takes a module quiz, fails it, retakes it, passes, and the module
shows as complete."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.courses.service import get_course
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from app.learning.completion import complete_lesson
from app.learning.progress import get_enrolment
from app.models import Lesson, Module, User
from app.questions.spec import QType, Question
from app.quizzes.quiz_store import live_questions
from app.quizzes.responses import matching_answers

pytestmark = pytest.mark.e2e

COURSE = "executive-enablement"
MODULE = "social-media-mechanics"


@pytest.fixture
def module_read(database, settings):  # type: ignore[no-untyped-def]
    """The demo executive has read the module's lessons; only its quiz is left."""
    with database.session(write=True) as s:
        load_demo(s, settings)
        user = s.exec(select(User).where(User.email == DEMO_ACCOUNTS[0].email)).one()
        course = get_course(s, COURSE)
        enrolment = get_enrolment(s, user_id=user.id, course_id=course.id)
        module = s.exec(select(Module).where(Module.course_id == course.id,
                                             Module.slug == MODULE)).one()
        lessons = s.exec(select(Lesson).where(Lesson.module_id == module.id)).all()
        quiz = next(les for les in lessons if les.kind == "quiz")
        for lesson in lessons:
            if lesson.kind == "reading":
                complete_lesson(s, user_id=user.id, course=course, lesson=lesson,
                                enrolment=enrolment)
        return [(row.id, q) for row, q in live_questions(s, lesson_id=quiz.id)], quiz.slug


def _answer(page, qid: int, q: Question, right: bool) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f"#question-{qid}")
    if q.type == QType.single:
        best = max(q.choices, key=lambda c: c.fraction)
        pick = best if right else min(q.choices, key=lambda c: c.fraction)
        box.get_by_label(pick.text, exact=True).check()
    elif q.type == QType.multiple:
        for choice in q.choices:
            if (choice.fraction > 0) == right:
                box.get_by_label(choice.text, exact=True).check()
    elif q.type == QType.truefalse:
        box.get_by_label("True" if q.correct == right else "False", exact=True).check()
    elif q.type == QType.numerical:
        best = max(q.numerical, key=lambda n: n.fraction)
        box.get_by_label("Your answer").fill(str(best.value if right else best.value + 999))
    elif q.type == QType.short:
        accepted = max(q.choices, key=lambda c: c.fraction).text.replace("*", "")
        box.get_by_label("Your answer").fill(accepted if right else "no idea")
    elif q.type == QType.matching:
        answers = matching_answers(q)
        prompts = [p for p in q.pairs if p.question]
        for i, pair in enumerate(prompts):
            target = pair.answer if right else next(a for a in answers if a != pair.answer)
            box.locator(f"select[name='q{qid}_{i}']").select_option(label=target)


def _take(page, questions, slug: str, right: bool) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/courses/{COURSE}/quizzes/{slug}")
    page.get_by_role("button", name="Start the quiz").or_(
        page.get_by_role("button", name="Retake the quiz")).or_(
        page.get_by_role("button", name="Continue attempt 1")).click()
    page.wait_for_url("**/attempts/*")
    for qid, q in questions:
        if q.graded:
            page.locator(f"#nav-q{qid}").click()  # one question at a time: go to it
            with page.expect_response(lambda r, qid=qid: f"/answers/{qid}" in r.url):
                _answer(page, qid, q, right)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/attempts/*")


def test_fail_retake_pass_and_module_completes(page, module_read):  # type: ignore[no-untyped-def]
    questions, slug = module_read
    page.goto("/login")
    page.get_by_label("Email").fill(DEMO_ACCOUNTS[0].email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    # a numerical answer that is not a number is refused next to the question
    numerical = next(qid for qid, q in questions if q.type == QType.numerical)
    page.goto(f"/courses/{COURSE}/quizzes/{slug}")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/*")
    page.locator(f"#nav-q{numerical}").click()
    page.locator(f"#question-{numerical}").get_by_label("Your answer").fill("lots")
    page.locator(f"#status-{numerical}").get_by_text("Enter a number").wait_for()

    _take(page, questions, slug, right=False)
    assert page.get_by_text("Not passed:").is_visible()
    _take(page, questions, slug, right=True)
    assert page.get_by_text("Passed: 100.0%").is_visible()

    page.goto(f"/courses/{COURSE}")
    module = page.locator(".module", has=page.get_by_role("heading", name="Social media mechanics"))
    assert module.locator(".badge-ok").inner_text().strip() == "✓ Completed"
    assert "Passed, best 100%" in module.inner_text()
