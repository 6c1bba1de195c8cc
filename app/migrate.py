"""Running Alembic from code (the CLI and the tests use this; the schema is only ever
created by migrations)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.config import PROJECT_ROOT

# Tables the app's models do not describe: the job engine's (Procrastinate on PostgreSQL,
# app.jobs.local on SQLite). Migrations create them; model comparisons leave them out.
FOREIGN_TABLE_PREFIXES = ("procrastinate_", "local_job", "local_periodic")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's filter: compare only the app's own tables."""
    return not (type_ == "table" and name is not None
                and name.startswith(FOREIGN_TABLE_PREFIXES))


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
