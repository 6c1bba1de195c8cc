"""Background jobs on PostgreSQL with real worker processes (`podium worker`): several
workers share the queue and send each email once; a worker killed mid-batch loses
nothing; jobs are written in the transaction of what caused them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from app.models import EmailMessage, Role
from tests.conftest import TEST_SECRET
from tests.dbutil import backend
from tests.mail.test_delivery import queue_for_test
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.skipif(backend() != "postgresql",
                                reason="worker processes share jobs on PostgreSQL")
PODIUM = str(Path(sys.executable).parent / "podium")


def _worker(database_url: str, smtp_url: str, *args: str,
            **env: str) -> subprocess.Popen[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    environment.update(PODIUM_ENV="production", PODIUM_SECRET_KEY=TEST_SECRET,
                       PODIUM_DATABASE_URL=database_url, PODIUM_BASE_URL="https://testserver",
                       PODIUM_SMTP_URL=smtp_url, PODIUM_MAIL_RETRY_BASE_SECONDS="1", **env)
    return subprocess.Popen([PODIUM, "worker", *args], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _statuses(database) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        emails = s.exec(select(EmailMessage)).all()
    counts: dict[str, int] = {}
    for email in emails:
        counts[email.status] = counts.get(email.status, 0) + 1
    return counts


@pytest.fixture
def relay():  # type: ignore[no-untyped-def]
    server = SmtpServer().start()
    yield server
    server.stop()


def test_two_workers_send_each_email_once(database, database_url, settings, make_user, relay):
    person = make_user(Role.executive)
    queue_for_test(database, settings, person.id, 40)
    workers = [_worker(database_url, relay.url, "--once", PODIUM_WORKER_CONCURRENCY="3")
               for _ in range(2)]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()[-2000:]
    received = relay.wait_for(40)
    ids = [r.message["Message-ID"] for r in received]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert _statuses(database) == {"sent": 40}


def test_a_worker_killed_mid_batch_loses_no_email(database, database_url, settings, make_user,
                                                  relay):
    person = make_user(Role.executive)
    queue_for_test(database, settings, person.id, 12)
    relay.handler.delay = 0.3  # a slow server: the worker is caught in the middle
    worker = _worker(database_url, relay.url, PODIUM_WORKER_CONCURRENCY="1",
                     PODIUM_WORKER_STALLED_SECONDS="2")
    try:
        deadline = time.monotonic() + 60
        while len(relay.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(relay.received) >= 3
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    assert _statuses(database).get("queued", 0) > 0  # work was left behind
    relay.handler.delay = 0
    time.sleep(3)  # the killed worker's heartbeat is now older than 2 s: it stalled
    again = _worker(database_url, relay.url, "--once", PODIUM_WORKER_STALLED_SECONDS="2")
    _, errors = again.communicate(timeout=120)
    assert again.returncode == 0, errors.decode()[-2000:]
    assert _statuses(database) == {"sent": 12}
    ids = [r.message["Message-ID"] for r in relay.received]
    assert len(set(ids)) == 12
    # a copy only for a message the server accepted just as the worker died
    assert len(ids) <= 13
