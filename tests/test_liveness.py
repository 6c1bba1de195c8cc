"""Regression tests for deadlocks found by the load benchmark: requests must never wait
on each other for threads, connections or the SQLite write lock. Each test runs its
requests in threads and fails (instead of hanging) if they do not finish."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from app.models import AuthSession, Role, utcnow
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec

LIVENESS_SECONDS = 60  # generous: a healthy run takes a second or two


def _run_all(jobs) -> list[object]:  # type: ignore[no-untyped-def]
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # surfaced by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LIVENESS_SECONDS)
    assert not any(t.is_alive() for t in threads), "requests deadlocked"
    return results


def test_post_after_idle_minute_does_not_deadlock(client, make_user, database):
    user = make_user(Role.admin)
    login(client, user.email)
    token = csrf_from(client, "/admin/cohorts")
    with database.session(write=True) as s:  # the session was last seen two minutes ago
        s.exec(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=2)))
    [status] = _run_all([lambda: client.post("/admin/cohorts", data={
        "name": "After a pause", "csrf_token": token}).status_code])
    assert status == 303


def test_many_concurrent_lesson_views_and_completions(app, make_user, load_course, enrol,
                                                      database):
    course = load_course(small_spec())
    browsers = []
    for _ in range(24):  # more concurrent requests than there are pooled connections
        user = make_user(Role.executive)
        enrol(course, user)
        browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
        login(browser, user.email)
        browsers.append((browser, csrf_from(browser, "/courses/pilot/lessons/hello")))
    with database.session(write=True) as s:  # every session needs its last-seen refreshed
        s.exec(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=2)))

    def view(i: int):  # type: ignore[no-untyped-def]
        return lambda: browsers[i][0].get("/courses/pilot/lessons/world").status_code

    def complete(i: int):  # type: ignore[no-untyped-def]
        browser, token = browsers[i]
        return lambda: browser.post("/courses/pilot/lessons/hello/complete",
                                    headers={"X-CSRF-Token": token,
                                             "HX-Request": "true"}).status_code

    jobs = [job for i in range(len(browsers)) for job in (view(i), complete(i), view(i))]
    results = _run_all(jobs)
    for browser, _ in browsers:
        browser.close()
    assert results == [200] * len(jobs)
