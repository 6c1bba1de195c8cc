"""Jobs on SQLite: a table of waiting jobs and a runner inside the app's process.

SQLite serves one machine, so `podium serve` runs this runner in-process (or `podium
worker` beside it). Jobs are claimed atomically with a lease, so two runners never run
the same job; a runner that died leaves its job to be claimed again when the lease ends.
Retries use the task's Procrastinate retry strategy, so both databases wait alike.
PostgreSQL deployments use Procrastinate itself (``engine_pg``) and never this table.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
from croniter import croniter
from procrastinate import jobs as procrastinate_jobs
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlmodel import Session

from app.jobs.registry import TASKS, JobEnv, run
from app.models import NAMING_CONVENTION, UTCDateTime, utcnow

log = logging.getLogger("podium.jobs")

LEASE = timedelta(minutes=10)
POLL_SECONDS = 1.0

# Not part of the app's models: this table exists only in SQLite databases.
metadata = MetaData(naming_convention=NAMING_CONVENTION)
local_job = Table(
    "local_job", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_name", String(100), nullable=False),
    Column("arguments", Text, nullable=False),
    Column("queueing_lock", String(200)),
    Column("status", String(10), nullable=False),  # todo | doing | failed (done: deleted)
    Column("attempts", Integer, nullable=False),
    Column("scheduled_at", UTCDateTime(), nullable=False),
    Column("lease_until", UTCDateTime()),
    Column("last_error", String(500)),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_local_job_status_scheduled_at", "status", "scheduled_at"),
    Index("uq_local_job_queueing_lock", "queueing_lock", unique=True,
          sqlite_where=text("status = 'todo'")),
)
local_periodic = Table(
    "local_periodic", metadata,
    Column("task_name", String(100), primary_key=True),
    Column("last_tick", UTCDateTime(), nullable=False),
)


def insert_job(session: Session, *, task: str, arguments: dict[str, Any],
               queueing_lock: str | None, run_at: datetime) -> None:
    statement = insert(local_job).values(
        task_name=task, arguments=json.dumps(arguments), queueing_lock=queueing_lock,
        status="todo", attempts=0, scheduled_at=run_at, created_at=utcnow())
    if queueing_lock is not None:
        statement = statement.prefix_with("OR IGNORE")  # a waiting twin already covers it
    session.exec(statement)  # type: ignore[call-overload]


class LocalRunner:
    """Runs due jobs one at a time, and defers periodic tasks at their ticks."""

    def __init__(self, env: JobEnv) -> None:
        self.env = env

    # One step at a time (tests and `podium worker --once` use these directly) ----------

    def schedule_periodic(self) -> int:
        """Defer each periodic task whose tick has come; returns how many were deferred.
        A task seen for the first time starts counting from now."""
        now = self.env.now()
        deferred = 0
        with self.env.database.session(write=True) as session:
            last = dict(session.exec(select(local_periodic.c.task_name,  # type: ignore[call-overload]
                                            local_periodic.c.last_tick)).all())
            for spec in TASKS.values():
                if spec.cron is None:
                    continue
                previous = last.get(spec.name)
                if previous is None:
                    session.exec(insert(local_periodic).values(  # type: ignore[call-overload]
                        task_name=spec.name, last_tick=now))
                    continue
                tick = croniter(spec.cron, previous).get_next(datetime)
                if tick > now:
                    continue
                # the latest tick that has come (missed ones are not run one by one)
                while (following := croniter(spec.cron, tick).get_next(datetime)) <= now:
                    tick = following
                session.exec(update(local_periodic)  # type: ignore[call-overload]
                             .where(local_periodic.c.task_name == spec.name)
                             .values(last_tick=tick))
                insert_job(session, task=spec.name, arguments={"now": tick.isoformat()},
                           queueing_lock=f"periodic:{spec.name}", run_at=now)
                deferred += 1
        return deferred

    def run_one(self) -> bool:
        """Claim and run the next due job; False when there is none."""
        claimed = self._claim()
        if claimed is None:
            return False
        job_id, name, arguments, attempts = claimed
        spec = TASKS.get(name)
        try:
            if spec is None:
                raise LookupError(f"no task named {name!r}")
            if spec.cron is not None:
                arguments = {"now": datetime.fromisoformat(arguments["now"])}
            run(self.env, name, arguments)
        except Exception as exc:
            self._failed(job_id, spec, attempts, exc)
        else:
            with self.env.database.session(write=True) as session:
                session.exec(delete(local_job).where(local_job.c.id == job_id))  # type: ignore[call-overload]
        return True

    def run_pending(self, limit: int = 10_000) -> int:
        """Run every job that is due now (jobs they queue included); returns the count."""
        count = 0
        while count < limit and self.run_one():
            count += 1
        return count

    async def run_forever(self, stop: asyncio.Event) -> None:
        """The worker loop: periodic ticks, then due jobs, then a short wait."""
        log.info("Local job runner started")
        while not stop.is_set():
            try:
                await anyio.to_thread.run_sync(self.schedule_periodic)
                while not stop.is_set() and await anyio.to_thread.run_sync(self.run_one):
                    pass
            except Exception:  # the database may be briefly unavailable; keep going
                log.exception("Local job runner step failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=POLL_SECONDS)
        log.info("Local job runner stopped")

    # ----------------------------------------------------------------------------------

    def _claim(self) -> tuple[int, str, dict[str, Any], int] | None:
        now = self.env.now()
        with self.env.database.session(write=True) as session:
            row = session.exec(select(  # type: ignore[call-overload]
                local_job.c.id, local_job.c.task_name, local_job.c.arguments,
                local_job.c.attempts)
                .where(or_((local_job.c.status == "todo") & (local_job.c.scheduled_at <= now),
                           (local_job.c.status == "doing") & (local_job.c.lease_until < now)))
                .order_by(local_job.c.scheduled_at, local_job.c.id).limit(1)).first()
            if row is None:
                return None
            session.exec(update(local_job).where(local_job.c.id == row.id)  # type: ignore[call-overload]
                         .values(status="doing", lease_until=now + LEASE,
                                 attempts=row.attempts + 1))
        return row.id, row.task_name, json.loads(row.arguments), row.attempts

    def _failed(self, job_id: int, spec: Any, attempts: int, exc: Exception) -> None:
        strategy = spec.retry_strategy(self.env.settings) if spec is not None else None
        decision = None
        if strategy is not None:
            job = procrastinate_jobs.Job(id=job_id, queue="default", lock=None,
                                         queueing_lock=None, task_name=spec.name,
                                         attempts=attempts)
            decision = strategy.get_retry_decision(exception=exc, job=job)
        message = f"{type(exc).__name__}: {exc}"[:500]
        with self.env.database.session(write=True) as session:
            if decision is None:
                log.error("Job %s (%s) failed: %s", job_id, spec.name if spec else "?", message)
                values: dict[str, Any] = {"status": "failed", "last_error": message,
                                          "lease_until": None}
            else:
                log.warning("Job %s (%s) will be retried: %s", job_id, spec.name, message)
                values = {"status": "todo", "last_error": message, "lease_until": None,
                          "scheduled_at": self.env.now() + _retry_delay(decision)}
            session.exec(update(local_job).where(local_job.c.id == job_id)  # type: ignore[call-overload]
                         .values(**values))


def _retry_delay(decision: Any) -> timedelta:
    """How long the retry strategy asks to wait (it answers with a moment in real time)."""
    if decision.retry_at is None:
        return timedelta(0)
    return max(timedelta(0), decision.retry_at - utcnow())
