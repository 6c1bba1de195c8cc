"""Logging in and out: credentials, server-side sessions and login throttling.

Services take a database session and never commit: the request (or CLI command)
boundary does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.content.keys import email_key
from app.db import insert_for
from app.models import AuthSession, LoginThrottle, Notification, SsoIdentity, User, utcnow
from app.security import context, events, ratelimit
from app.security.inputs import clean_text
from app.security.passwords import (
    HashParams,
    PasswordPolicyError,
    check_policy,
    hash_password,
    verify_password,
)
from app.security.tokens import digest, looks_like_token, new_token

TOUCH_INTERVAL = timedelta(seconds=60)
T = TypeVar("T", bound=Any)


def hash_params(settings: Settings) -> HashParams:
    return HashParams(settings.argon2_memory_kib, settings.argon2_time_cost,
                      settings.argon2_parallelism)


def normalise_email(email: str) -> str:
    return email_key(email)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None = None
    retry_after_seconds: int | None = None  # set when the account is throttled
    sso_required: bool = False  # the right password, but this account signs in with SSO

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(session: Session, settings: Settings, *, email: str, password: str,
                 client: str = "", now: datetime | None = None) -> LoginOutcome:
    """Check credentials with throttling: per account (the address typed, whether or not
    an account has it) and per client (so failures spread over many accounts count too).
    Unknown emails, wrong passwords and disabled accounts all fail the same way and take
    the same time. Every outcome is a security event."""
    now = now or utcnow()
    key = normalise_email(email)[:254]
    client_limit = ratelimit.peek(session, f"login-client:{client}",
                                  limit=settings.login_max_failures_per_client,
                                  window=timedelta(minutes=settings.login_client_window_minutes),
                                  now=now)
    if not client_limit.allowed:
        events.record(events.CLIENT_THROTTLED, email=key,
                      retry_after_seconds=client_limit.retry_after_seconds,
                      level=logging.WARNING)
        return LoginOutcome(retry_after_seconds=client_limit.retry_after_seconds)
    throttle = session.get(LoginThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        retry_after = _seconds_until(throttle.locked_until, now)
        events.record(events.LOCKED_OUT, email=key, retry_after_seconds=retry_after,
                      level=logging.WARNING)
        return LoginOutcome(retry_after_seconds=retry_after)

    user = session.exec(select(User).where(User.email == key)).first()
    ok, new_hash = verify_password(password, user.password_hash if user else None,
                                   hash_params(settings))
    if ok and user is not None and user.is_active:
        if uses_sso_only(session, settings, user=user):
            events.record(events.SIGN_IN_FAILED, user_id=user.id, email=key,
                          reason="sso-only")
            return LoginOutcome(sso_required=True)
        if new_hash:
            user.password_hash = new_hash
        user.last_login_at = now
        session.add(user)
        if throttle:
            session.delete(throttle)
        session.flush()
        events.record(events.SIGN_IN, user_id=user.id, method="password",
                      rehashed=bool(new_hash))
        return LoginOutcome(user=user)

    _record_failure(session, settings, key, now)
    _count_client_failure(session, settings, client, now)
    reason = "unknown-account" if user is None else "disabled" if not user.is_active else \
        "wrong-password"
    events.record(events.SIGN_IN_FAILED, user_id=user.id if user else None, email=key,
                  reason=reason)
    return LoginOutcome()


def _count_client_failure(session: Session, settings: Settings, client: str,
                          now: datetime) -> None:
    """A failure counts for the client, and for everyone: when failures across all accounts
    pass the alarm's threshold within the window, a password spray is suspected (raised
    once per window, as an error in the security log and in the audit trail)."""
    window = timedelta(minutes=settings.login_client_window_minutes)
    ratelimit.hit(session, f"login-client:{client}",
                  limit=settings.login_max_failures_per_client, window=window, now=now)
    overall = ratelimit.hit(session, "login-failures:all", limit=settings.login_spray_threshold,
                            window=window, now=now)
    if overall.hits == settings.login_spray_threshold + 1:
        events.record(events.SPRAY_SUSPECTED, failures=overall.hits,
                      window_minutes=settings.login_client_window_minutes,
                      level=logging.ERROR)
        from app.audit.service import record as audit

        audit(session, action=events.SPRAY_SUSPECTED, details={
            "failures": overall.hits, "window_minutes": settings.login_client_window_minutes})


def _record_failure(session: Session, settings: Settings, key: str, now: datetime) -> None:
    """Count a failure atomically (two processes failing at once both count)."""
    insert = insert_for(session)
    session.exec(insert(LoginThrottle).values(email=key, failures=0, updated_at=now)
                 .on_conflict_do_nothing(index_elements=["email"]))
    failures = session.exec(
        update(LoginThrottle).where(LoginThrottle.email == key)
        .values(failures=LoginThrottle.failures + 1, updated_at=now)
        .returning(LoginThrottle.failures)
    ).scalar_one()
    over = failures - settings.login_max_failures
    if over >= 0:
        delay = min(settings.login_lockout_base_seconds * (2**min(over, 20)),
                    settings.login_lockout_max_seconds)
        session.exec(update(LoginThrottle).where(LoginThrottle.email == key)
                     .values(locked_until=now + timedelta(seconds=delay)))
    session.expire_all()


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def start_session(session: Session, settings: Settings, *, user: User,
                  user_agent: str | None = None, now: datetime | None = None) -> str:
    """Create a login session and return the token for the cookie (never stored)."""
    now = now or utcnow()
    token = new_token()
    session.add(AuthSession(
        id=digest(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        user_agent=clean_text(user_agent or "")[:300] or None,
    ))
    session.flush()
    return token


@dataclass(frozen=True)
class ActiveSession:
    user: User
    session_id: str
    needs_touch: bool
    unread_notifications: int = 0


# Every signed-in request runs this, so it is built once. The header's bell needs the
# unread count on every page: it comes in the same query.
_UNREAD = (select(func.count()).select_from(Notification)
           .where(Notification.user_id == AuthSession.user_id,
                  col(Notification.read_at).is_(None))
           .correlate(AuthSession).scalar_subquery())
_ACTIVE_SESSION = (
    select(AuthSession.id, AuthSession.last_seen_at, AuthSession.expires_at, User, _UNREAD)
    .join(User, col(User.id) == AuthSession.user_id)
    .where(AuthSession.id == bindparam("session_id"))
)


def resolve_session(session: Session, settings: Settings, *, token: str | None,
                    now: datetime | None = None) -> ActiveSession | None:
    """The user behind a session cookie, if the session is still valid."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.exec(_ACTIVE_SESSION, params={"session_id": digest(token)}).first()
    if row is None:
        return None
    session_id, last_seen_at, expires_at, user, unread_count = row
    idle_limit = last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if not user.is_active or expires_at <= now or idle_limit <= now:
        return None
    return ActiveSession(user=user, session_id=session_id,
                         needs_touch=now - last_seen_at >= TOUCH_INTERVAL,
                         unread_notifications=unread_count or 0)


