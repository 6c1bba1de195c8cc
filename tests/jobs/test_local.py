"""Jobs on SQLite: the in-process runner claims each job once, retries with the task's
back-off, takes over a job whose runner died once its lease ends, and defers each
periodic task once per tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.jobs import registry
from app.jobs.local import LEASE, LocalRunner
from app.jobs.queue import defer
from app.jobs.registry import JobEnv
from tests.dbutil import backend

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="the local runner is SQLite's")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def calls(monkeypatch):  # type: ignore[no-untyped-def]
    """A task that records its calls and fails while ``failures`` is positive."""
    from procrastinate import RetryStrategy

    seen: list[dict] = []
    state = {"failures": 0}

    def probe(env: JobEnv, **arguments: object) -> None:
        seen.append(arguments)
        if state["failures"] > 0:
            state["failures"] -= 1
            raise RuntimeError("not yet")

    monkeypatch.setitem(registry.TASKS, "probe", registry.TaskSpec(
        "probe", probe, retry=lambda s: RetryStrategy(max_attempts=3, exponential_wait=2)))
    return seen, state


def _jobs(database) -> list[tuple]:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT task_name, status, attempts FROM local_job ORDER BY id"))]


def test_a_job_runs_once_and_is_gone(database, settings, calls):
    seen, _ = calls
    with database.session(write=True) as s:
        defer(s, "probe", n=1)
    runner = LocalRunner(JobEnv(settings, database))
    assert runner.run_pending() == 1
    assert seen == [{"n": 1}]
    assert runner.run_pending() == 0 and _jobs(database) == []


def test_failures_are_retried_with_back_off_then_given_up(database, settings, calls):
    seen, state = calls
    state["failures"] = 5
    with database.session(write=True) as s:
        defer(s, "probe", n=1)
    clock = Clock(datetime.now(UTC))
    runner = LocalRunner(JobEnv(settings, database, clock=clock))
    runner.run_pending()
    assert _jobs(database) == [("probe", "todo", 1)]
    assert runner.run_pending() == 0  # waits 2 s (2 ** 1)
    clock.now += timedelta(seconds=3)
    runner.run_pending()
    assert _jobs(database) == [("probe", "todo", 2)]
    clock.now += timedelta(seconds=5)  # 2 ** 2 = 4 s
    runner.run_pending()
    assert _jobs(database) == [("probe", "todo", 3)]
    clock.now += timedelta(seconds=9)  # 2 ** 3 = 8 s
    runner.run_pending()
    # max_attempts=3 retries, as Procrastinate counts them: four runs, then failed
    assert _jobs(database) == [("probe", "failed", 4)]
    assert len(seen) == 4


def test_a_job_whose_runner_died_runs_again_after_its_lease(database, settings, calls):
    seen, _ = calls
    with database.session(write=True) as s:
        defer(s, "probe", n=1)
    clock = Clock(datetime.now(UTC))
    crashed = LocalRunner(JobEnv(settings, database, clock=clock))
    assert crashed._claim() is not None  # claimed, then the process died
    other = LocalRunner(JobEnv(settings, database, clock=clock))
    assert other.run_pending() == 0  # still leased to the dead runner
    clock.now += LEASE + timedelta(seconds=1)
    assert other.run_pending() == 1
    assert seen == [{"n": 1}] and _jobs(database) == []


def test_a_queueing_lock_keeps_one_waiting_job(database, settings, calls):
    seen, _ = calls
    with database.session(write=True) as s:
        defer(s, "probe", queueing_lock="same", n=1)
        defer(s, "probe", queueing_lock="same", n=2)
    assert [row[0] for row in _jobs(database)] == ["probe"]
    LocalRunner(JobEnv(settings, database)).run_pending()
    assert seen == [{"n": 1}]


def test_periodic_tasks_are_deferred_once_per_tick(database, settings, monkeypatch):
    ran: list[datetime] = []
    monkeypatch.setattr(registry, "TASKS", {"tick": registry.TaskSpec(
        "tick", lambda env, now: ran.append(now), cron="0 7 * * *")})
    monkeypatch.setattr("app.jobs.local.TASKS", registry.TASKS)
    clock = Clock(datetime(2027, 1, 11, 6, 0, tzinfo=UTC))
    runner = LocalRunner(JobEnv(settings, database, clock=clock))
    assert runner.schedule_periodic() == 0  # first sight: counting starts now
    clock.now = datetime(2027, 1, 11, 7, 0, 30, tzinfo=UTC)
    assert runner.schedule_periodic() == 1
    assert runner.schedule_periodic() == 0  # the same tick again: nothing
    assert LocalRunner(JobEnv(settings, database, clock=clock)).schedule_periodic() == 0
    runner.run_pending()
    assert ran == [datetime(2027, 1, 11, 7, 0, tzinfo=UTC)]
    clock.now = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)  # three days without a runner
    assert runner.schedule_periodic() == 1  # the latest tick only
    runner.run_pending()
    assert ran[-1] == datetime(2027, 1, 14, 7, 0, tzinfo=UTC)
