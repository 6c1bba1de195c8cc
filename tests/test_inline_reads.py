"""A request's synchronous database work runs on the event loop only when nothing in it can
wait: a SQLite transaction that holds no write lock. PostgreSQL's round trips and SQLite
writes (which may wait for another process's writer) go to a worker thread, as FastAPI
runs any ``def`` route. See ``app.db.run_in_request`` and ``app.deps.small_read``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio.to_thread
import pytest
from sqlmodel import select

from app import deps
from app.auth import service as auth_service
from app.db import Database, begin_write, end_write, run_in_request
from app.home import routes as home_routes
from app.learning import routes as learning_routes
from app.models import Role, User
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec
from tests.dbutil import backend

SQLITE = backend() == "sqlite"
T = TypeVar("T")
WORKER = "AnyIO worker thread"  # the name anyio gives its worker threads


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """A loop of its own, in a thread of its own: the browser tests' Playwright may leave
    a running loop in the test thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _thread_of(database: Database, *, write: bool, read_first: bool = False,
               step: str = "") -> str:
    """Where ``run_in_request`` runs its work in such a transaction: "loop" or "worker"."""

    async def main() -> str:
        loop_thread = threading.get_ident()
        async with database.request_transaction(write=write, read_first=read_first) as session:
            session.exec(select(User.id).limit(1)).all()
            if step in ("upgraded", "downgraded"):
                await anyio.to_thread.run_sync(begin_write, session)
            if step == "downgraded":
                await anyio.to_thread.run_sync(end_write, session)
            ran_in = await run_in_request(session, threading.get_ident)
        return "loop" if ran_in == loop_thread else "worker"

    return _run(main())


def test_a_read_runs_on_the_loop_on_sqlite_only(database):
    assert _thread_of(database, write=False) == ("loop" if SQLITE else "worker")


def test_a_write_always_runs_in_a_worker_thread(database):
    assert _thread_of(database, write=True) == "worker"


def test_a_read_first_write_leaves_the_loop_once_it_writes(database):
    assert _thread_of(database, write=True, read_first=True) == ("loop" if SQLITE else "worker")
    assert _thread_of(database, write=True, read_first=True, step="upgraded") == "worker"
    assert _thread_of(database, write=True, read_first=True, step="downgraded") == (
        "loop" if SQLITE else "worker")


def test_small_read_refuses_a_handler_without_a_session():
    def page(request: object) -> object:
        return request

    with pytest.raises(TypeError, match="takes `session`"):
        deps.small_read(page)  # type: ignore[arg-type]


@pytest.fixture
def threads_seen(monkeypatch) -> list[tuple[str, str]]:
    """(what, thread name) of the session lookup and of the lesson page's first query."""
    seen: list[tuple[str, str]] = []
    resolve = auth_service.resolve_session
    course_and_lesson_for = learning_routes.course_and_lesson_for

    def spy_resolve(*args, **kwargs):
        seen.append(("sign-in", threading.current_thread().name))
        return resolve(*args, **kwargs)

    def spy_course(*args, **kwargs):
        seen.append(("lesson", threading.current_thread().name))
        return course_and_lesson_for(*args, **kwargs)

    monkeypatch.setattr(auth_service, "resolve_session", spy_resolve)
    monkeypatch.setattr(learning_routes, "course_and_lesson_for", spy_course)
    return seen


def test_the_lesson_page_and_its_sign_in_skip_the_thread_on_sqlite(
        client, make_user, load_course, enrol, threads_seen):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    threads_seen.clear()
    response = client.get("/courses/pilot/lessons/hello")
    assert response.status_code == 200 and "Mark as complete" in response.text
    assert [what for what, _ in threads_seen] == ["sign-in", "lesson"]
    if SQLITE:
        assert all(name != WORKER for _, name in threads_seen), threads_seen
    else:
        assert all(name == WORKER for _, name in threads_seen), threads_seen


def test_a_write_signs_in_from_a_worker_thread(client, make_user, threads_seen):
    """A POST that writes from its first statement (SQLite: BEGIN IMMEDIATE, which may
    wait for another process) never runs that on the loop."""
    user = make_user(Role.executive)
    login(client, user.email)
    token = csrf_from(client, "/account")
    threads_seen.clear()
    response = client.post("/notifications/read-all", data={"csrf_token": token})
    assert response.status_code == 303
    assert threads_seen == [("sign-in", WORKER)]


def test_small_read_for_roles_needs_the_user():
    def page(session: object) -> object:
        return session

    with pytest.raises(TypeError, match="`session` and `user`"):
        deps.small_read_for(Role.executive)(page)  # type: ignore[arg-type]


@pytest.mark.parametrize(("role", "spied"), [(Role.executive, "my_courses"),
                                             (Role.hr, "home_queues")])
def test_the_home_page_skips_the_thread_for_executives_only(
        role, spied, client, make_user, monkeypatch):
    """Staff's home pages aggregate over every executive: never on the loop."""
    seen: list[str] = []
    original = getattr(home_routes, spied)

    def spy(*args, **kwargs):
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(home_routes, spied, spy)
    user = make_user(role)
    login(client, user.email)
    seen.clear()
    assert client.get("/").status_code == 200
    assert len(seen) == 1
    on_loop = SQLITE and role == Role.executive
    assert (seen[0] != WORKER) == on_loop, seen


def _transaction_of(database: Database, *, statement_snapshots: bool) -> tuple[bool, str]:
    """(autocommit, the driver's transaction status after one query) of a request's read."""

    async def main() -> tuple[bool, str]:
        async with database.request_transaction(
                write=False, statement_snapshots=statement_snapshots) as session:
            session.exec(select(User.id).limit(1)).all()
            driver = session.connection().connection.driver_connection
            if SQLITE:
                return driver.isolation_level is None, str(driver.in_transaction)
            return driver.autocommit, driver.info.transaction_status.name

    return _run(main())


def test_a_small_read_runs_without_a_transaction_on_postgresql(database):
    """Its queries need not share a snapshot: no BEGIN and no COMMIT on PostgreSQL. SQLite
    keeps its BEGIN (the app's own, sent to the driver): nothing changes there."""
    if SQLITE:
        assert _transaction_of(database, statement_snapshots=True) == (True, "True")
        assert _transaction_of(database, statement_snapshots=False) == (True, "True")
    else:
        assert _transaction_of(database, statement_snapshots=True) == (True, "IDLE")
        assert _transaction_of(database, statement_snapshots=False) == (False, "INTRANS")


def test_the_lesson_page_reads_without_a_transaction_on_postgresql(
        client, make_user, load_course, enrol, monkeypatch):
    seen: list[bool] = []
    course_and_lesson_for = learning_routes.course_and_lesson_for

    def spy(session, *args, **kwargs):
        found = course_and_lesson_for(session, *args, **kwargs)
        if not SQLITE:
            seen.append(session.connection().connection.driver_connection.autocommit)
        return found

    monkeypatch.setattr(learning_routes, "course_and_lesson_for", spy)
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    response = client.get("/courses/pilot/lessons/hello")
    assert response.status_code == 200 and "Mark as complete" in response.text
    assert seen == ([] if SQLITE else [True])
