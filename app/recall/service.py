"""The daily review: cards made from quizzes and lessons, what is due today, and reviews.

- Question cards: after a quiz attempt is graded, each question answered wrong or partly
  right becomes a card (essays and descriptions never do); a later quiz answer to a
  question that has a card counts as a review of it.
- Takeaway cards: when an executive completes a lesson, each bullet of its
  ``[!TAKEAWAYS]`` callout becomes a card, keyed on (lesson, position); its text is read
  from the lesson as published now, so it follows course edits. A card whose bullet or
  lesson is gone (retired lesson, fewer bullets) retires; a card of a retired quiz
  question (a changed quiz) retires with it.
- Today: cards due before the end of the executive's day and not held; at most
  ``DAILY_LIMIT`` reviews a day; a card reviewed today is held until tomorrow; "not
  today" holds today's remaining cards until tomorrow and changes nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlalchemy import and_, bindparam, case, func, or_, update
from sqlmodel import Session, col, select

from app.db import insert_for
from app.models import Lesson, QuizQuestion, RecallCard, utcnow
from app.recall import scheduling
from app.recall.scheduling import day_start, next_day_start
from app.recall.takeaways import Takeaway, takeaway_count, takeaway_count_of

DAILY_LIMIT = 20
SECONDS_PER_CARD = 22  # an answer or a self-grade takes 20 to 25 seconds
NO_CARDS = ("essay", "description")  # question types that never become cards
TAKEAWAY_FIRST_DAYS = 1  # a takeaway first comes up a day after the lesson


class CardRefused(Exception):
    """The card cannot be reviewed now; the message says why."""


def question_key(question_id: int) -> str:
    return f"q:{question_id}"


def takeaway_key(lesson_id: int, position: int) -> str:
    return f"t:{lesson_id}:{position}"


# Making cards ----------------------------------------------------------------------------

def record_quiz_answers(session: Session, *, user_id: int, lesson_id: int,
                        answers: Iterable[tuple[int, str, float | None]],
                        now: datetime | None = None) -> None:
    """Cards from a graded quiz attempt: ``answers`` holds (question id, question type,
    fraction). A wrong or partly right answer makes a card (reviewed once, with the
    quiz's grade); any answer to a question that has a card is a review of it."""
    now = now or utcnow()
    graded = [(qid, fraction) for qid, qtype, fraction in answers
              if qtype not in NO_CARDS and fraction is not None]
    if not graded:
        return
    keys = {question_key(qid): (qid, fraction) for qid, fraction in graded}
    existing = {card.key: card for card in session.exec(
        select(RecallCard).where(RecallCard.user_id == user_id,
                                 col(RecallCard.key).in_(list(keys))))}
    for key, (question_id, fraction) in keys.items():
        rating = scheduling.rating_for_fraction(fraction)
        card = existing.get(key)
        if card is None:
            if rating == Rating.Good:
                continue
            card = RecallCard(user_id=user_id, kind="question", key=key, lesson_id=lesson_id,
                              question_id=question_id, created_at=now,
                              **scheduling.new_card(now=now))  # type: ignore[arg-type]
            session.add(card)
            session.flush()
        elif card.retired_at is not None or (card.last_review and card.last_review >= now):
            continue
        session.add(scheduling.review(card, rating, now=now, source="quiz"))
        session.add(card)
    session.flush()


def add_takeaway_cards(session: Session, *, user_id: int, lesson: Lesson,
                       now: datetime | None = None, count: int | None = None) -> int:
    """One card per takeaway of a lesson the executive has just completed (kept when it
    exists already). ``count``: the lesson's takeaways, when the caller counted them
    before taking the write lock. Returns how many the lesson has."""
    now = now or utcnow()
    if count is None:
        count = takeaway_count(lesson.body_md)
    if not count:
        return 0
    first_due = now + timedelta(days=TAKEAWAY_FIRST_DAYS)
    rows = [{"user_id": user_id, "kind": "takeaway", "key": takeaway_key(lesson.id, position),
             "lesson_id": lesson.id, "position": position, "created_at": now,
             **scheduling.new_card(now=first_due)} for position in range(1, count + 1)]
    insert = insert_for(session)
    session.execute(insert(RecallCard).on_conflict_do_nothing(
        index_elements=["user_id", "key"]), rows)  # one statement, compiled once
    return count


# Today ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Today:
    due: int  # cards due today and not held
    reviewed: int  # cards reviewed today in the daily review (quiz answers do not count)

    @property
    def left(self) -> int:
        """Cards still to review today, within the daily limit."""
        return max(0, min(self.due, DAILY_LIMIT - self.reviewed))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.left * SECONDS_PER_CARD / 60))


def _live() -> list[Any]:
    """Cards whose lesson (and question) are live."""
    return [col(RecallCard.retired_at).is_(None), col(Lesson.retired_at).is_(None),
            col(QuizQuestion.retired_at).is_(None)]


def _due_today(*, now: datetime, tz: ZoneInfo) -> Any:
    return and_(col(RecallCard.due) < next_day_start(now, tz),
                or_(col(RecallCard.hold_until).is_(None), col(RecallCard.hold_until) <= now))


