"""People: accounts with a role, a department and cohort memberships."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Enum, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    executive = "executive"
    trainer = "trainer"
    hr = "hr"
    admin = "admin"

    @property
    def label(self) -> str:
        return {"executive": "Executive", "trainer": "Trainer", "hr": "HR", "admin": "Admin"}[
            self.value
        ]


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    full_name: str = Field(sa_column=Column(String(200), nullable=False))
    role: Role = Field(
        sa_column=Column(
            Enum(Role, name="role", native_enum=False, create_constraint=True, length=20,
                 values_callable=lambda e: [m.value for m in e]),
            nullable=False,
            index=True,
        )
    )
    department: str | None = Field(default=None, sa_column=Column(String(120), index=True))
    locale: str = Field(default="en", sa_column=Column(String(10), nullable=False,
                                                        server_default="en"))
    # IANA name (app.content.moments.zone_names); None: the organisation's PODIUM_TIME_ZONE
    time_zone: str | None = Field(default=None, sa_column=Column(String(64)))
    password_hash: str | None = Field(default=None, sa_column=Column(String(255)))
    is_active: bool = Field(default=True)
    password_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_login_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class Cohort(SQLModel, table=True):
    __tablename__ = "cohort"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    # ``app.content.keys.text_key(name)``: two cohorts never differ only by case or form
    name_key: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    start_date: date | None = None
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))


class CohortMember(SQLModel, table=True):
    __tablename__ = "cohort_member"

    cohort_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                         primary_key=True, index=True)
    )
    added_at: datetime = Field(default_factory=utcnow,
                               sa_column=Column(UTCDateTime(), nullable=False))
