"""FSRS scheduling of review cards, through the ``fsrs`` package (never by hand).

- The scheduler has no learning or relearning steps: every answer schedules a card a day
  or more ahead, which suits one short review a day (with steps of minutes, a card
  answered "again" would come back within the hour). No fuzzing, so schedules are
  reproducible (fuzzing only spreads intervals of several days).
- A quiz question answered right is ``Rating.Good``, partly right ``Rating.Hard``, wrong
  or unanswered ``Rating.Again``. Takeaways are self-graded again / hard / good / easy.
- A card's day: after a review a card is held until the start of the executive's next
  day in their time zone (``hold_until``), so no card comes twice in one day whatever FSRS
  says; FSRS's own fields are never changed for that.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

from app.models import RecallCard, RecallReview

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
RIGHT = 0.999  # a quiz fraction at least this is a right answer (as the item analysis)

RATINGS: dict[str, Rating] = {"again": Rating.Again, "hard": Rating.Hard,
                              "good": Rating.Good, "easy": Rating.Easy}
RATING_LABELS: dict[Rating, str] = {Rating.Again: "Again", Rating.Hard: "Hard",
                                    Rating.Good: "Good", Rating.Easy: "Easy"}


def rating_for_fraction(fraction: float | None) -> Rating:
    """A quiz question's grade as an FSRS rating: right Good, partly right Hard, else Again."""
    if fraction is None or fraction <= 0:
        return Rating.Again
    return Rating.Good if fraction >= RIGHT else Rating.Hard


def day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """The start (in UTC) of the executive's day that contains ``now``."""
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(), tzinfo=tz).astimezone(UTC)


def next_day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """The start (in UTC) of the executive's next day after ``now`` (a 23- or 25-hour day
    at a clock change included)."""
    local = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(local, time(), tzinfo=tz).astimezone(UTC)


def new_card(*, now: datetime) -> dict[str, object]:
    """The FSRS columns of a card never reviewed, due at ``now``."""
    return {"state": int(State.Learning), "step": 0, "stability": None, "difficulty": None,
            "due": now, "last_review": None}


def _fsrs_card(card: RecallCard) -> Card:
    return Card(card_id=card.id or 0, state=State(card.state), step=card.step,
                stability=card.stability, difficulty=card.difficulty, due=card.due,
                last_review=card.last_review)


def review(card: RecallCard, rating: Rating, *, now: datetime, source: str) -> RecallReview:
    """Apply one review to ``card`` (its FSRS columns change) and return the review's log
    row (not yet added to the session)."""
    now = now.astimezone(UTC)
    previous = card.last_review
    scheduled, _ = SCHEDULER.review_card(_fsrs_card(card), rating, review_datetime=now)
    card.state, card.step = int(scheduled.state), scheduled.step
    card.stability, card.difficulty = scheduled.stability, scheduled.difficulty
    card.due, card.last_review = scheduled.due, scheduled.last_review
    elapsed = None if previous is None else max(0.0, (now - previous).total_seconds() / 86400)
    return RecallReview(card_id=card.id, user_id=card.user_id, question_id=card.question_id,
                        rating=int(rating), source=source, reviewed_at=now,
                        elapsed_days=elapsed)


def retrievability(card: RecallCard, *, now: datetime) -> float:
    """FSRS's estimate of the chance the executive recalls the card at ``now``."""
    return float(SCHEDULER.get_card_retrievability(_fsrs_card(card), now.astimezone(UTC)))