def _cards(*columns: Any) -> Any:
    return (select(*columns).join(Lesson, col(Lesson.id) == RecallCard.lesson_id)
            .outerjoin(QuizQuestion, col(QuizQuestion.id) == RecallCard.question_id))


def _today_query() -> Any:
    """Built once: the home page of every executive runs it."""
    due = and_(col(RecallCard.due) < bindparam("next_day"),
               or_(col(RecallCard.hold_until).is_(None),
                   col(RecallCard.hold_until) <= bindparam("now")))
    reviewed = col(RecallCard.recalled_at) >= bindparam("day_start")
    return (_cards(func.coalesce(func.sum(case((due, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((reviewed, 1), else_=0)), 0))
            .where(col(RecallCard.user_id) == bindparam("user_id"), *_live(),
                   or_(due, reviewed)))


_TODAY = _today_query()


def today(session: Session, *, user_id: int, now: datetime | None = None,
          tz: ZoneInfo) -> Today:
    """Today's figures in one query over the executive's cards (index on user and due)."""
    now = now or utcnow()
    row = session.execute(_TODAY, {"user_id": user_id, "now": now,
                                   "next_day": next_day_start(now, tz),
                                   "day_start": day_start(now, tz)}).one()
    return Today(due=int(row[0]), reviewed=int(row[1]))


def next_card(session: Session, *, user_id: int, now: datetime | None = None,
              tz: ZoneInfo) -> RecallCard | None:
    """The card to review now: the most overdue of today's, or None when none is left
    (or today's limit is reached). Reads only: a takeaway whose bullet is gone is skipped
    here and retired by the next write (``retire_orphans``)."""
    now = now or utcnow()
    if today(session, user_id=user_id, now=now, tz=tz).left == 0:
        return None
    return next((card for card in _due_cards(session, user_id=user_id, now=now, tz=tz)
                 if card.kind != "takeaway" or takeaway_of(session, card=card)), None)


def _due_cards(session: Session, *, user_id: int, now: datetime,
               tz: ZoneInfo) -> list[RecallCard]:
    return list(session.exec(
        _cards(RecallCard).where(RecallCard.user_id == user_id, *_live(),
                                 _due_today(now=now, tz=tz))
        .order_by(col(RecallCard.due), col(RecallCard.id))).all())


def retire_orphans(session: Session, *, user_id: int, now: datetime | None = None,
                   tz: ZoneInfo) -> int:
    """Retire the executive's due takeaway cards whose bullet the lesson no longer has
    (the lesson was edited down). Returns how many."""
    now = now or utcnow()
    retired = 0
    for card in _due_cards(session, user_id=user_id, now=now, tz=tz):
        if card.kind == "takeaway" and takeaway_of(session, card=card) is None:
            card.retired_at = now
            session.add(card)
            retired += 1
    session.flush()
    return retired


def get_card(session: Session, *, user_id: int, card_id: int) -> RecallCard | None:
    """One of the executive's own cards (None for anyone else's)."""
    return session.exec(select(RecallCard).where(RecallCard.id == card_id,
                                                 RecallCard.user_id == user_id)).first()


def is_due(session: Session, *, card: RecallCard, now: datetime, tz: ZoneInfo) -> bool:
    found = session.exec(_cards(RecallCard.id).where(RecallCard.id == card.id, *_live(),
                                                     _due_today(now=now, tz=tz))).first()
    return found is not None


def takeaway_of(session: Session, *, card: RecallCard) -> Takeaway | None:
    lesson = session.get(Lesson, card.lesson_id)
    if lesson is None or card.position is None:
        return None
    found = takeaway_count_of(lesson.body_md, card.position)
    return found[0] if found else None


def review_card(session: Session, *, card: RecallCard, rating: Rating, tz: ZoneInfo,
                now: datetime | None = None) -> None:
    """Record one review in the daily review. Raises CardRefused when the card is not
    due today (or was reviewed today) or today's limit is reached."""
    now = now or utcnow()
    if not is_due(session, card=card, now=now, tz=tz):
        raise CardRefused("This card is not due today: it was reviewed already or waits "
                          "for another day.")
    if today(session, user_id=card.user_id, now=now, tz=tz).left == 0:
        raise CardRefused(f"You have reviewed {DAILY_LIMIT} cards today: the rest wait "
                          "for tomorrow.")
    session.add(scheduling.review(card, rating, now=now, source="review"))
    card.hold_until = next_day_start(now, tz)
    card.recalled_at = now
    session.add(card)
    session.flush()
    retire_orphans(session, user_id=card.user_id, now=now, tz=tz)


def not_today(session: Session, *, user_id: int, tz: ZoneInfo,
              now: datetime | None = None) -> int:
    """Hold today's remaining cards until tomorrow; their FSRS state and the review log
    are left as they are. Returns how many were held."""
    now = now or utcnow()
    retire_orphans(session, user_id=user_id, now=now, tz=tz)
    held = session.exec(  # type: ignore[call-overload]
        update(RecallCard)
        .where(col(RecallCard.user_id) == user_id, col(RecallCard.retired_at).is_(None),
               _due_today(now=now, tz=tz))
        .values(hold_until=next_day_start(now, tz))
        .execution_options(synchronize_session=False)).rowcount
    return int(held)
