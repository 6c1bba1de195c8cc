"""Storing one answer of an attempt in progress, shared by the attempt's pages and the
autosave (``app.quizzes.autosave``): whether the attempt is still open, and the one
statement that writes an answer only while it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, Text, bindparam
from sqlmodel import Session, select

from app.db import begin_write, insert_for
from app.models import QuizAnswer, QuizAttempt, UTCDateTime, utcnow


class AttemptClosed(Exception):
    """The attempt can no longer change; the message says why."""


SUBMITTED = "This attempt has been submitted; its answers can no longer change."
EXPIRED = "The time limit has passed; this attempt can no longer change."
GONE = "This attempt no longer exists."
# Answers refused
NOT_IN_ATTEMPT = "That question is not part of this attempt."
TAKES_NO_ANSWER = "This item takes no answer."


class OpenAttempt(NamedTuple):
    """The columns of an attempt that saving an answer needs (``get_attempt`` without the
    ORM object, for the autosave)."""

    id: int
    submitted_at: datetime | None
    deadline_at: datetime | None
    layout: str


def is_expired(attempt: QuizAttempt | OpenAttempt, now: datetime | None = None) -> bool:
    return attempt.deadline_at is not None and (now or utcnow()) > attempt.deadline_at


_QA = QuizAttempt.__table__  # type: ignore[attr-defined]
_ANSWER_COLUMNS = ["attempt_id", "question_id", "response", "updated_at"]
_STORE: dict[str, Any] = {}  # the statement, built once per database dialect


def _store_statement(session: Session) -> Any:
    """INSERT … SELECT from the attempt row while it is open, locking it (FOR UPDATE on
    PostgreSQL; SQLite's write transaction is the lock), upserting on conflict."""
    dialect = session.get_bind().dialect.name
    statement = _STORE.get(dialect)
    if statement is None:
        open_attempt = (
            select(_QA.c.id, bindparam("question_id", type_=Integer),
                   bindparam("response", type_=Text), bindparam("now", type_=UTCDateTime()))
            .where(_QA.c.id == bindparam("attempt_id"), _QA.c.submitted_at.is_(None))
            .with_for_update())
        insert = insert_for(session)(QuizAnswer.__table__)  # type: ignore[attr-defined]
        statement = insert.from_select(_ANSWER_COLUMNS, open_attempt)
        statement = statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"response": statement.excluded.response,
                  "updated_at": statement.excluded.updated_at},
        ).execution_options(preserve_rowcount=True)  # an INSERT's count (psycopg)
        _STORE[dialect] = statement
    return statement


def store_answer(session: Session, *, attempt_id: int, question_id: int, response: str,
                 now: datetime) -> None:
    """Write one answer (JSON ``response``, already validated) into an open attempt.

    Takes the write lock (``begin_write``) and writes in one statement only while the
    attempt, locked, is still not submitted: a save and the submission of one attempt
    never interleave. Raises AttemptClosed (nothing written) when it has been submitted
    meanwhile. The caller checked the deadline, which never changes."""
    begin_write(session)
    written = session.execute(_store_statement(session), {
        "attempt_id": attempt_id, "question_id": question_id, "response": response,
        "now": now}).rowcount  # type: ignore[attr-defined]
    if written != 1:  # rare: submitted since it was read (or gone)
        exists = session.exec(select(QuizAttempt.id).where(QuizAttempt.id == attempt_id)).first()
        raise AttemptClosed(SUBMITTED if exists is not None else GONE)


def ensure_open(attempt: QuizAttempt | OpenAttempt, now: datetime) -> None:
    if attempt.submitted_at is not None:
        raise AttemptClosed(SUBMITTED)
    if is_expired(attempt, now):
        raise AttemptClosed(EXPIRED)