def touch_session(session: Session, *, session_id: str, now: datetime | None = None) -> None:
    session.exec(update(AuthSession).where(AuthSession.id == session_id)
                 .values(last_seen_at=now or utcnow()))


def end_session(session: Session, *, token: str | None) -> int | None:
    """End the session of this cookie; the user it belonged to, if any."""
    if not token:
        return None
    return session.exec(delete(AuthSession).where(AuthSession.id == digest(token))  # type: ignore[call-overload]
                        .returning(AuthSession.user_id)).scalar()


def revoke_user_sessions(session: Session, *, user_id: int) -> None:
    """End every session of a user at once, in every app process."""
    session.exec(delete(AuthSession).where(AuthSession.user_id == user_id))


def purge_expired_sessions(session: Session, *, now: datetime | None = None) -> int:
    result = session.exec(delete(AuthSession).where(AuthSession.expires_at <= (now or utcnow())))
    return result.rowcount or 0


def link_holder(session: Session, model: type[T], *, token: str,
                lock: bool = False) -> tuple[T, User] | None:
    """The row of a one-time link (``model`` has ``token_hash`` and ``user_id``: an
    invitation, a password reset) and its account, found by the token's digest. With
    ``lock`` the row stays locked to the end of the transaction (PostgreSQL; SQLite has
    one writer), so a link used twice at once works once."""
    if not looks_like_token(token):
        return None
    query = select(model, User).join(User, col(User.id) == model.user_id) \
        .where(model.token_hash == digest(token))
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=model)
    row = session.exec(query).first()
    return (row[0], row[1]) if row is not None else None


def uses_sso_only(session: Session, settings: Settings, *, user: User) -> bool:
    """An account linked to the organisation's identity provider, when password sign-in
    is switched off for such accounts."""
    if not settings.sso_enabled or settings.oidc_password_login:
        return False
    return session.exec(select(SsoIdentity.id).where(SsoIdentity.user_id == user.id)
                        ).first() is not None


def set_password(session: Session, settings: Settings, *, user: User, password: str,
                 event: str | None = None) -> None:
    """Set a new password and end every session of the user. Raises PasswordPolicyError.
    Recorded as ``event`` (by default: changed by its owner, or set by an admin when
    someone else is signed in; from the command line, nothing is recorded)."""
    user.password_hash = hash_password(password, hash_params(settings))
    user.password_changed_at = user.updated_at = utcnow()
    session.add(user)
    revoke_user_sessions(session, user_id=user.id)
    session.flush()
    actor = context.current().user_id
    if event is None and actor is not None:
        event = events.PASSWORD_CHANGED if actor == user.id else events.PASSWORD_SET_BY_ADMIN
    if event is not None:
        events.record(event, user_id=user.id, actor_id=actor)
    if event == events.PASSWORD_SET_BY_ADMIN:
        from app.audit.service import record as audit

        audit(session, action=event, target_type="user", target_id=user.id,
              target_label=f"{user.full_name} <{user.email}>")


def new_password_errors(password: str, confirm: str, *, field: str = "password",
                        differ: str = "The two passwords differ.") -> dict[str, str]:
    """A chosen password and its repetition, checked: messages per field (``field`` and
    ``confirm_password``), empty when both are fine."""
    errors: dict[str, str] = {}
    try:
        check_policy(password)
    except PasswordPolicyError as exc:
        errors[field] = str(exc)
    if password != confirm:
        errors["confirm_password"] = differ
    return errors


def change_own_password(session: Session, settings: Settings, *, user: User,
                        current_password: str, new_password: str,
                        confirm_password: str) -> dict[str, str]:
    """Change one's own password; returns field errors (empty when done)."""
    errors: dict[str, str] = {}
    ok, _ = verify_password(current_password, user.password_hash, hash_params(settings))
    if not ok:
        errors["current_password"] = "This is not your current password."  # noqa: S105
    errors |= new_password_errors(new_password, confirm_password, field="new_password",
                                  differ="The two new passwords differ.")
    if not errors:
        set_password(session, settings, user=user, password=new_password)
    return errors


def set_time_zone(session: Session, *, user: User, name: str) -> dict[str, str]:
    """Show ``user`` dates and times in the zone ``name`` ("": the organisation's).
    Returns the field's message when ``name`` is no zone one may choose."""
    from app.content.moments import zone_message

    name = name.strip()
    if name and (message := zone_message(name)):
        return {"time_zone": message}
    user.time_zone = name or None
    user.updated_at = utcnow()
    session.add(user)
    return {}
