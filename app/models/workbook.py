"""Workbooks: what an executive builds in a course rather than reads. A workbook is one
document per executive and kind ("persona", "plan") with a draft saved as they go; every
submission is kept as a numbered version that a trainer reviews, with comments per field.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Workbook(SQLModel, table=True):
    __tablename__ = "workbook"
    __table_args__ = (UniqueConstraint("user_id", "kind"),
                      Index("ix_workbook_kind_status", "kind", "status"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    draft: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object
    # in-progress | in-review | changes-requested | approved (no row: not started)
    status: str = Field(default="in-progress", sa_column=Column(String(20), nullable=False))
    # The first day of a plan's 90 days (plans only).
    starts_on: date | None = Field(default=None, sa_column=Column(Date()))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class WorkbookVersion(SQLModel, table=True):
    """A frozen copy of a workbook: a submission (reviewed once) or a snapshot kept
    automatically before an earlier version was restored over the draft."""

    __tablename__ = "workbook_version"
    __table_args__ = (UniqueConstraint("workbook_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workbook_id: int = Field(sa_column=Column(Integer, ForeignKey("workbook.id",
                                                                  ondelete="CASCADE"),
                                              nullable=False))
    number: int
    kind: str = Field(default="submitted", sa_column=Column(String(20), nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))  # JSON object
    starts_on: date | None = Field(default=None, sa_column=Column(Date()))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    # Submissions: pending | approved | changes-requested | withdrawn
    outcome: str | None = Field(default=None, sa_column=Column(String(20)))
    reviewed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    review_note: str | None = Field(default=None, sa_column=Column(Text))


class ReviewComment(SQLModel, table=True):
    """A trainer's comment on one field of a submitted version."""

    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=Column(Integer, ForeignKey("workbook_version.id",
                                                                 ondelete="CASCADE"),
                                             nullable=False, index=True))
    field: str = Field(sa_column=Column(String(80), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    author_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user_account.id",
                                                          ondelete="SET NULL")))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
