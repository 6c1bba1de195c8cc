"""Writing an email into the outbox, in the caller's transaction, with its send job.

Every email is multipart (plain text and HTML from one template pair under
``templates/email/``), says whom it is for and why, links only to the configured public
address, and, when it belongs to a category a person can turn off, carries a one-click
unsubscribe link (RFC 8058). User text is escaped in the HTML part by autoescaping."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session

from app.config import Settings
from app.content import moments
from app.jobs.queue import defer
from app.models import EmailMessage, UnsubscribeToken, User
from app.security.sealing import seal, unseal
from app.security.tokens import digest, new_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
SEAL_PURPOSE = "outbox"

environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
moments.register(environment)  # dates and times in the recipient's zone (``time_zone``)


@dataclass(frozen=True)
class Content:
    text: str
    html: str
    unsubscribe_url: str | None


def absolute(settings: Settings, path: str) -> str:
    """A link into Podium at the public address (paths only: never another site)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path inside Podium: {path!r}")
    return settings.public_url + path


def queue_email(session: Session, settings: Settings, *, to: User, kind: str, subject: str,
                template: str, reason: str, context: dict[str, Any],
                category: str | None = None) -> EmailMessage:
    """Render ``email/<template>.txt`` and ``.html`` for ``to`` and queue the email.
    ``reason`` completes "You receive this email because …"; ``category`` (None for
    account emails such as an invitation) adds the preferences and unsubscribe links."""
    unsubscribe_url = None
    if category is not None:
        token = new_token()
        session.add(UnsubscribeToken(token_hash=digest(token), user_id=to.id,
                                     category=category))
        unsubscribe_url = absolute(settings, f"/unsubscribe/{token}")
    values = {
        **context,
        "subject": subject,
        "recipient_name": to.full_name,
        "recipient_email": to.email,
        "time_zone": moments.zone(to.time_zone, settings.time_zone),
        "reason": reason,
        "home_url": absolute(settings, "/"),
        "preferences_url": absolute(settings, "/account/notifications") if category else None,
        "unsubscribe_url": unsubscribe_url,
    }
    content = Content(text=environment.get_template(f"{template}.txt").render(values),
                      html=environment.get_template(f"{template}.html").render(values),
                      unsubscribe_url=unsubscribe_url)
    email = EmailMessage(
        user_id=to.id, to_address=to.email, kind=kind, category=category,
        subject=subject[:300], content=_seal(settings, content),
        message_id=make_msgid(domain=urlsplit(settings.public_url).hostname or "podium"),
    )
    session.add(email)
    session.flush()
    defer(session, "send_email", email_id=email.id)
    return email


def _seal(settings: Settings, content: Content) -> str:
    data = {"text": content.text, "html": content.html, "unsubscribe": content.unsubscribe_url}
    return seal(settings.secret, json.dumps(data), purpose=SEAL_PURPOSE)


def open_content(settings: Settings, email: EmailMessage) -> Content:
    """The email's text, HTML and unsubscribe link. Raises SealError."""
    data = json.loads(unseal(settings.secret, email.content, purpose=SEAL_PURPOSE))
    return Content(text=data["text"], html=data["html"], unsubscribe_url=data["unsubscribe"])
