"""Recording notifications, reading them, and each person's email choices.

``notify`` is what every event calls, inside the transaction of the event itself: the
notification and the job that emails it commit together with what caused them, or not
at all. The email is written by that job (``email_notification``), with the preference
as it is when the job runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import insert_for
from app.jobs.queue import defer
from app.mail.compose import absolute, queue_email
from app.models import Notification, NotificationPreference, UnsubscribeToken, User, utcnow
from app.notifications.kinds import CATEGORIES, KINDS, Category, categories_for
from app.security.tokens import digest, looks_like_token

__all__ = ["CATEGORIES"]  # the routes read the categories from here

PER_PAGE = 30


def notify(session: Session, *, user_id: int, kind: str, params: dict[str, Any], link: str,
           dedupe_key: str | None = None, now: datetime | None = None) -> int | None:
    """Record a notification for one person and queue its email if they want it. With a
    ``dedupe_key``, a notification that exists already makes this one nothing (returns
    None); otherwise returns the new notification's id."""
    spec = KINDS[kind]
    # a path of ours only: browsers read "/\host" as "//host", another site
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError(f"notification links stay inside Podium: {link!r}")
    values = {"user_id": user_id, "kind": kind, "category": spec.category,
              "params": json.dumps(params), "link": link, "created_at": now or utcnow(),
              "dedupe_key": dedupe_key}
    insert = insert_for(session)(Notification).values(**values)
    if dedupe_key is not None:
        insert = insert.on_conflict_do_nothing(index_elements=["dedupe_key"])
    notification_id = session.exec(insert.returning(Notification.id)).scalar()  # type: ignore[call-overload]
    if notification_id is not None and wants_email(session, user_id=user_id,
                                                   category=spec.category):
        defer(session, "email_notification", notification_id=notification_id)
    return notification_id


def email_notification(session: Session, settings: Settings, *, notification_id: int) -> None:
    """Write the email of a notification (once), if its reader still wants it."""
    query = select(Notification).where(Notification.id == notification_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    notification = session.exec(query).first()
    if notification is None or notification.emailed_at is not None:
        return
    user = session.get(User, notification.user_id)
    if user is None or not user.is_active or not wants_email(
            session, user_id=user.id, category=notification.category):
        return
    text = KINDS[notification.kind].email(json.loads(notification.params))
    queue_email(session, settings, to=user, kind=notification.kind, subject=text.subject,
                template="notification", reason=text.reason, category=notification.category,
                context={"paragraphs": text.paragraphs, "facts": text.facts,
                         "action_label": text.action_label,
                         "action_url": absolute(settings, notification.link)})
    notification.emailed_at = utcnow()
    session.add(notification)
    session.flush()


# Reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    line: str
    link: str
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationView]
    total: int
    unread: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def unread_count(session: Session, *, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None))).one()


def view(notification: Notification) -> NotificationView:
    spec = KINDS.get(notification.kind)
    params = json.loads(notification.params)
    line = spec.line(params) if spec else notification.kind
    return NotificationView(notification.id or 0, notification.kind, line, notification.link,
                            notification.created_at, notification.read_at is not None)


def list_page(session: Session, *, user_id: int, page: int = 1,
              per_page: int = PER_PAGE) -> NotificationPage:
    """One page of a person's notifications, newest first."""
    total = session.exec(select(func.count()).select_from(Notification)
                         .where(Notification.user_id == user_id)).one()
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = session.exec(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return NotificationPage([view(n) for n in rows], total,
                            unread_count(session, user_id=user_id), page, per_page)


def open_notification(session: Session, *, user_id: int, notification_id: int) -> str | None:
    """Mark one of the person's notifications read; its link, or None if it is not theirs."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.add(notification)
        session.flush()
    return notification.link


def mark_all_read(session: Session, *, user_id: int) -> int:
    result = session.exec(update(Notification)  # type: ignore[call-overload]
                          .where(col(Notification.user_id) == user_id,
                                 col(Notification.read_at).is_(None))
                          .values(read_at=utcnow()))
    return result.rowcount or 0


# Email preferences ------------------------------------------------------------------------

def wants_email(session: Session, *, user_id: int, category: str) -> bool:
    chosen = session.get(NotificationPreference, (user_id, category))
    return CATEGORIES[category].email_default if chosen is None else chosen.email


def preferences(session: Session, *, user: User) -> list[tuple[Category, bool]]:
    return [(c, wants_email(session, user_id=user.id, category=c.key))
            for c in categories_for(user.role)]


def set_email(session: Session, *, user_id: int, category: str, email: bool) -> None:
    row = session.get(NotificationPreference, (user_id, category))
    if row is None:
        row = NotificationPreference(user_id=user_id, category=category, email=email)
    row.email, row.updated_at = email, utcnow()
    session.add(row)
    session.flush()


def save_preferences(session: Session, *, user: User, emails: set[str]) -> None:
    """Email on for the categories in ``emails``, off for the person's other ones."""
    for category in categories_for(user.role):
        set_email(session, user_id=user.id, category=category.key,
                  email=category.key in emails)


@dataclass(frozen=True)
class Unsubscribe:
    category: Category
    email: str
    already: bool  # the link was used before


def find_unsubscribe(session: Session, *, token: str) -> tuple[UnsubscribeToken, User] | None:
    if not looks_like_token(token):
        return None
    row = session.get(UnsubscribeToken, digest(token))
    if row is None or row.category not in CATEGORIES:
        return None
    user = session.get(User, row.user_id)
    return (row, user) if user is not None else None


def unsubscribe(session: Session, *, token: str) -> Unsubscribe | None:
    """Turn off the email category of a one-click link; None for an unknown link. The link
    works once: using it again only says it was used."""
    found = find_unsubscribe(session, token=token)
    if found is None:
        return None
    row, user = found
    already = row.used_at is not None
    if not already:
        set_email(session, user_id=user.id, category=row.category, email=False)
        row.used_at = utcnow()
        session.add(row)
        session.flush()
    return Unsubscribe(CATEGORIES[row.category], user.email, already)
