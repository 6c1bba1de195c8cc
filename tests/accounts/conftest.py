"""Reading what Podium emailed: the outbox row and its (sealed) content."""

from __future__ import annotations

import re

from sqlmodel import col, select

from app.mail.compose import Content, open_content
from app.models import EmailMessage


def emails_to(database, address: str) -> list[EmailMessage]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return list(s.exec(select(EmailMessage).where(EmailMessage.to_address == address)
                           .order_by(col(EmailMessage.id))).all())


def content_of(settings, email: EmailMessage) -> Content:  # type: ignore[no-untyped-def]
    return open_content(settings, email)


def link_in(content: Content, path: str) -> str:
    """The one link to ``path`` (e.g. "/invitations/") in the plain text, as a path."""
    found = re.findall(r"https://testserver(" + re.escape(path) + r"[A-Za-z0-9_\-]+)",
                       content.text)
    assert len(set(found)) == 1, content.text
    assert found[0] in content.html
    return found[0]
