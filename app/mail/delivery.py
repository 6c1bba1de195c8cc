"""Delivering one email of the outbox (the body of the ``send_email`` job).

On PostgreSQL the email's row stays locked while the server takes the message and the
outcome is committed in the same transaction: a worker killed half-way leaves the email
queued for the job's retry, and two workers never hold the same email. (A duplicate is
possible only if a worker dies after the server accepted the message and before its
commit.) On SQLite, which has one runner per machine, nothing is held during the send.

A temporary failure raises ``RetryLater`` after recording the attempt, so the job engine
retries with exponential back-off; a permanent failure, or the last attempt, marks the
email failed."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from app.config import Settings, parse_smtp_url
from app.db import Database
from app.mail import transport
from app.mail.compose import open_content
from app.models import EmailMessage, User, utcnow
from app.security.sealing import SealError

log = logging.getLogger("podium.mail")

QUEUED, SENT, FAILED, NOT_SENT = "queued", "sent", "failed", "not-sent"


class RetryLater(Exception):
    """The mail server could not take the email now."""


def deliver(database: Database, settings: Settings, *, email_id: int) -> None:
    retry = False
    if database.is_sqlite:
        with database.session() as session:
            email = session.get(EmailMessage, email_id)
            if email is None or email.status != QUEUED:
                return
            recipient = session.get(User, email.user_id) if email.user_id else None
            name = recipient.full_name if recipient else None
        error = _attempt(settings, email, name)
        with database.session(write=True) as session:
            fresh = session.get(EmailMessage, email_id)
            if fresh is not None and fresh.status == QUEUED:
                retry = _record(session, settings, fresh, error)
    else:
        with database.session(write=True) as session:
            email = session.exec(select(EmailMessage).where(EmailMessage.id == email_id)
                                 .with_for_update(skip_locked=True)).first()
            if email is None or email.status != QUEUED:
                return  # gone, done, or another worker holds it right now
            recipient = session.get(User, email.user_id) if email.user_id else None
            error = _attempt(settings, email, recipient.full_name if recipient else None)
            retry = _record(session, settings, email, error)
    if retry:
        raise RetryLater(str(error))


def _attempt(settings: Settings, email: EmailMessage,
             name: str | None) -> transport.DeliveryError | None:
    """Send the email by the configured way; None when it was delivered."""
    if settings.smtp_url is None:
        return None  # the development mailbox, or recorded as not sent (see _record)
    try:
        content = open_content(settings, email)
    except SealError as exc:
        return transport.DeliveryError(str(exc), permanent=True)
    message = transport.build_message(
        sender=settings.mail_from, to_address=email.to_address, to_name=name,
        subject=email.subject, text=content.text, html=content.html,
        message_id=email.message_id, date=email.created_at,
        unsubscribe_url=content.unsubscribe_url)
    try:
        transport.send(parse_smtp_url(settings.smtp_url.get_secret_value()),
                       message, timeout=settings.smtp_timeout_seconds,
                       ca_file=settings.smtp_ca_file)
    except transport.DeliveryError as exc:
        return exc
    return None


def _record(session: Session, settings: Settings, email: EmailMessage,
            error: transport.DeliveryError | None) -> bool:
    """Record the attempt's outcome; True when the email waits for another attempt."""
    email.attempts += 1
    if error is None:
        if settings.smtp_url is not None:
            email.status, email.transport = SENT, "smtp"
        elif settings.is_development:
            email.status, email.transport = SENT, "mailbox"
        else:
            email.status = NOT_SENT
            email.last_error = "No mail server is configured (PODIUM_SMTP_URL)."
        email.sent_at = utcnow() if email.status == SENT else None
        log.info("Email %s (%s) %s", email.id, email.kind, email.status)
    else:
        email.last_error = str(error)[:500]
        if error.permanent or email.attempts >= settings.mail_max_attempts:
            email.status = FAILED
            log.error("Email %s (%s) failed after %s attempt(s): %s", email.id, email.kind,
                      email.attempts, email.last_error)
        else:
            log.warning("Email %s (%s) not delivered (attempt %s), will retry: %s", email.id,
                        email.kind, email.attempts, email.last_error)
    session.add(email)
    session.flush()
    return email.status == QUEUED
