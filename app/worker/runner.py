"""Running the jobs: `podium worker`, the in-process worker of `podium serve`, and the
tests' "run what is due now"."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import anyio.to_thread

import app.worker.tasks  # noqa: F401  (registers every task)
from app.jobs import engine_pg
from app.jobs.local import LocalRunner
from app.jobs.registry import JobEnv

log = logging.getLogger("podium.jobs")

STOP_TIMEOUT_SECONDS = 10


async def run(env: JobEnv, *, once: bool = False, concurrency: int | None = None,
              install_signal_handlers: bool = True) -> None:
    """Work until stopped; with ``once``, until nothing is due."""
    if env.database.is_sqlite:
        runner = LocalRunner(env)
        if once:
            await anyio.to_thread.run_sync(runner.schedule_periodic)
            await anyio.to_thread.run_sync(runner.run_pending)
            return
        stop = asyncio.Event()
        if install_signal_handlers:
            _stop_on_signals(stop)
        await runner.run_forever(stop)
    else:
        await engine_pg.run_worker(env, once=once, concurrency=concurrency,
                                   install_signal_handlers=install_signal_handlers)


def run_due_jobs(env: JobEnv, *, rounds: int = 20) -> None:
    """Run every job that is due, jobs those jobs queue included, from synchronous code
    (tests, the CLI)."""
    if env.database.is_sqlite:
        LocalRunner(env).run_pending()
        return
    for _ in range(rounds):  # a worker that caught up may stop before a job queued late
        # on a thread of its own: the caller's thread may already run an event loop
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(lambda: asyncio.run(engine_pg.run_worker(
                env, once=True, install_signal_handlers=False))).result()
        if not engine_pg.jobs_due(env.database):
            return


@asynccontextmanager
async def in_process(env: JobEnv) -> AsyncIterator[None]:
    """A worker beside the web app in the same process (development's `podium serve`)."""
    task = asyncio.create_task(run(env, install_signal_handlers=False), name="podium-worker")
    log.info("Background jobs run in this process")
    try:
        yield
    finally:
        task.cancel()
        # a running job may take a moment to finish; never hold the server's shutdown long
        done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT_SECONDS)
        if not done:
            log.warning("The in-process worker did not stop within %s s", STOP_TIMEOUT_SECONDS)
        elif not task.cancelled() and task.exception() is not None:
            log.error("The in-process worker had stopped with an error",
                      exc_info=task.exception())


def _stop_on_signals(stop: asyncio.Event) -> None:
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
