"""``podium db``: the database schema, migrated up or down."""

from __future__ import annotations

import typer

from app.config import database_url_from_env

db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the database schema."""
    from app.migrate import upgrade

    upgrade(database_url_from_env(), revision)
    typer.echo(f"Database is at revision {revision}.")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION (use 'base' for an empty database)."""
    from app.migrate import downgrade

    downgrade(database_url_from_env(), revision)
    typer.echo(f"Database is at revision {revision}.")
