"""The tasks Podium runs in the background: their names, retry policies and schedules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from procrastinate import BaseRetryStrategy

from app.models import utcnow

if TYPE_CHECKING:
    from app.config import Settings
    from app.db import Database


@dataclass(frozen=True)
class JobEnv:
    """What a task runs with: the configuration, the database and the clock."""

    settings: Settings
    database: Database
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()


TaskFunction = Callable[..., None]
RetryPolicy = Callable[["Settings"], BaseRetryStrategy | None]


@dataclass(frozen=True)
class TaskSpec:
    name: str
    func: TaskFunction  # func(env, **arguments); periodic tasks: func(env, now=<tick>)
    retry: RetryPolicy | None = None
    cron: str | None = None  # set for periodic tasks (UTC)

    def retry_strategy(self, settings: Settings) -> BaseRetryStrategy | None:
        return self.retry(settings) if self.retry else None


TASKS: dict[str, TaskSpec] = {}


def task(name: str, *, retry: RetryPolicy | None = None,
         cron: str | None = None) -> Callable[[TaskFunction], TaskFunction]:
    """Register a task under ``name`` (the name jobs are deferred by)."""

    def register(func: TaskFunction) -> TaskFunction:
        if name in TASKS:
            raise ValueError(f"task {name!r} is defined twice")
        TASKS[name] = TaskSpec(name=name, func=func, retry=retry, cron=cron)
        return func

    return register


def run(env: JobEnv, name: str, arguments: dict[str, Any]) -> None:
    """Run one task by name, as a worker does."""
    TASKS[name].func(env, **arguments)
