"""Concurrent writes through the app never fail with "database is locked" (SQLite) or a
duplicate-key race (PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Cohort, LoginThrottle, Role
from tests.conftest import csrf_from, login


def test_parallel_form_posts_all_succeed(app, make_user, database):
    admin = make_user(Role.admin)
    browsers = []
    for _ in range(8):
        c = TestClient(app, base_url="https://testserver", follow_redirects=False)
        login(c, admin.email)
        browsers.append((c, csrf_from(c, "/admin/cohorts")))

    def create(i: int) -> int:
        c, token = browsers[i % len(browsers)]
        return c.post("/admin/cohorts", data={"name": f"Cohort {i:03d}",
                                               "csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(create, range(80)))
    for c, _ in browsers:
        c.close()
    assert codes == [303] * 80
    with database.session() as s:
        assert len(s.exec(select(Cohort)).all()) == 80


def test_parallel_failed_logins_are_all_counted(app, database):
    def attempt(_: int) -> int:
        c = TestClient(app, base_url="https://testserver", follow_redirects=False)
        try:
            token = csrf_from(c, "/login")
            return c.post("/login", data={"email": "race@example.com", "password": "wrong-pass",
                                          "csrf_token": token}).status_code
        finally:
            c.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(attempt, range(12)))
    assert set(codes) <= {400, 429}  # wrong, or locked (429 with Retry-After)
    with database.session() as s:
        row = s.get(LoginThrottle, "race@example.com")
    # Five failures lock the account; attempts while locked are refused without counting.
    assert row is not None and 5 <= row.failures <= 12
    assert row.locked_until is not None
