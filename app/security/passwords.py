"""Password hashing with argon2id through passlib's API (provided by libpass).

Hashes made elsewhere still sign in: bcrypt (``$2a$``/``$2b$``/``$2y$``, what most systems
a company migrates from hold) and argon2 with other parameters are verified, and replaced
by today's argon2id at the next successful sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from passlib.context import CryptContext

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_MAX_BYTES = 72  # bcrypt never saw more: systems that used it cut passwords there


class PasswordPolicyError(ValueError):
    pass


@dataclass(frozen=True)
class HashParams:
    memory_kib: int
    time_cost: int
    parallelism: int


@lru_cache(maxsize=8)
def _context(params: HashParams) -> CryptContext:
    return CryptContext(
        schemes=["argon2", "bcrypt"],
        deprecated=["bcrypt"],
        argon2__type="ID",
        argon2__memory_cost=params.memory_kib,
        argon2__time_cost=params.time_cost,
        argon2__parallelism=params.parallelism,
    )


@lru_cache(maxsize=8)
def _dummy_hash(params: HashParams) -> str:
    return _context(params).hash("podium-constant-time-dummy-password")


def check_policy(password: str) -> None:
    """Raise PasswordPolicyError with a user-facing message if the password is unacceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")


def hash_password(password: str, params: HashParams) -> str:
    check_policy(password)
    return _context(params).hash(password)


def verify_password(password: str, stored_hash: str | None,
                    params: HashParams) -> tuple[bool, str | None]:
    """Check a password. Returns (ok, new_hash): new_hash is set when the stored hash used
    older parameters and should be replaced. A missing hash still costs one full verify,
    so unknown accounts answer in the same time as known ones."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False, None
    context = _context(params)
    if stored_hash is None:
        context.verify(password, _dummy_hash(params))
        return False, None
    try:
        if stored_hash.startswith(BCRYPT_PREFIXES):
            ok = context.verify(password.encode()[:BCRYPT_MAX_BYTES], stored_hash)
            return ok, (context.hash(password) if ok else None)  # the whole password
        return context.verify_and_update(password, stored_hash)
    except ValueError:  # not a hash this context understands
        context.verify(password, _dummy_hash(params))
        return False, None
