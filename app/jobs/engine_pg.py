"""Jobs on PostgreSQL with Procrastinate: the worker app with Podium's tasks, periodic
schedules, stalled-job recovery and clean-up of finished jobs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import Database
from app.jobs.registry import TASKS, JobEnv, TaskSpec

log = logging.getLogger("podium.jobs")

KEEP_FINISHED_HOURS = 72


def conninfo(database_url: str) -> str:
    """A libpq connection string from the app's SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


def build_app(env: JobEnv, *, periodic: bool = True) -> App:
    """The worker's app. Without ``periodic`` (a worker that runs what is due and stops)
    nothing is deferred on a schedule."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(env.settings.database_url),
                                         min_size=1, max_size=4))
    for spec in TASKS.values():
        _register(app, env, spec, periodic=periodic)
    stalled_after = env.settings.worker_stalled_seconds

    @app.task(name="podium.retry_stalled_jobs", queueing_lock="retry-stalled",
              pass_context=True)
    async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
        await retry_stalled(context.app, seconds=stalled_after)

    @app.task(name="podium.remove_old_jobs", queueing_lock="remove-old-jobs",
              pass_context=True)
    async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS,
                                                      include_failed=False)

    if periodic:
        app.periodic(cron="* * * * *", periodic_id="retry-stalled")(retry_stalled_jobs)
        app.periodic(cron="41 3 * * *", periodic_id="remove-old-jobs")(remove_old_jobs)
    return app


def jobs_due(database: Database) -> bool:
    """Whether a job waits that a worker could start now."""
    with database.engine.connect() as connection:
        return connection.execute(text(
            "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
            "AND (scheduled_at IS NULL OR scheduled_at <= now()))")).scalar_one()


async def retry_stalled(app: App, *, seconds: float) -> int:
    """Jobs whose worker stopped beating (killed, machine lost) are queued again; returns
    how many."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        log.warning("Retrying job %s (%s): its worker stopped", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)


def _register(app: App, env: JobEnv, spec: TaskSpec, *, periodic: bool) -> None:
    retry = spec.retry_strategy(env.settings) or False
    if spec.cron is not None:
        def run_periodic(context: JobContext, timestamp: int) -> None:
            spec.func(env, now=datetime.fromtimestamp(timestamp, UTC))

        task = app.task(name=spec.name, pass_context=True, retry=retry,
                        queueing_lock=f"periodic:{spec.name}")(run_periodic)
        if periodic:
            app.periodic(cron=spec.cron, periodic_id=spec.name)(task)
    else:
        def run_task(context: JobContext, **arguments: Any) -> None:
            spec.func(env, **arguments)

        app.task(name=spec.name, pass_context=True, retry=retry)(run_task)


async def run_worker(env: JobEnv, *, once: bool = False, concurrency: int | None = None,
                     name: str | None = None, install_signal_handlers: bool = True) -> None:
    """Run a Procrastinate worker until stopped (or, with ``once``, until no job is due,
    deferring nothing on a schedule)."""
    app = build_app(env, periodic=not once)
    async with app.open_async():
        # a worker starting after a crash takes over what the crashed one held
        await retry_stalled(app, seconds=env.settings.worker_stalled_seconds)
        await app.run_worker_async(
            wait=not once, concurrency=concurrency or env.settings.worker_concurrency,
            name=name, install_signal_handlers=install_signal_handlers,
            fetch_job_polling_interval=1.0 if once else 5.0,
            update_heartbeat_interval=min(10.0, max(1.0, env.settings.worker_stalled_seconds / 4)),
            stalled_worker_timeout=env.settings.worker_stalled_seconds,
        )
