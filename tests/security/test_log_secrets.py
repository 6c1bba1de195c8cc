"""No parameter value reaches a log: a database error that involves a password hash is
logged without it (SQLAlchemy's bound parameters are hidden on every engine)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import Role, User


def test_a_database_error_is_logged_without_its_values(database, make_user, caplog):
    user = make_user(Role.executive, email="taken@acme.example")
    with database.session() as s:
        stored = s.get(User, user.id).password_hash
    assert stored and stored.startswith("$argon2id$")
    log = logging.getLogger("podium")
    with caplog.at_level(logging.ERROR, logger="podium"), pytest.raises(IntegrityError):
        try:
            with database.session(write=True) as s:
                s.add(User(email="taken@acme.example", full_name="Twin", role=Role.executive,
                           password_hash=stored))
                s.flush()
        except IntegrityError:
            log.exception("Unhandled error")  # what the app's error handler does
            raise
    assert "Unhandled error" in caplog.text and "IntegrityError" in caplog.text
    assert stored not in caplog.text and "$argon2id$" not in caplog.text
    # (PostgreSQL's own message may name the duplicated key; that is the server's DETAIL,
    # not a bound parameter)
    assert "hidden due to hide_parameters" in caplog.text
