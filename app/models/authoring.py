"""Authoring: a trainer's working copy of a course, the published revisions, and the images
lessons show.

Executives only ever see the published tables (``course``, ``course_module``, ``lesson``,
quizzes); a trainer's edits go to the course's one draft, a JSON document in the course
package format. Publishing loads the draft into the published tables exactly as a
package import would (so progress and quiz attempts are kept) and records a revision:
a full copy of the course as published, with its author, time and message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class CourseDraft(SQLModel, table=True):
    __tablename__ = "course_draft"

    id: int | None = Field(default=None, primary_key=True)
    # The course's slug; a course that was never published has a draft and no course row.
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    spec: str = Field(sa_column=Column(Text, nullable=False))  # spec_to_dict() as JSON
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))


class CourseRevision(SQLModel, table=True):
    __tablename__ = "course_revision"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("course.id", ondelete="CASCADE"),
                                            nullable=False))
    number: int  # 1, 2, 3… per course
    spec: str = Field(sa_column=Column(Text, nullable=False))  # the course as published (JSON)
    message: str = Field(sa_column=Column(String(200), nullable=False))
    author_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class CourseAsset(SQLModel, table=True):
    """An image of a course, under a name the server chose (or the package's checked name).
    Its bytes never change: a different image gets a different name."""

    __tablename__ = "course_asset"
    __table_args__ = (UniqueConstraint("course_slug", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    course_slug: str = Field(sa_column=Column(String(80), nullable=False))
    name: str = Field(sa_column=Column(String(80), nullable=False))
    content_type: str = Field(sa_column=Column(String(40), nullable=False))
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
