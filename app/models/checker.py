"""What "Before you post" checks drafts against, kept in the browser: the organisation's
phrases and its customers and partners (by trainers), and closed periods (by HR or
admins). Drafts themselves are never stored by the checker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class CheckerPhrase(SQLModel, table=True):
    __tablename__ = "checker_phrase"

    id: int | None = Field(default=None, primary_key=True)
    phrase: str = Field(sa_column=Column(String(200), nullable=False))
    # The phrase as matching reads it (casefolded, spaces collapsed): one entry per phrase.
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    severity: str = Field(sa_column=Column(String(10), nullable=False))  # info/caution/stop
    explanation: str = Field(default="", sa_column=Column(String(500), nullable=False))
    lesson_slug: str = Field(default="", sa_column=Column(String(80), nullable=False))
    section: str = Field(default="", sa_column=Column(String(80), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class CheckerOrganisation(SQLModel, table=True):
    __tablename__ = "checker_organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # customer / partner
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class ClosedPeriod(SQLModel, table=True):
    __tablename__ = "closed_period"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(sa_column=Column(String(120), nullable=False))
    starts_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))  # inclusive
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
