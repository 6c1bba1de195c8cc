"""Report files prepared in the background (a large XLSX export): who asked for which
view, how far the job got, and the file itself, in the database so that every app
process, on any machine, can serve it to the person who asked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class ReportExport(SQLModel, table=True):
    """One requested file. ``status``: pending (the job has not finished), ready (the
    file is in ``report_export_part``), failed (``error`` says why). Deleted with its
    parts by the nightly clean-up once ``expires_at`` has passed."""

    __tablename__ = "report_export"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id",
                                                              ondelete="CASCADE"),
                                          nullable=False, index=True))
    format: str = Field(sa_column=Column(String(10), nullable=False))
    filters: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    as_of: date = Field(sa_column=Column(Date, nullable=False))  # "overdue" is relative to it
    filename: str = Field(sa_column=Column(String(120), nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(10), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                      server_default="0"))
    rows: int | None = Field(default=None, sa_column=Column(Integer))
    size: int | None = Field(default=None, sa_column=Column(Integer))  # bytes
    error: str | None = Field(default=None, sa_column=Column(String(300)))
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ReportExportPart(SQLModel, table=True):
    """A piece of a prepared file (at most 1 MiB), so that neither writing nor serving it
    holds the whole file in memory."""

    __tablename__ = "report_export_part"

    export_id: int = Field(sa_column=Column(Integer, ForeignKey("report_export.id",
                                                                ondelete="CASCADE"),
                                            primary_key=True))
    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
