"""'Forgot your password?': one-time links to choose a new password.

The request answers the same way whether or not an account has the address: the page
only queues a job, and the job finds the account and writes the email. Requests are
limited per address (silently: a limit that showed would reveal the account) and per
client (openly). A link works once, for ``reset_minutes``; using it ends every session
of the account; a password changed by any other way later makes unused links void."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth.service import (
    link_holder,
    new_password_errors,
    normalise_email,
    set_password,
    uses_sso_only,
)
from app.config import Settings
from app.jobs.queue import defer
from app.mail.compose import absolute, queue_email
from app.models import PasswordReset, User, utcnow
from app.security import events, ratelimit
from app.security.tokens import digest, new_token

HOUR = timedelta(hours=1)


class TooManyRequests(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("too many password reset requests from this client")
        self.retry_after_seconds = retry_after_seconds


def request_reset(session: Session, settings: Settings, *, email: str, client: str) -> None:
    """Note a reset request; raises TooManyRequests when this client asked too often."""
    verdict = ratelimit.hit(session, f"reset-client:{client}",
                            limit=settings.reset_per_client_per_hour, window=HOUR)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after_seconds)
    address = normalise_email(email)[:254]
    if "@" not in address:
        return
    if ratelimit.hit(session, f"reset-address:{address}",
                     limit=settings.reset_per_address_per_hour, window=HOUR).allowed:
        defer(session, "password_reset_email", email=address)


def send_reset_email(session: Session, settings: Settings, *, email: str,
                     now: datetime | None = None) -> bool:
    """The job behind a request: a link for an active account with this address (or, for
    an account that signs in only with single sign-on, a pointer to it). False when no
    active account has the address."""
    now = now or utcnow()
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or not user.is_active:
        return False
    if uses_sso_only(session, settings, user=user):
        queue_email(session, settings, to=user, kind="password-reset-sso",
                    subject="Signing in to Podium", template="password_reset_sso",
                    reason="someone asked to reset the password of this account",
                    context={"sso_name": settings.oidc_organisation,
                             "login_url": absolute(settings, "/login")})
        return True
    token = new_token()
    session.add(PasswordReset(user_id=user.id, token_hash=digest(token), created_at=now,
                              expires_at=now + timedelta(minutes=settings.reset_minutes)))
    session.flush()
    queue_email(session, settings, to=user, kind="password-reset",
                subject="Reset your Podium password", template="password_reset",
                reason="someone asked to reset the password of this account",
                context={"reset_url": absolute(settings, f"/password/reset/{token}"),
                         "minutes": settings.reset_minutes})
    return True


@dataclass(frozen=True)
class ResetLink:
    reset: PasswordReset
    user: User


def find_reset(session: Session, *, token: str, now: datetime | None = None,
               lock: bool = False) -> ResetLink | None:
    """The reset a link stands for, if it can still be used."""
    now = now or utcnow()
    found = link_holder(session, PasswordReset, token=token, lock=lock)
    if found is None:
        return None
    reset, user = found
    changed_later = user.password_changed_at is not None and \
        user.password_changed_at > reset.created_at
    if reset.used_at is not None or reset.expires_at <= now or changed_later \
            or not user.is_active:
        return None
    return ResetLink(reset, user)


def complete_reset(session: Session, settings: Settings, *, link: ResetLink, password: str,
                   confirm: str) -> dict[str, str]:
    """Set the new password; field errors, or {} when done (every session has ended and
    every other unused link of the account is void)."""
    errors = new_password_errors(password, confirm)
    if errors:
        return errors
    now = utcnow()
    set_password(session, settings, user=link.user, password=password,
                 event=events.PASSWORD_RESET)
    session.exec(update(PasswordReset)  # type: ignore[call-overload]
                 .where(col(PasswordReset.user_id) == link.user.id,
                        col(PasswordReset.used_at).is_(None))
                 .values(used_at=now))
    return {}
