"""Scheduling with the fsrs package on a simulated clock (``now`` injected, no sleeping),
and the daily limits: at most 20 cards a day, never one card twice in a day, and a "not
today" that holds today's cards until tomorrow and changes nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler, State
from sqlmodel import select

from app.models import RecallCard, RecallReview
from app.recall import scheduling, service
from tests.recall.conftest import at, make_card, question_ids

UTC_ZONE = ZoneInfo("UTC")


def qid(database, quiz) -> int:  # type: ignore[no-untyped-def]
    return question_ids(database, quiz)["single"]


def card_in(database, card_id: int) -> RecallCard:  # type: ignore[no-untyped-def]
    with database.session() as s:
        card = s.get(RecallCard, card_id)
        assert card is not None
        return card


def review(database, card_id: int, rating: Rating, now: datetime,  # type: ignore[no-untyped-def]
           tz: ZoneInfo = UTC_ZONE) -> RecallCard:
    with database.session(write=True) as s:
        card = s.get(RecallCard, card_id)
        service.review_card(s, card=card, rating=rating, tz=tz, now=now)
    return card_in(database, card_id)


@pytest.mark.parametrize(("fraction", "rating"), [
    (1.0, Rating.Good), (0.9995, Rating.Good), (0.5, Rating.Hard), (0.01, Rating.Hard),
    (0.0, Rating.Again), (None, Rating.Again)])
def test_quiz_grades_map_to_ratings(fraction, rating):
    assert scheduling.rating_for_fraction(fraction) == rating


def test_a_card_follows_fsrs_across_weeks(database, course, executive):
    _, quiz = course
    card_id = make_card(database, executive, quiz, key="q:x1", due=at(0),
                        question_id=qid(database, quiz))
    reference = Card(card_id=0, due=at(0))
    reference_scheduler = Scheduler(learning_steps=(), relearning_steps=(),
                                    enable_fuzzing=False)
    now = at(0)
    intervals = []
    for rating in (Rating.Good, Rating.Good, Rating.Hard, Rating.Again, Rating.Good):
        card = review(database, card_id, rating, now)
        reference, _ = reference_scheduler.review_card(reference, rating, review_datetime=now)
        assert (card.state, card.step, card.due, card.last_review) == (
            int(reference.state), reference.step, reference.due, reference.last_review)
        assert card.stability == pytest.approx(reference.stability)
        assert card.difficulty == pytest.approx(reference.difficulty)
        assert card.due - now >= timedelta(days=1)  # never again the same day
        intervals.append(card.due - now)
        now = card.due  # the executive comes back the day it is due
    assert intervals[1] > intervals[0]  # remembered: the gaps grow
    assert intervals[3] < intervals[2]  # forgotten: it comes back sooner
    assert card_in(database, card_id).state == State.Review
    with database.session() as s:
        logs = s.exec(select(RecallReview).order_by(RecallReview.id)).all()
    assert [log.rating for log in logs] == [3, 3, 2, 1, 3]
    assert logs[0].elapsed_days is None
    assert logs[1].elapsed_days == pytest.approx(intervals[0].total_seconds() / 86400)


def test_due_today_and_the_executive_day_in_their_zone(database, course, executive):
    _, quiz = course
    tokyo = ZoneInfo("Asia/Tokyo")  # UTC+9: 1 Feb 16:00 UTC is 2 Feb 01:00 in Tokyo
    make_card(database, executive, quiz, key="q:x1", due=datetime(2027, 2, 2, 10, tzinfo=UTC),
              question_id=qid(database, quiz))
    with database.session() as s:
        # late on 1 Feb in UTC the card (due 2 Feb) is not due today
        assert service.today(s, user_id=executive.id, now=at(0, 20), tz=UTC_ZONE).due == 0
        # in Tokyo it is already 2 Feb: due today, before its exact hour
        assert service.today(s, user_id=executive.id, now=at(0, 16), tz=tokyo).due == 1
        assert service.next_card(s, user_id=executive.id, now=at(0, 16), tz=tokyo) is not None


def test_no_card_twice_in_one_day(database, course, executive):
    _, quiz = course
    card_id = make_card(database, executive, quiz, key="q:x1", due=at(0, 6),
                        question_id=qid(database, quiz))
    card = review(database, card_id, Rating.Again, at(0, 9))
    assert card.hold_until == at(1, 0)  # held until the start of tomorrow
    with database.session(write=True) as s:
        card = s.get(RecallCard, card_id)
        assert not service.is_due(s, card=card, now=at(0, 23), tz=UTC_ZONE)
        with pytest.raises(service.CardRefused, match="not due today"):
            service.review_card(s, card=card, rating=Rating.Good, tz=UTC_ZONE, now=at(0, 23))
        figures = service.today(s, user_id=executive.id, now=at(0, 23), tz=UTC_ZONE)
        assert (figures.due, figures.reviewed, figures.left) == (0, 1, 0)
        # tomorrow it is back (FSRS scheduled "again" a day ahead)
        assert service.is_due(s, card=card, now=at(1, 9), tz=UTC_ZONE)


def test_at_most_twenty_cards_a_day(database, course, executive):
    _, quiz = course
    ids = [make_card(database, executive, quiz, key=f"q:x{n}", due=at(0, 6),
                        question_id=qid(database, quiz))
           for n in range(1, 26)]
    with database.session() as s:
        figures = service.today(s, user_id=executive.id, now=at(0), tz=UTC_ZONE)
    assert (figures.due, figures.left, figures.minutes) == (25, 20, 8)  # 20 cards of 22 s
    for card_id in ids[:20]:
        review(database, card_id, Rating.Good, at(0, 10))
    with database.session(write=True) as s:
        figures = service.today(s, user_id=executive.id, now=at(0, 11), tz=UTC_ZONE)
        assert (figures.due, figures.reviewed, figures.left) == (5, 20, 0)
        assert service.next_card(s, user_id=executive.id, now=at(0, 11), tz=UTC_ZONE) is None
        card = s.get(RecallCard, ids[20])
        with pytest.raises(service.CardRefused, match="20 cards today"):
            service.review_card(s, card=card, rating=Rating.Good, tz=UTC_ZONE, now=at(0, 11))
    with database.session() as s:  # the next day the five left are there
        assert service.today(s, user_id=executive.id, now=at(1), tz=UTC_ZONE).left == 5


def test_not_today_costs_nothing(database, course, executive):
    _, quiz = course
    ids = [make_card(database, executive, quiz, key=f"q:x{n}", due=at(0, 6),
                        question_id=qid(database, quiz))
           for n in range(1, 4)]
    later = make_card(database, executive, quiz, key="q:x9", due=at(3),
                        question_id=qid(database, quiz))
    before = {i: card_in(database, i) for i in ids}
    with database.session(write=True) as s:
        assert service.not_today(s, user_id=executive.id, tz=UTC_ZONE, now=at(0, 8)) == 3
    with database.session() as s:
        figures = service.today(s, user_id=executive.id, now=at(0, 12), tz=UTC_ZONE)
        assert (figures.due, figures.reviewed) == (0, 0)
        assert s.exec(select(RecallReview)).all() == []
    for card_id, old in before.items():
        new = card_in(database, card_id)
        assert (new.state, new.step, new.stability, new.difficulty, new.due,
                new.last_review) == (old.state, old.step, old.stability, old.difficulty,
                                     old.due, old.last_review)
    assert card_in(database, later).hold_until is None  # not due today: untouched
    with database.session() as s:
        assert service.today(s, user_id=executive.id, now=at(1), tz=UTC_ZONE).due == 3
