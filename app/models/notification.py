"""What Podium tells people: in-app notifications, each user's email choices per category,
and the outbox of emails (kept in the database in the same transaction as the event that
caused them, then delivered by a background job)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    """One event for one person. The words are not stored: ``kind`` and ``params`` are,
    and the text is written when shown, in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_id_created_at", "user_id", "created_at"),
        # the bell counts unread notifications on every page: a small index of those alone
        Index("ix_notification_user_id_unread", "user_id",
              sqlite_where=text("read_at IS NULL"), postgresql_where=text("read_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    category: str = Field(sa_column=Column(String(20), nullable=False))
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object
    link: str = Field(default="/", sa_column=Column(String(500), nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    emailed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Events that must happen once (a reminder per enrolment and due date, a digest per
    # day) carry a key; the unique index makes a second one impossible.
    dedupe_key: str | None = Field(default=None, sa_column=Column(String(160), unique=True))


class NotificationPreference(SQLModel, table=True):
    """A person's choice of email for one category (no row: the category's default)."""

    __tablename__ = "notification_preference"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          primary_key=True))
    category: str = Field(sa_column=Column(String(20), primary_key=True))
    email: bool = Field(sa_column=Column(Boolean, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class EmailMessage(SQLModel, table=True):
    """An email in the outbox. Its content (which may hold a one-time link) is sealed
    with the app's secret; the send job opens it, delivers it and records the outcome."""

    __tablename__ = "email_message"
    __table_args__ = (Index("ix_email_message_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), index=True))
    to_address: str = Field(sa_column=Column(String(254), nullable=False))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    category: str | None = Field(default=None, sa_column=Column(String(20)))
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    content: str = Field(sa_column=Column(Text, nullable=False))  # sealed JSON
    # queued | sent | failed | not-sent (production without a mail server)
    status: str = Field(default="queued", sa_column=Column(String(12), nullable=False,
                                                           index=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                      server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(String(500)))
    transport: str | None = Field(default=None, sa_column=Column(String(10)))  # smtp | mailbox
    message_id: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class UnsubscribeToken(SQLModel, table=True):
    """The one-click unsubscribe link of one email: a category for one person."""

    __tablename__ = "unsubscribe_token"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    category: str = Field(sa_column=Column(String(20), nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False, index=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
