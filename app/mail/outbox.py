"""Reading the outbox for the admins' mailbox page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.content.paging import Paging
from app.mail.compose import Content, open_content
from app.models import EmailMessage
from app.security.sealing import SealError

STATUSES = ("queued", "sent", "failed", "not-sent")
PER_PAGE = 50


def shows_content(settings: Settings) -> bool:
    """Content is shown only in development: elsewhere it may hold live one-time links."""
    return settings.is_development


@dataclass(frozen=True, kw_only=True)
class MailboxPage(Paging):
    items: list[EmailMessage]


def list_page(session: Session, *, status: str = "", page: int = 1) -> MailboxPage:
    conditions = [EmailMessage.status == status] if status else []
    total = session.exec(select(func.count()).select_from(EmailMessage)
                         .where(*conditions)).one()
    rows = session.exec(select(EmailMessage).where(*conditions)
                        .order_by(col(EmailMessage.id).desc())
                        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return MailboxPage(items=list(rows), total=total, page=page, per_page=PER_PAGE)


@dataclass(frozen=True)
class MailboxItem:
    email: EmailMessage
    content: Content | None  # None: not shown here (production) or unreadable
    unreadable: bool = False


def get(session: Session, settings: Settings, *, email_id: int) -> MailboxItem | None:
    email = session.get(EmailMessage, email_id)
    if email is None:
        return None
    if not shows_content(settings):
        return MailboxItem(email, None)
    try:
        return MailboxItem(email, open_content(settings, email))
    except SealError:
        return MailboxItem(email, None, unreadable=True)
