"""A job is written in the transaction of what caused it: it exists exactly when that
was committed. A queueing lock keeps one waiting job per key."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.jobs.queue import defer


def _waiting(database) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    query = ("SELECT task_name, arguments FROM local_job ORDER BY id" if database.is_sqlite
             else "SELECT task_name, args::text FROM procrastinate_jobs ORDER BY id")
    with database.engine.connect() as conn:
        return [(name, args.replace(" ", "")) for name, args in conn.execute(text(query))]


def _fail_after_deferring(database) -> None:  # type: ignore[no-untyped-def]
    with database.session(write=True) as s:
        defer(s, "recount_course", course_id=1)
        raise RuntimeError("the request failed after deferring")


def test_a_job_commits_with_its_cause_or_not_at_all(database):
    with pytest.raises(RuntimeError):
        _fail_after_deferring(database)
    assert _waiting(database) == []
    with database.session(write=True) as s:
        defer(s, "recount_course", queueing_lock="recount:1", course_id=1)
        defer(s, "recount_course", queueing_lock="recount:1", course_id=1)  # one waits already
        defer(s, "recount_course", course_id=2)
    assert _waiting(database) == [("recount_course", '{"course_id":1}'),
                                  ("recount_course", '{"course_id":2}')]


def test_arguments_must_be_json(database):
    with pytest.raises(TypeError), database.session(write=True) as s:
        defer(s, "recount_course", course_id={1, 2})
    assert _waiting(database) == []
