"""Deferring a job in the caller's transaction: the job commits with what caused it (an
approval and its email go together or not at all)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from procrastinate import App, PsycopgConnector, exceptions
from sqlmodel import Session

from app.jobs import local
from app.models import utcnow


@cache
def _deferrer() -> App:
    """A Procrastinate app used only to write jobs through a connection it is handed (it
    never opens a connection of its own)."""
    return App(connector=PsycopgConnector())


def defer(session: Session, task: str, *, queueing_lock: str | None = None,
          run_at: datetime | None = None, **arguments: Any) -> None:
    """Queue ``task(**arguments)``. With a ``queueing_lock``, a job with the same lock that
    is still waiting makes this one unnecessary, and nothing is queued."""
    json.dumps(arguments)  # arguments must be JSON: fail here, not in the worker
    if session.get_bind().dialect.name == "postgresql":
        try:
            with session.begin_nested():  # a refused duplicate must not end the transaction
                # asking for the connection inside the block emits the SAVEPOINT
                connection = session.connection().connection.driver_connection
                _deferrer().configure_task(
                    task, connection=connection, queueing_lock=queueing_lock,
                    schedule_at=run_at).defer(**arguments)
        except exceptions.AlreadyEnqueued:
            pass
    else:
        local.insert_job(session, task=task, arguments=arguments, queueing_lock=queueing_lock,
                         run_at=run_at or utcnow())
