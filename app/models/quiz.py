"""Quizzes: a quiz is a lesson of kind "quiz" with its settings and questions; attempts
record what an executive answered and how it was graded.

Questions are immutable rows: when a quiz's questions change on import, the old rows are
retired and new ones added, so every attempt keeps the exact questions it started with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Quiz(SQLModel, table=True):
    __tablename__ = "quiz"

    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"),
                                            primary_key=True))
    pass_mark: int = 70
    attempts_allowed: int = 0  # 0 = unlimited
    shuffle: bool = True
    time_limit_minutes: int | None = None
    score_policy: str = Field(default="best", sa_column=Column(String(10), nullable=False))
    reveal: str = Field(default="after-submit", sa_column=Column(String(20), nullable=False))
    # Questions drawn at random per attempt (app/questions/pools.py): graded questions in
    # all (None: every question) and per category, as JSON [{"category", "draw"}] (None:
    # no pools).
    draw: int | None = None
    pools: str | None = Field(default=None, sa_column=Column(Text))


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_question"
    __table_args__ = (Index("ix_quiz_question_lesson_id_position", "lesson_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"),
                                            nullable=False))
    position: int
    qtype: str = Field(sa_column=Column(String(20), nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))  # Question.to_dict() as JSON
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempt"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "number"),
                      Index("ix_quiz_attempt_lesson_id_user_id", "lesson_id", "user_id"))

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"),
                                            nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    number: int  # 1, 2, 3… per executive and quiz
    started_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    deadline_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Question ids in the order shown, with each question's shuffled choice order (JSON).
    layout: str = Field(sa_column=Column(Text, nullable=False))
    score: float | None = Field(default=None, sa_column=Column(Float))  # percent; None: pending
    passed: bool | None = None
    needs_grading: bool = False


class QuizAnswer(SQLModel, table=True):
    __tablename__ = "quiz_answer"

    attempt_id: int = Field(sa_column=Column(Integer, ForeignKey("quiz_attempt.id",
                                                                 ondelete="CASCADE"),
                                             primary_key=True))
    question_id: int = Field(sa_column=Column(Integer, ForeignKey("quiz_question.id",
                                                                  ondelete="CASCADE"),
                                              primary_key=True, index=True))
    response: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the typed response
    fraction: float | None = Field(default=None, sa_column=Column(Float))
    grader_comment: str | None = Field(default=None, sa_column=Column(Text))
    graded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
