"""Courses as loaded from packages: course → modules → lessons. Slugs are the stable
identities; an item removed from its package is retired (``retired_at``), never deleted,
so progress on it stays on record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Course(SQLModel, table=True):
    __tablename__ = "course"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    audience: str = Field(sa_column=Column(Text, nullable=False))
    estimated_hours: float
    completion_rule: str = Field(sa_column=Column(String(40), nullable=False))
    sequential: bool = False
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    # Set when a change of required lessons left the enrolments' figures to be recounted
    # by a background job; cleared by the job that recounted them.
    figures_pending_since: datetime | None = Field(default=None,
                                                   sa_column=Column(UTCDateTime()))


class Module(SQLModel, table=True):
    __tablename__ = "course_module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("course.id", ondelete="CASCADE"),
                                            nullable=False, index=True))
    slug: str = Field(sa_column=Column(String(80), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    position: int
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Lesson(SQLModel, table=True):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("course.id", ondelete="CASCADE"),
                                            nullable=False))
    module_id: int = Field(sa_column=Column(Integer, ForeignKey("course_module.id",
                                                                ondelete="CASCADE"),
                                            nullable=False, index=True))
    slug: str = Field(sa_column=Column(String(80), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    kind: str = Field(default="reading", sa_column=Column(String(20), nullable=False))
    minutes: int
    required: bool = True
    position: int
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    # Rendered and sanitised once per import, never per request.
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
