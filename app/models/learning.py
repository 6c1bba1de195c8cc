"""Who takes which course, and every step of their progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Enrolment(SQLModel, table=True):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      Index("ix_enrolment_course_id_user_id", "course_id", "user_id"))

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
