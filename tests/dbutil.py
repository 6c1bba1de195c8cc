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
