"""One-click unsubscribe (RFC 8058): the link in an email turns its category off when a
mail provider posts to it without cookies or CSRF token; opening it only asks; it works
once; unknown links get a plain 400 page; the token is stored only as a digest."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from app.models import EmailMessage, Role, UnsubscribeToken, User
from app.notifications.service import notify
from tests.conftest import form_post, login
from tests.courses_data import small_spec
from tests.notifications.conftest import (
    check_email,
    email_choice,
    emails_of,
    notifications_of,
    only_email,
)

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def emailed(database, settings, make_user, load_course, enrol, run_jobs) -> tuple[User, str]:
    """An executive who got the enrolment email, and the token of its unsubscribe link."""
    course = load_course(small_spec())
    user = make_user(Role.executive, full_name="Nia Okoro")
    enrol(course, user, due_date=date(2031, 5, 14))
    run_jobs()
    checked = check_email(settings, only_email(database, kind="enrolled", to=user), user=user,
                          category="courses", subject="You are enrolled in Pilot course",
                          link="/courses/pilot", reason="you were enrolled in Pilot course")
    return user, checked.token


def _token_row(database, token: str) -> UnsubscribeToken | None:
    with database.session() as session:
        return session.get(UnsubscribeToken, hashlib.sha256(token.encode()).hexdigest())


def test_opening_the_link_asks_and_changes_nothing(emailed, database, new_client):
    user, token = emailed
    browser = new_client()
    for _ in range(2):  # a mail scanner may open it any number of times
        page = browser.get(f"/unsubscribe/{token}")
        assert page.status_code == 200
        assert "Stop these emails?" in page.text
        assert user.email in page.text and "Your courses" in page.text
        assert f'<form method="post" action="/unsubscribe/{token}">' in page.text
    assert email_choice(database, user, "courses") is None
    assert _token_row(database, token).used_at is None


def test_one_click_post_without_cookies_turns_the_category_off(emailed, database, new_client,
                                                               enrol, load_course, run_jobs):
    user, token = emailed
    provider = new_client()  # no cookie, no page of ours, no CSRF token
    response = provider.post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 200
    assert "You will no longer get these emails" in response.text
    assert "Your courses" in response.text
    assert email_choice(database, user, "courses") is False
    assert email_choice(database, user, "feedback") is None  # only that category
    assert _token_row(database, token).used_at is not None
    assert not provider.cookies.get("podium_session")

    # later events are still in the app, without email
    other = load_course(replace(small_spec(), slug="other", title="Other course"))
    enrol(other, user)
    run_jobs()
    assert len(notifications_of(database, user, "enrolled")) == 2
    assert len(emails_of(database, kind="enrolled")) == 1


def test_the_confirmation_form_works_in_a_browser(emailed, database, new_client):
    user, token = emailed
    browser = new_client()
    page = f"/unsubscribe/{token}"
    response = form_post(browser, page, page=page)
    assert response.status_code == 200
    assert "You will no longer get these emails" in response.text
    assert email_choice(database, user, "courses") is False


def test_the_link_works_once(emailed, database, new_client, client):
    user, token = emailed
    assert new_client().post(f"/unsubscribe/{token}", data=ONE_CLICK).status_code == 200
    used_at = _token_row(database, token).used_at
    # the person changes their mind and turns the emails back on
    login(client, user.email)
    form_post(client, "/account/notifications", {"email": ["courses", "feedback"]},
              page="/account/notifications")
    assert email_choice(database, user, "courses") is True

    again = new_client().post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert again.status_code == 200
    assert "This link was already used" in again.text
    assert email_choice(database, user, "courses") is True  # nothing else changed
    assert _token_row(database, token).used_at == used_at
    shown = new_client().get(f"/unsubscribe/{token}")
    assert shown.status_code == 200
    assert "This link was already used" in shown.text
    assert "Stop these emails?" not in shown.text


@pytest.mark.parametrize("token", [
    "abc",
    "A" * 43,  # a token's shape, but no such link
    "a" * 65,
    "x" * 300,
    "not-a-token.html",
    "'; DROP TABLE unsubscribe_token; --" + "a" * 20,
    "ü" * 43,
])
def test_unknown_links_get_a_400_page(emailed, database, new_client, token):
    user, _ = emailed
    browser = new_client()
    for response in (browser.get(f"/unsubscribe/{token}"),
                     browser.post(f"/unsubscribe/{token}", data=ONE_CLICK)):
        assert response.status_code == 400
        assert "This link does not work" in response.text
    assert email_choice(database, user, "courses") is None


def test_a_link_with_control_characters_names_no_page(emailed, database, new_client):
    user, _ = emailed
    browser = new_client()
    token = "%00" * 20
    for response in (browser.get(f"/unsubscribe/{token}"),
                     browser.post(f"/unsubscribe/{token}", data=ONE_CLICK)):
        assert response.status_code == 404  # app/security/inputs.py: such a path is no page
    assert email_choice(database, user, "courses") is None


def test_a_link_whose_digest_is_given_is_unknown(emailed, database, new_client):
    user, token = emailed
    stored = hashlib.sha256(token.encode()).hexdigest()
    response = new_client().post(f"/unsubscribe/{stored}", data=ONE_CLICK)
    assert response.status_code == 400
    assert email_choice(database, user, "courses") is None


def test_the_token_is_stored_only_as_its_digest(emailed, database):
    _, token = emailed
    with database.session() as session:
        [row] = session.exec(select(UnsubscribeToken)).all()
        [email] = session.exec(select(EmailMessage)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.category == "courses"
    assert token not in row.token_hash
    assert token not in email.content  # the email's content is sealed
    with database.engine.connect() as connection:
        raw = connection.exec_driver_sql(
            "SELECT token_hash, category FROM unsubscribe_token").all()
    assert token not in repr(raw)


def test_each_email_has_its_own_link_for_its_category(emailed, database, settings,
                                                      new_client, run_jobs):
    user, courses_token = emailed
    with database.session(write=True) as session:
        notify(session, user_id=user.id, kind="essay-graded", link="/courses/pilot",
               params={"quiz": "Check", "course": "Pilot course", "score": 80.0,
                       "passed": True})
    run_jobs()
    feedback = check_email(settings, only_email(database, kind="essay-graded", to=user),
                           user=user, category="feedback",
                           subject="Your answers in Check were marked", link="/courses/pilot",
                           reason="a trainer marked your quiz answers")
    assert feedback.token != courses_token
    assert _token_row(database, feedback.token).category == "feedback"
    response = new_client().post(f"/unsubscribe/{feedback.token}", data=ONE_CLICK)
    assert response.status_code == 200
    assert "Feedback from your trainer" in response.text
    assert email_choice(database, user, "feedback") is False
    assert email_choice(database, user, "courses") is None  # the other link is unused
    assert _token_row(database, courses_token).used_at is None
