"""A daily review in the browser, on a phone-sized screen: the home page's line, then
one card at a time with HTMX (a missed quiz question answered again with feedback, key
takeaways revealed from the keyboard and self-graded) until "Done for today"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app.courses.service import get_course
from app.demo import DEMO_ACCOUNTS, load_demo
from app.learning.completion import complete_lesson
from app.learning.progress import get_enrolment
from app.models import Lesson, RecallCard, User, utcnow
from app.questions.spec import QType
from app.quizzes.quiz_store import live_questions
from app.recall import service as recall
from tests.e2e.conftest import sign_in
from tests.e2e.test_every_page import AXE, AXE_RUN

pytestmark = pytest.mark.e2e

COURSE = "executive-enablement"
LESSON = "trust-and-transparency"  # three key takeaways


def fits_and_is_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """No sideways scroll, no serious or critical axe-core finding."""
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, "
                                  "window.innerWidth]")
    assert scroll <= inner
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []


@pytest.fixture
def review_due(database, settings):  # type: ignore[no-untyped-def]
    """The demo executive completed a lesson and missed a quiz question; days later every
    card is due. Returns the missed question."""
    with database.session(write=True) as s:
        load_demo(s, settings)
        user = s.exec(select(User).where(User.email == DEMO_ACCOUNTS[0].email)).one()
        course = get_course(s, COURSE)
        enrolment = get_enrolment(s, user_id=user.id, course_id=course.id)
        lesson = s.exec(select(Lesson).where(Lesson.course_id == course.id,
                                             Lesson.slug == LESSON)).one()
        complete_lesson(s, user_id=user.id, course=course, lesson=lesson,
                        enrolment=enrolment)
        recall.add_takeaway_cards(s, user_id=user.id, lesson=lesson)
        quiz = s.exec(select(Lesson).where(Lesson.course_id == course.id,
                                           Lesson.kind == "quiz")).first()
        row, question = next((r, q) for r, q in live_questions(s, lesson_id=quiz.id)
                             if q.type == QType.single)
        recall.record_quiz_answers(s, user_id=user.id, lesson_id=quiz.id,
                                   answers=[(row.id, question.type.value, 0.0)])
        cards = s.exec(select(RecallCard).where(RecallCard.user_id == user.id)).all()
        due = utcnow() - timedelta(hours=1)  # one moment: the page orders ties by id
        for card in cards:
            card.due = due
            s.add(card)
        return row.id, question, len(cards)


def test_a_review_session_on_a_phone(page, review_due):  # type: ignore[no-untyped-def]
    qid, question, count = review_due
    assert 4 <= count <= recall.DAILY_LIMIT
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    line = page.locator("#review-today")
    minutes = -(-count * recall.SECONDS_PER_CARD // 60)
    assert re.sub(r"\s+", " ", line.inner_text()).strip() == \
        f"Today's review: {count} cards · about {minutes} minute{'s' if minutes > 1 else ''}"
    line.get_by_role("link").click()
    page.wait_for_url("**/daily-review")
    seen = {"question": 0, "takeaway": 0}
    for left in range(count, 0, -1):
        status = page.locator("#review-left")
        assert status.inner_text().startswith(f"{left} card")
        if page.locator(f"#question-{qid}").count():
            seen["question"] += 1
            worst = min(question.choices, key=lambda c: c.fraction)
            page.locator(f"#question-{qid}").get_by_label(worst.text, exact=True).check()
            fits_and_is_accessible(page)
            page.get_by_role("button", name="Check my answer").click()
            page.locator(".question-result").get_by_text("Not correct").wait_for()
            fits_and_is_accessible(page)
            # (no right answer shown: this executive has no submitted attempt, and the
            # review reveals answers as the quiz's own setting does)
            following = page.locator("#next-card")
            assert following.evaluate("el => el === document.activeElement")  # autofocus
            page.keyboard.press("Enter")
        else:
            seen["takeaway"] += 1
            assert page.locator(".review-prompt").inner_text().count("_____") == 1
            reveal = page.locator("summary", has_text="Show the takeaway")
            reveal.focus()
            page.keyboard.press("Enter")  # keyboard only: reveal, then grade
            good = page.get_by_role("button", name="Good", exact=True)
            good.wait_for()
            fits_and_is_accessible(page)
            assert good.bounding_box()["width"] <= 390
            good.focus()
            page.keyboard.press("Enter")
        if left > 1:
            page.locator("#review-left").get_by_text(f"{left - 1} card", exact=False).wait_for()
    page.get_by_role("heading", name="Done for today").wait_for()
    assert seen == {"question": 1, "takeaway": count - 1}
    page.goto("/")
    assert page.locator("#review-today").count() == 0
