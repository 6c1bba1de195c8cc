"""Accounts brought over from another system keep their passwords: a real bcrypt hash (and
an argon2 hash with other parameters) signs in and is replaced by today's argon2id."""

from __future__ import annotations

import bcrypt
import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from app.models import Role, User
from tests.conftest import PASSWORD, csrf_from

LONG = "a passphrase of more than seventy-two bytes, as some people do choose them, really"


def _store(database, user_id: int, stored: str) -> None:  # type: ignore[no-untyped-def]
    with database.session(write=True) as s:
        user = s.get(User, user_id)
        user.password_hash = stored
        s.add(user)


def _hash_of(database, user_id: int) -> str:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return s.exec(select(User.password_hash).where(User.id == user_id)).one()


def _sign_in(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"csrf_token": csrf_from(client), "email": email,
                                       "password": password, "next": "/"})


@pytest.mark.parametrize("prefix", [b"2b", b"2a", b"2y"])
def test_a_bcrypt_hash_signs_in_and_is_rehashed(new_client, make_user, database, prefix):
    user = make_user(Role.executive, password=None)
    stored = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=12, prefix=b"2b"))
    stored = stored.replace(b"$2b$", b"$" + prefix + b"$", 1).decode()
    _store(database, user.id, stored)
    assert _sign_in(new_client(), user.email, "not the password").status_code == 400
    assert _hash_of(database, user.id) == stored  # a failure changes nothing
    assert _sign_in(new_client(), user.email, PASSWORD).status_code == 303
    rehashed = _hash_of(database, user.id)
    assert rehashed.startswith("$argon2id$") and rehashed != stored
    assert _sign_in(new_client(), user.email, PASSWORD).status_code == 303


def test_a_bcrypt_hash_of_a_long_password_signs_in_with_the_whole_password(
        new_client, make_user, database):
    user = make_user(Role.executive, password=None)
    # the old system hashed what bcrypt saw: the first 72 bytes
    _store(database, user.id, bcrypt.hashpw(LONG.encode()[:72], bcrypt.gensalt(4)).decode())
    assert _sign_in(new_client(), user.email, LONG).status_code == 303
    rehashed = _hash_of(database, user.id)
    assert rehashed.startswith("$argon2id$")
    # the new hash is of the whole password, not of its first 72 bytes
    assert _sign_in(new_client(), user.email, LONG[:72]).status_code == 400
    assert _sign_in(new_client(), user.email, LONG).status_code == 303


def test_argon2_with_other_parameters_is_upgraded(new_client, make_user, database):
    user = make_user(Role.executive, password=None)
    stored = PasswordHasher(time_cost=3, memory_cost=8192, parallelism=2).hash(PASSWORD)
    _store(database, user.id, stored)
    assert _sign_in(new_client(), user.email, PASSWORD).status_code == 303
    rehashed = _hash_of(database, user.id)
    assert rehashed.startswith("$argon2id$") and rehashed != stored
    assert "m=1024,t=1,p=1" in rehashed  # the parameters the tests configure


def test_an_unknown_hash_format_fails_like_a_wrong_password(new_client, make_user, database):
    user = make_user(Role.executive, password=None)
    _store(database, user.id, "$1$md5crypt$abcdefghijklmnopqrstuv")
    response = _sign_in(new_client(), user.email, PASSWORD)
    assert response.status_code == 400
    assert "That email and password do not match an active account." in response.text
