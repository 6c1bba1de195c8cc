"""Nightly clean-up of what expires: sessions, sign-ins in flight, reset links, rate
counters, used unsubscribe links and old delivered emails."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete

from app.auth.service import purge_expired_sessions
from app.models import EmailMessage, PasswordReset, SsoLoginRequest, UnsubscribeToken
from app.security import ratelimit

KEEP_RESETS = timedelta(days=7)
KEEP_UNSUBSCRIBE_LINKS = timedelta(days=180)
KEEP_EMAILS = timedelta(days=90)


def clean_up(session: Session, *, now: datetime) -> None:
    purge_expired_sessions(session, now=now)
    session.exec(delete(SsoLoginRequest).where(col(SsoLoginRequest.expires_at) <= now))  # type: ignore[call-overload]
    session.exec(delete(PasswordReset)  # type: ignore[call-overload]
                 .where(col(PasswordReset.expires_at) <= now - KEEP_RESETS))
    session.exec(delete(UnsubscribeToken)  # type: ignore[call-overload]
                 .where(col(UnsubscribeToken.created_at) <= now - KEEP_UNSUBSCRIBE_LINKS))
    session.exec(delete(EmailMessage)  # type: ignore[call-overload]
                 .where(col(EmailMessage.created_at) <= now - KEEP_EMAILS,
                        col(EmailMessage.status) != "queued"))
    ratelimit.purge(session, older_than=now - timedelta(days=1))
