"""Cards are made from a graded quiz attempt (questions answered wrong or partly right
only, never essays or descriptions) and from a completed lesson's key takeaways (parsed
from its Markdown); their text follows the course as published."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlmodel import select

from app.models import Lesson, RecallCard, RecallReview
from app.recall import service
from app.recall.takeaways import takeaways
from tests.conftest import csrf_from, login
from tests.recall.conftest import HELLO, QUIZ, cards_of, question_ids


def submit_quiz(client, answers: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    started = client.post(QUIZ + "/attempts", data={"csrf_token": csrf_from(client, QUIZ)})
    assert started.status_code == 303
    url = started.headers["location"]
    done = client.post(url + "/submit", data={"csrf_token": csrf_from(client, url),
                                              "confirm_unanswered": "1", **answers})
    assert done.status_code == 303


def test_wrong_and_partly_right_answers_become_cards(client, database, course, executive):
    _, quiz = course
    q = question_ids(database, quiz)
    login(client, executive.email)
    submit_quiz(client, {f"q{q['single']}": "0",  # right
                         f"q{q['truefalse']}": "false",  # wrong
                         f"q{q['multiple']}": ["0"],  # X only: partly right
                         f"q{q['essay']}": "My first post."})  # numerical left unanswered
    cards = cards_of(database, executive)
    assert {c.question_id for c in cards} == {q["truefalse"], q["multiple"], q["numerical"]}
    assert all(c.kind == "question" and c.lesson_id == quiz.id for c in cards)
    with database.session() as s:
        logs = {r.question_id: r for r in s.exec(select(RecallReview)).all()}
    assert {qid: r.rating for qid, r in logs.items()} == {
        q["truefalse"]: Rating.Again, q["numerical"]: Rating.Again, q["multiple"]: Rating.Hard}
    assert all(r.source == "quiz" and r.elapsed_days is None for r in logs.values())
    # each is scheduled by FSRS a day or more ahead, not for today
    for card in cards:
        assert card.last_review is not None and card.due - card.last_review >= timedelta(days=1)


def test_a_second_attempt_reviews_the_cards_and_adds_no_duplicates(client, database, course,
                                                                   executive):
    _, quiz = course
    q = question_ids(database, quiz)
    login(client, executive.email)
    submit_quiz(client, {f"q{q['truefalse']}": "false"})
    first = {c.question_id: c for c in cards_of(database, executive)}
    submit_quiz(client, {f"q{q['truefalse']}": "true", f"q{q['single']}": "0"})
    second = {c.question_id: c for c in cards_of(database, executive)}
    assert set(second) == set(first)  # the right answer to "single" makes no card
    with database.session() as s:
        ratings = s.exec(select(RecallReview.rating).where(
            RecallReview.question_id == q["truefalse"]).order_by(RecallReview.id)).all()
    assert ratings == [Rating.Again, Rating.Good]  # the retake counts as a review


def test_completing_a_lesson_makes_one_card_per_takeaway(client, database, course, executive):
    login(client, executive.email)
    client.get(HELLO)
    response = client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    assert response.status_code == 303
    cards = cards_of(database, executive)
    assert [(c.kind, c.position) for c in cards] == [("takeaway", 1), ("takeaway", 2)]
    first = cards[0]
    assert first.last_review is None and first.due - first.created_at == timedelta(days=1)
    # completing again changes nothing; a lesson without takeaways makes none
    client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    world = "/courses/pilot/lessons/world"
    client.post(world + "/complete", data={"csrf_token": csrf_from(client, world)})
    assert len(cards_of(database, executive)) == 2


def test_takeaways_are_the_callouts_bullets():
    markdown = """Intro.

> [!TIP]
> - not a takeaway

> [!takeaways] Remember
> - Listen **for a week** before you post.
>   - a detail, part of the first bullet
> - Answer every comment in the
>   first hour.

- an ordinary list
"""
    found = takeaways(markdown)
    assert [t.text for t in found] == ["Listen for a week before you post.",
                                       "Answer every comment in the first hour."]
    assert found[0].prompt == "Listen _____ before you post."  # the bold phrase hidden
    assert found[1].prompt.startswith("Answer every") and found[1].prompt.endswith("_____")
    assert takeaways("> [!NOTE]\n> - no\n") == []
    assert takeaways("No callout at all.\n") == []


def test_card_text_follows_the_course_and_gone_items_retire(client, database, course,
                                                            executive):
    login(client, executive.email)
    client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    with database.session(write=True) as s:
        lesson = s.exec(select(Lesson).where(Lesson.slug == "hello")).one()
        lesson.body_md = "Welcome.\n\n> [!TAKEAWAYS]\n> - Listen **two weeks** first.\n"
        s.add(lesson)
    with database.session(write=True) as s:
        cards = list(s.exec(select(RecallCard).order_by(RecallCard.position)).all())
        assert service.takeaway_of(s, card=cards[0]).text == "Listen two weeks first."
        assert service.takeaway_of(s, card=cards[1]) is None  # the second bullet is gone
        later = cards[0].due + timedelta(hours=1)
        assert service.retire_orphans(s, user_id=executive.id, now=later,
                                      tz=ZoneInfo("UTC")) == 1
    assert [c.retired_at is None for c in cards_of(database, executive)] == [True, False]
