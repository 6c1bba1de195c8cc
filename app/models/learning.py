"""Who takes which course, and every step of their progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Enrolment(SQLModel, table=True):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      Index("ix_enrolment_course_id_user_id", "course_id", "user_id"),
                      Index("ix_enrolment_course_id_enrolled_at", "course_id", "enrolled_at"),
                      Index("ix_enrolment_course_id_completed_at", "course_id", "completed_at"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("course.id", ondelete="CASCADE"),
                                            nullable=False))
    enrolled_at: datetime = Field(default_factory=utcnow,
                                  sa_column=Column(UTCDateTime(), nullable=False))
    enrolled_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
    due_date: date | None = None
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    certificate_code: str | None = Field(default=None,
                                         sa_column=Column(String(32), unique=True))
    # A summary of the progress rows, kept current by ``app.learning.summary`` on every
    # write, so reports aggregate one row per enrolment instead of every progress row.
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_activity_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    progress_percent: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                              server_default="0"))
    seconds_spent: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                           server_default="0"))
    # Sum and count of the best scores (percent) of the course's quizzes taken so far.
    quiz_best_total: float = Field(default=0.0, sa_column=Column(Float, nullable=False,
                                                                 server_default="0"))
    quizzes_scored: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                            server_default="0"))


class LessonProgress(SQLModel, table=True):
    __tablename__ = "lesson_progress"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          primary_key=True))
    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"),
                                            primary_key=True, index=True))
    first_opened_at: datetime = Field(default_factory=utcnow,
                                      sa_column=Column(UTCDateTime(), nullable=False))
    last_opened_at: datetime = Field(default_factory=utcnow,
                                     sa_column=Column(UTCDateTime(), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    seconds_spent: int = 0
    last_beat_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
