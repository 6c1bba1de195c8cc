"""Helpers shared by the notification tests: reading notifications and emails back from
the database, opening an email's sealed content, and checking what every notification
email must say."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from datetime import date as Date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.config import Settings
from app.db import Database
from app.mail.compose import Content, open_content
from app.models import (
    Course,
    EmailMessage,
    Lesson,
    Notification,
    NotificationPreference,
    QuizAttempt,
    QuizQuestion,
    User,
)
from app.notifications import service
from app.questions.spec import Choice, QType, Question
from tests.conftest import csrf_from
from tests.quizzes.conftest import quiz_course  # noqa: F401  (a fixture used here too)

BASE = "https://testserver"
QUIZ = "/courses/pilot/quizzes/check"


def notifications_of(database: Database, user: User, kind: str | None = None
                     ) -> list[Notification]:
    """A person's notifications (of one kind), oldest first."""
    with database.session() as session:
        query = select(Notification).where(Notification.user_id == user.id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(session.exec(query.order_by(col(Notification.created_at),
                                                col(Notification.id))).all())


def only_notification(database: Database, user: User, kind: str) -> Notification:
    found = notifications_of(database, user, kind)
    assert len(found) == 1, [(n.kind, n.params) for n in found]
    return found[0]


def line_of(notification: Notification) -> str:
    return service.view(notification).line


def params_of(notification: Notification) -> dict[str, Any]:
    return json.loads(notification.params)


def emails_of(database: Database, *, kind: str | None = None,
              to: User | None = None) -> list[EmailMessage]:
    with database.session() as session:
        query = select(EmailMessage)
        if kind is not None:
            query = query.where(EmailMessage.kind == kind)
        if to is not None:
            query = query.where(EmailMessage.to_address == to.email)
        return list(session.exec(query.order_by(col(EmailMessage.id))).all())


def only_email(database: Database, *, kind: str, to: User) -> EmailMessage:
    found = emails_of(database, kind=kind, to=to)
    assert len(found) == 1, [(e.kind, e.subject) for e in found]
    return found[0]


def email_off(database: Database, user: User, category: str) -> None:
    with database.session(write=True) as session:
        service.set_email(session, user_id=user.id, category=category, email=False)


def email_choice(database: Database, user: User, category: str) -> bool | None:
    """The stored choice (None: no row, the category's default applies)."""
    with database.session() as session:
        row = session.get(NotificationPreference, (user.id, category))
        return None if row is None else row.email


@dataclass(frozen=True)
class Checked:
    content: Content
    token: str  # of the unsubscribe link


def check_email(settings: Settings, email: EmailMessage, *, user: User, category: str,
                subject: str, link: str, reason: str) -> Checked:
    """What every notification email carries: who it is for and why, the subject, the link
    to the thing at the public address (both parts) and a one-click unsubscribe link for
    its category. Returns the content and the unsubscribe token."""
    assert email.category == category
    assert email.to_address == user.email
    assert email.user_id == user.id
    assert email.subject == subject
    assert email.status == "not-sent"  # production without a mail server
    content = open_content(settings, email)
    url = f"{BASE}{link}"
    assert url in content.text.split()
    assert f'href="{url}"' in content.html
    assert f"Hello {user.full_name}," in content.text
    assert f"This email is for {user.full_name} <{user.email}>." in content.text
    assert f"You receive it because {reason}." in content.text
    assert content.unsubscribe_url is not None
    assert content.unsubscribe_url.startswith(f"{BASE}/unsubscribe/")
    assert f"Stop these emails: {content.unsubscribe_url}" in content.text
    assert f'href="{content.unsubscribe_url}"' in content.html
    assert f"{BASE}/account/notifications" in content.text
    # every link of both parts leads to the configured public address
    for word in content.text.split():
        if "://" in word:
            assert word.startswith(f"{BASE}/"), word
    return Checked(content, content.unsubscribe_url.rsplit("/", 1)[1])


def at(day: Date, hour: int = 9) -> datetime:
    """A moment of the simulated clock (UTC)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


# --- a quiz with an essay (the quiz_course fixture of tests/quizzes) ---------------------

def essay_quiz(make_quiz: Callable[..., tuple[Course, Lesson]]) -> tuple[Course, Lesson]:
    """A course with a quiz of an essay and a choice question (``make_quiz``: the
    ``quiz_course`` fixture)."""
    return make_quiz(questions=[
        Question(type=QType.essay, text="Describe your voice."),
        Question(type=QType.single, text="Pick A", choices=[Choice("A", 1.0), Choice("B", 0.0)]),
    ])


def submit_essay(client: TestClient, database: Database, lesson: Lesson) -> int:
    """Start and submit an attempt with an essay answer; the attempt's id."""
    with database.session() as s:
        ids = {q.qtype: q.id for q in s.exec(select(QuizQuestion).where(
            QuizQuestion.lesson_id == lesson.id))}
    started = client.post(QUIZ + "/attempts", data={"csrf_token": csrf_from(client, QUIZ)})
    assert started.status_code == 303
    url = started.headers["location"]
    submitted = client.post(url + "/submit", data={
        "csrf_token": csrf_from(client, url), f"q{ids['essay']}": "Warm and direct.",
        f"q{ids['single']}": "0"})
    assert submitted.status_code == 303
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt).order_by(col(QuizAttempt.id).desc())).first()
        assert attempt.needs_grading
        return attempt.id
