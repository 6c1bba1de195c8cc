"""What every command of the ``podium`` command line shares: the settings, or exit with
the configuration error, and a write transaction on a database opened for one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlmodel import Session

from app.config import Settings


def settings_or_exit() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.secho(f"Configuration error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """One write transaction on a database opened (and closed) for this command."""
    from app.db import Database

    database = Database(settings.database_url)
    try:
        with database.session(write=True) as session:
            yield session
    finally:
        database.dispose()
