"""The weekly activity log: what an executive did on social media in one ISO week
(Monday to Sunday in their time zone), and the weekday they want to be reminded on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Float, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


def _count() -> Column:  # type: ignore[type-arg]
    return Column(Integer, nullable=False, server_default="0")


class ActivityEntry(SQLModel, table=True):
    """One executive's week. The post counts are posts outside the 90-day plan: plan items
    marked published count on their own; ``plan_posts`` keeps how many there were when the
    entry was last saved (the only plan figure HR's aggregates read)."""

    __tablename__ = "activity_entry"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    week_start: date = Field(sa_column=Column(Date, nullable=False, index=True))  # a Monday
    posts_linkedin: int = Field(default=0, sa_column=_count())
    posts_x: int = Field(default=0, sa_column=_count())
    posts_other: int = Field(default=0, sa_column=_count())
    comments: int = Field(default=0, sa_column=_count())
    connections: int = Field(default=0, sa_column=_count())
    conversations: int = Field(default=0, sa_column=_count())
    opportunities: int = Field(default=0, sa_column=_count())
    plan_posts: int = Field(default=0, sa_column=_count())
    # LinkedIn's Social Selling Index: the total (0-100) and its four pillars (0-25 each)
    ssi_total: float | None = Field(default=None, sa_column=Column(Float))
    ssi_brand: float | None = Field(default=None, sa_column=Column(Float))
    ssi_people: float | None = Field(default=None, sa_column=Column(Float))
    ssi_insights: float | None = Field(default=None, sa_column=Column(Float))
    ssi_relationships: float | None = Field(default=None, sa_column=Column(Float))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class ActivitySetting(SQLModel, table=True):
    """An executive's choice of reminder day (0 Monday … 6 Sunday; None: no reminder)."""

    __tablename__ = "activity_setting"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          primary_key=True))
    reminder_weekday: int | None = Field(default=None, sa_column=Column(Integer))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
