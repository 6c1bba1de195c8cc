"""Rate limits shared by every app process: a fixed-window counter per key in the
database, counted atomically (two processes hitting it at once both count)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlmodel import Session

from app.db import insert_for
from app.models import RateLimit, utcnow

_table = RateLimit.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_seconds: int = 0
    hits: int = 0  # requests counted in the current window


def peek(session: Session, key: str, *, limit: int, window: timedelta,
         now: datetime | None = None) -> Verdict:
    """Whether ``key`` has reached its limit (``limit`` counted in the window), without
    counting anything: for limits on failures, checked before trying again."""
    now = now or utcnow()
    row = session.exec(select(_table.c.hits, _table.c.window_started_at)  # type: ignore[call-overload]
                       .where(_table.c.key == key[:200])).first()
    if row is None or row.window_started_at <= now - window or row.hits < limit:
        return Verdict(True, hits=0 if row is None else row.hits)
    return Verdict(False, _until(row.window_started_at + window, now), row.hits)


def _until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def hit(session: Session, key: str, *, limit: int, window: timedelta,
        now: datetime | None = None) -> Verdict:
    """Count one request for ``key``; refused once more than ``limit`` fall in a window."""
    now = now or utcnow()
    key = key[:200]
    session.exec(insert_for(session)(_table)  # type: ignore[call-overload]
                 .values(key=key, window_started_at=now, hits=0)
                 .on_conflict_do_nothing(index_elements=["key"]))
    expired = _table.c.window_started_at <= now - window
    hits, started = session.exec(  # type: ignore[call-overload]
        update(_table).where(_table.c.key == key)
        .values(hits=case((expired, 1), else_=_table.c.hits + 1),
                window_started_at=case((expired, now), else_=_table.c.window_started_at))
        .returning(_table.c.hits, _table.c.window_started_at)
    ).one()
    if hits <= limit:
        return Verdict(True, hits=hits)
    return Verdict(False, _until(started + window, now), hits)


def purge(session: Session, *, older_than: datetime) -> None:
    session.exec(delete(_table).where(_table.c.window_started_at < older_than))  # type: ignore[call-overload]
