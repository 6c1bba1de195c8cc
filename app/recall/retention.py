"""How well executives still recall each quiz question, for the trainers' item analysis.

Of the reviews of a question's cards that came at least a week (a month) after the
executive's previous review of it, the share answered right (rated Good or Easy):
aggregated in SQL over the review log, never shown per executive, and ``None`` (shown
"—") while fewer than ``MIN_REVIEWS`` such reviews exist. The item analysis page
(authoring/analysis.html) says so in one line: keep it in step with these figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from fsrs import Rating
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.models import RecallReview

WEEK_DAYS, MONTH_DAYS = 7, 30
MIN_REVIEWS = 5



@dataclass(frozen=True)
class Retention:
    week_reviews: int = 0
    week_recalled: int = 0
    month_reviews: int = 0
    month_recalled: int = 0

    @property
    def week(self) -> float | None:
        return self.week_recalled / self.week_reviews if self.week_reviews >= MIN_REVIEWS \
            else None

    @property
    def month(self) -> float | None:
        return self.month_recalled / self.month_reviews if self.month_reviews >= MIN_REVIEWS \
            else None


def retention(session: Session, *, question_ids: list[int]) -> dict[int, Retention]:
    """Per question id (those without such reviews are absent)."""
    if not question_ids:
        return {}
    elapsed, rating = col(RecallReview.elapsed_days), col(RecallReview.rating)
    recalled = rating >= int(Rating.Good)

    def count(condition: object) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # type: ignore[arg-type]

    rows = session.execute(
        select(RecallReview.question_id, func.count(), count(recalled),
               count(elapsed >= MONTH_DAYS), count((elapsed >= MONTH_DAYS) & recalled))
        .where(col(RecallReview.question_id).in_(question_ids), elapsed >= WEEK_DAYS)
        .group_by(RecallReview.question_id)).all()
    return {qid: Retention(int(w), int(wr), int(m), int(mr)) for qid, w, wr, m, mr in rows}
