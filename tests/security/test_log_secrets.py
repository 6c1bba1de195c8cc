"""No parameter value reaches a log: a database error that involves a password hash is
logged without it (SQLAlchemy's bound parameters are hidden on every engine)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from app.models import Role, User


def _insert_twin_and_log(database, stored: str) -> None:  # type: ignore[no-untyped-def]
    """A failing insert, logged as the app's error handler logs an unexpected error."""
    try:
        with database.session(write=True) as s:
            s.add(User(email="taken@acme.example", full_name="Twin", role=Role.executive,
                       password_hash=stored))
            s.flush()
    except IntegrityError:
        logging.getLogger("podium").exception("Unhandled error")
    else:
        raise AssertionError("the insert should have failed")


def test_a_database_error_is_logged_without_its_values(database, make_user, caplog):
    user = make_user(Role.executive, email="taken@acme.example")
    with database.session() as s:
        stored = s.get(User, user.id).password_hash
    assert stored and stored.startswith("$argon2id$")
    with caplog.at_level(logging.ERROR, logger="podium"):
        _insert_twin_and_log(database, stored)
    assert "Unhandled error" in caplog.text and "IntegrityError" in caplog.text
    assert stored not in caplog.text and "$argon2id$" not in caplog.text
    # (PostgreSQL's own message may name the duplicated key; that is the server's DETAIL,
    # not a bound parameter)
    assert "hidden due to hide_parameters" in caplog.text
