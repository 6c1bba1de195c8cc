"""Signing in: server-side sessions, login throttling, invitations and password resets,
rate limits, and single sign-on identities. All in the database, so every app process
sees the same state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
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


class Invitation(SQLModel, table=True):
    """An emailed one-time link to set a first password. A resend replaces the pending
    invitation (``revoked_at`` set) with a new one; the newest row is the user's state."""

    __tablename__ = "invitation"
    __table_args__ = (Index("ix_invitation_user_id_created_at", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False))
    invited_by_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL")))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    accepted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class PasswordReset(SQLModel, table=True):
    """A one-time link to choose a new password."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class RateLimit(SQLModel, table=True):
    """A fixed-window counter of requests per key (e.g. password reset per address and
    per client), shared by every app process."""

    __tablename__ = "rate_limit"

    key: str = Field(sa_column=Column(String(200), primary_key=True))
    window_started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False,
                                                         index=True))
    hits: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class SsoIdentity(SQLModel, table=True):
    """An account at the organisation's identity provider, linked to a Podium account."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    issuer: str = Field(sa_column=Column(String(300), nullable=False))
    subject: str = Field(sa_column=Column(String(255), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class SsoLoginRequest(SQLModel, table=True):
    """A sign-in sent to the identity provider and not yet back: state (stored hashed),
    nonce and PKCE verifier, bound to the browser that started it. In the database, so
    the provider may send the browser back to any app process."""

    __tablename__ = "sso_login_request"

    state_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    browser_hash: str = Field(sa_column=Column(String(64), nullable=False))
    nonce: str = Field(sa_column=Column(String(100), nullable=False))
    code_verifier: str = Field(sa_column=Column(String(128), nullable=False))
    next_url: str = Field(default="/", sa_column=Column(String(2000), nullable=False))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
