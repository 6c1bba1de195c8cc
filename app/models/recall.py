"""The daily review ("recall"): an executive's review cards and every review of them.

A card is a quiz question the executive got wrong or partly right (``kind`` "question",
keyed on the question's row) or one bullet of a lesson's key takeaways (``kind``
"takeaway", keyed on the lesson and the bullet's position: its text is read from the
lesson as published now, so an edited takeaway keeps its schedule). The FSRS state of a
card is kept in columns (``app.recall.scheduling`` turns them into an ``fsrs.Card`` and
back), so "what is due" is one indexed query on ``(user_id, due)``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class RecallCard(SQLModel, table=True):
    __tablename__ = "recall_card"
    __table_args__ = (UniqueConstraint("user_id", "key"),
                      Index("ix_recall_card_user_id_due", "user_id", "due"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # question | takeaway
    # "q:<question id>" or "t:<lesson id>:<position>": one card per executive and item
    key: str = Field(sa_column=Column(String(40), nullable=False))
    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"),
                                            nullable=False, index=True))
    question_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("quiz_question.id",
                                                          ondelete="CASCADE"), index=True))
    position: int | None = None  # takeaways: the bullet's place in the callout, from 1
    # FSRS (fsrs.Card): state 1 learning, 2 review, 3 relearning
    state: int = Field(sa_column=Column(SmallInteger, nullable=False))
    step: int | None = None
    stability: float | None = Field(default=None, sa_column=Column(Float))
    difficulty: float | None = Field(default=None, sa_column=Column(Float))
    due: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_review: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # the last review in the daily review (quiz answers excluded): today's limit counts these
    recalled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Not shown before this moment whatever FSRS says: the start of the executive's next
    # day after a review or a "not today" (FSRS's own fields are left as they are).
    hold_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class RecallReview(SQLModel, table=True):
    """One review of a card: the quiz answer that made it, each answer or self-grade in
    the daily review, and later quiz answers to its question."""

    __tablename__ = "recall_review"
    __table_args__ = (Index("ix_recall_review_question_id_elapsed_days", "question_id",
                            "elapsed_days"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(sa_column=Column(Integer, ForeignKey("recall_card.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    # the card's question (question cards), copied for the trainers' retention figures
    question_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("quiz_question.id",
                                                          ondelete="CASCADE")))
    rating: int = Field(sa_column=Column(SmallInteger, nullable=False))  # fsrs.Rating 1 to 4
    source: str = Field(sa_column=Column(String(10), nullable=False))  # quiz | review
    reviewed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # days since the card's previous review (None for its first)
    elapsed_days: float | None = Field(default=None, sa_column=Column(Float))
