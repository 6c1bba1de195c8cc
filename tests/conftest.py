"""Shared fixtures: one migrated database per test session (PostgreSQL or SQLite), emptied
after every test; the app with CSRF and every check on; helpers to sign in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import SQLModel

from app import migrate
from app.admin import service as admin_service
from app.auth.service import set_password
from app.authoring.import_export import import_course
from app.config import Settings
from app.courses.package import load_package
from app.courses.spec import CourseSpec
from app.db import Database
from app.enrolments.service import enrol_users
from app.jobs.registry import JobEnv
from app.main import create_app
from app.models import Course, Role, User
from app.worker.runner import run_due_jobs
from tests.dbutil import throwaway_database
from tests.smtp_server import SmtpServer

TEST_SECRET = "test-secret-for-podium-only-0123456789abcdef"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with throwaway_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


# The job engine's tables (not models of the app), emptied with the rest.
JOB_TABLES = {"sqlite": ["local_job", "local_periodic"],
              "postgresql": ["procrastinate_events", "procrastinate_periodic_defers",
                             "procrastinate_jobs", "procrastinate_workers"]}


def _empty_all_tables(db: Database) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in tables + JOB_TABLES["sqlite"]:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            # DELETE from the few tables that hold rows (one query finds them), children
            # first, and restart the ids: much cheaper than TRUNCATE of every table.
            names = JOB_TABLES["postgresql"] + tables
            probe = " UNION ALL ".join(
                f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names)
            used = {row[0] for row in conn.execute(text(probe))}
            for name in names:
                if name in used:
                    conn.execute(text(f'DELETE FROM "{name}"'))
            sequences = conn.execute(text(
                "SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL "
                "AND schemaname = current_schema()")).scalars().all()
            for sequence in sequences:
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "database" in request.fixturenames:
        _empty_all_tables(request.getfixturevalue("database"))


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "production",
        "secret_key": TEST_SECRET,
        "database_url": database_url,
        "base_url": "https://testserver",
        # Tests run background jobs themselves (``run_jobs``), at the moment they choose.
        "worker_in_process": False,
        # Cheap hashing keeps the suite fast; the production defaults are tested separately.
        "argon2_memory_kib": 1024,
        "argon2_time_cost": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database)


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback requiring STARTTLS (its own certificate) and login."""
    server = SmtpServer(tls_folder=tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(database_url: str, smtp: SmtpServer) -> Settings:
    """Settings that send through ``smtp``; retries wait 1 s, 1 s, ... (base 1)."""
    return make_settings(database_url, smtp_url=smtp.url, smtp_ca_file=smtp.ca_file,
                         mail_retry_base_seconds=1, mail_from="Podium <podium@testserver>")


@pytest.fixture
def run_jobs(settings: Settings, database: Database) -> Callable[..., None]:
    """Run every background job that is due now, as a worker would (the real engine:
    Procrastinate on PostgreSQL, the local runner on SQLite)."""

    def do(with_settings: Settings | None = None) -> None:
        run_due_jobs(JobEnv(with_settings or settings, database))

    return do


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture
def new_client(app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """Extra independent browsers (separate cookie jars)."""
    clients: list[TestClient] = []

    def factory() -> TestClient:
        c = TestClient(app, base_url="https://testserver", follow_redirects=False)
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.close()


@pytest.fixture
def make_user(database: Database, settings: Settings) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.executive, *, email: str | None = None,
                full_name: str | None = None, password: str | None = PASSWORD,
                department: str | None = "Board", active: bool = True) -> User:
        n = next(counter)
        with database.session(write=True) as session:
            user = admin_service.create_user(
                session, settings, email=email or f"{role.value}{n}@example.com",
                full_name=full_name or f"{role.label} Person {n}", role=role,
                department=department)
            if password is not None:
                set_password(session, settings, user=user, password=password)
            user.is_active = active
            session.add(user)
        return user

    return factory


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client: TestClient, path: str = "/login") -> str:
    response = client.get(path)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token, "next": "/"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


@pytest.fixture
def login_as(client: TestClient, make_user: Callable[..., User]) -> Callable[[Role], User]:
    def do(role: Role) -> User:
        user = make_user(role)
        login(client, user.email)
        return user

    return do


def form_post(client: TestClient, path: str, data: dict[str, object] | None = None, *,
              page: str | None = None, files: dict | None = None):  # type: ignore[no-untyped-def]
    """POST a form the way a browser does: with the CSRF token from the page it is on."""
    token = csrf_from(client, page or "/account")
    payload = {"csrf_token": token, **(data or {})}
    return client.post(path, data=payload, files=files)


@pytest.fixture
def load_course(database: Database) -> Callable[[CourseSpec | Path], Course]:
    def do(source: CourseSpec | Path) -> Course:
        spec = load_package(source) if isinstance(source, Path) else source
        with database.session(write=True) as session:
            return import_course(session, spec).course

    return do


@pytest.fixture
def enrol(database: Database) -> Callable[..., None]:
    def do(course: Course, user: User, due_date=None) -> None:  # type: ignore[no-untyped-def]
        with database.session(write=True) as session:
            enrol_users(session, course=course, users=[user], due_date=due_date)

    return do
