"""The ``podium`` command line: the root command, its groups (each in its own module:
``database``, ``users``, ``courses``, ``quizzes``, ``reports``) and the commands that run
Podium (``demo``, ``serve``, ``worker``)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import settings_or_exit, transaction
from app.cli.courses import courses_cli
from app.cli.database import db_cli
from app.cli.quizzes import quizzes_cli
from app.cli.reports import reports_cli
from app.cli.users import users_cli

cli = typer.Typer(help="Podium: executive social-media enablement.", no_args_is_help=True,
                  add_completion=False)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
cli.add_typer(courses_cli, name="courses")
cli.add_typer(quizzes_cli, name="quizzes")
cli.add_typer(reports_cli, name="reports")


@cli.command("demo")
def demo() -> None:
    """Load demo accounts and content (idempotent; development only)."""
    from app.demo import DEMO_INVITEE, DEMO_PASSWORD, SAMPLE_LEARNERS, load_demo

    settings = settings_or_exit()
    if not settings.is_development:
        typer.secho("Demo accounts have a published password: run this only with "
                    "PODIUM_ENV=development.", err=True, fg="red")
        raise typer.Exit(1)
    with transaction(settings) as session:
        results, reports = load_demo(session, settings)
    for report in reports:
        typer.echo(report.summary())
    typer.echo(f"{len(SAMPLE_LEARNERS)} sample executives with progress fill HR's dashboard "
               "(they cannot sign in).")
    typer.echo(f"{DEMO_INVITEE.full_name} has a pending invitation: sign in as the admin and "
               "open Users, then Mailbox, to follow the link. Every email Podium sends in "
               "development arrives in that mailbox.")
    typer.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for account, created in results:
        note = "" if created else "  (already there)"
        typer.echo(f"  {account.role.label:<10} {account.email}{note}")


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
    jobs: Annotated[bool | None, typer.Option(
        "--jobs/--no-jobs", help="Also run background jobs in each server process "
                                 "(default: in development only).")] = None,
) -> None:
    """Serve the app with uvicorn."""
    import os

    import uvicorn

    if jobs is not None:
        os.environ["PODIUM_WORKER_IN_PROCESS"] = "true" if jobs else "false"
    settings_or_exit()  # fail fast on insecure configuration
    # The app reads proxy headers itself, from PODIUM_TRUSTED_PROXIES only.
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers,
                reload=reload, proxy_headers=False, server_header=False)


@cli.command("worker")
def worker(
    once: Annotated[bool, typer.Option(
        "--once", help="Run the jobs that are due, then stop.")] = False,
    concurrency: Annotated[int, typer.Option(
        help="Jobs run at the same time (default: PODIUM_WORKER_CONCURRENCY).", min=0)] = 0,
) -> None:
    """Run background jobs: emails, reminders, digests, recounts (on PostgreSQL, start as
    many as you like, on any machine; on SQLite, one beside the app)."""
    import asyncio
    import logging

    from app.db import Database
    from app.jobs.registry import JobEnv
    from app.security import redact
    from app.worker import runner as jobs_worker

    settings = settings_or_exit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                   "%(message)s")
    redact.install()
    database = Database(settings.database_url)
    try:
        asyncio.run(jobs_worker.run(JobEnv(settings, database), once=once,
                                    concurrency=concurrency or None))
    finally:
        database.dispose()


def main() -> None:
    cli()
