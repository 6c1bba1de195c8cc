"""The audit trail: who did what, when, to whom. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_actor_id_at", "actor_id", "at"),
        Index("ix_audit_entry_action_at", "action", "at"),
        Index("ix_audit_entry_target_type_target_id", "target_type", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # The actor's account (None: the system, or an account deleted since) and who it was
    # at the time, so the entry reads the same whatever happens to the account later.
    actor_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL")))
    actor_label: str = Field(default="", sa_column=Column(String(300), nullable=False))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    target_type: str = Field(default="", sa_column=Column(String(30), nullable=False))
    target_id: str = Field(default="", sa_column=Column(String(80), nullable=False))
    target_label: str = Field(default="", sa_column=Column(String(300), nullable=False))
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object
    client: str = Field(default="", sa_column=Column(String(64), nullable=False))
    request_id: str = Field(default="", sa_column=Column(String(40), nullable=False))
