"""Server-side login sessions and login throttling, both in the database so every app
process sees the same state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"

    # SHA-256 of the random token in the cookie; the token itself is never stored.
    id: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow,
                                   sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    user_agent: str | None = Field(default=None, sa_column=Column(String(300)))


class LoginThrottle(SQLModel, table=True):
    __tablename__ = "login_throttle"

    # Keyed by the normalised email as typed, whether or not an account has it,
    # so throttling never reveals which emails exist.
    email: str = Field(sa_column=Column(String(254), primary_key=True))
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
