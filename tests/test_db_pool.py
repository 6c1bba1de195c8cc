"""PostgreSQL connections that the server dropped while they sat idle in the pool are
replaced before a request gets them (a restart or fail-over must not fail requests)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import db as db_module
from app.db import Database
from tests.dbutil import backend


@pytest.mark.skipif(backend() != "postgresql", reason="connections to a server: PostgreSQL")
def test_a_dropped_idle_connection_is_replaced(database_url, monkeypatch):
    database = Database(database_url)
    try:
        with database.session() as session:
            first_pid = session.exec(text("SELECT pg_backend_pid()")).scalar()
        # the server ends that connection while it is idle in the pool
        with database.session() as session:
            other = session.exec(text("SELECT pg_backend_pid()")).scalar()
            assert other == first_pid  # the same pooled connection came back
        admin = Database(database_url)
        try:
            with admin.session() as session:
                assert session.exec(text("SELECT pg_terminate_backend(:pid)"),
                                    params={"pid": first_pid}).scalar()
        finally:
            admin.dispose()
        monkeypatch.setattr(db_module, "IDLE_PING_AFTER_S", 0.0)  # idle long enough
        with database.session() as session:
            pid = session.exec(text("SELECT pg_backend_pid()")).scalar()
        assert pid != first_pid
    finally:
        database.dispose()

