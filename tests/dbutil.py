"""Throwaway databases for tests: a uniquely named PostgreSQL database when
PODIUM_TEST_DATABASE_URL is set, otherwise a SQLite file in a temporary folder."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("PODIUM_TEST_DATABASE_URL", "")


def backend() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


@contextmanager
def throwaway_database(label: str = "t") -> Iterator[str]:
    if POSTGRES_URL:
        name = f"podium_{label}_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        folder = tempfile.mkdtemp(prefix="podium-test-")
        try:
            yield f"sqlite:///{folder}/podium.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)


_WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE")


@contextmanager
def statements_of(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Every SQL statement the app runs on ``engine`` inside the block, SQLite's BEGIN
    included (the app sends that to the driver directly)."""
    from sqlalchemy import event

    from app.db import sqlite_begin

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    def record_begin(conn) -> None:  # type: ignore[no-untyped-def]
        seen.append(sqlite_begin(conn))

    listeners = [("before_cursor_execute", record)]
    if engine.dialect.name == "sqlite":
        listeners.append(("begin", record_begin))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def writes_in(statements: list[str]) -> list[str]:
    """The statements that write or take a write lock (a SQLite write transaction, a
    PostgreSQL row lock)."""
    return [s for s in statements
            if s.upper().startswith(_WRITES) or "FOR UPDATE" in s.upper()]
