"""The schema comes only from migrations: models and migrations agree, and every
migration can be undone and redone (on SQLite and, with PODIUM_TEST_DATABASE_URL, on
PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app import migrate
from tests.dbutil import throwaway_database


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_models_match():
    with throwaway_database("mig") as url:
        migrate.upgrade(url)
        assert _diff(url) == []
        expected = {t.name for t in SQLModel.metadata.sorted_tables}
        assert expected <= _tables(url)

        migrate.downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}

        migrate.upgrade(url)
        assert _diff(url) == []
        assert expected <= _tables(url)
