"""Email settings: each role sees its own categories with the current choice; saving
stores the choice; a category the role does not have, or that does not exist, is
ignored."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.models import NotificationPreference, Role, User
from tests.conftest import csrf_from, form_post
from tests.notifications.conftest import email_choice

PAGE = "/account/notifications"


def _choices(page: str) -> dict[str, bool]:
    """The checkboxes of the page: category → checked."""
    found = re.findall(r'<input type="checkbox" name="email" value="([^"]+)" (checked )?', page)
    return {key: bool(checked) for key, checked in found}


def _stored(database, user: User) -> dict[str, bool]:
    with database.session() as session:
        rows = session.exec(select(NotificationPreference)
                            .where(NotificationPreference.user_id == user.id)).all()
        return {row.category: row.email for row in rows}


def _save(client, *emails: str):
    return form_post(client, PAGE, {"email": list(emails)}, page=PAGE)


@pytest.mark.parametrize(("role", "expected", "labels", "absent"), [
    (Role.executive, {"courses": True, "feedback": True, "activity-log": True},
     ["Your courses", "Feedback from your trainer", "Weekly activity log"],
     ["Daily review digest", "Weekly programme summary", "Your downloads"]),
    (Role.trainer, {"review-digest": True}, ["Daily review digest"],
     ["Your courses", "Feedback from your trainer", "Weekly programme summary",
      "Your downloads"]),
    (Role.hr, {"programme-summary": False, "exports": True},
     ["Weekly programme summary", "Your downloads"],
     ["Your courses", "Feedback from your trainer", "Daily review digest"]),
    (Role.admin, {"review-digest": True, "programme-summary": False, "exports": True},
     ["Daily review digest", "Weekly programme summary", "Your downloads"],
     ["Your courses", "Feedback from your trainer"]),
])
def test_each_role_sees_its_categories_and_their_defaults(client, login_as, role, expected,
                                                          labels, absent):
    user = login_as(role)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert _choices(page.text) == expected
    for label in labels:
        assert f"<strong>{label}</strong>" in page.text
    for label in absent:
        assert label not in page.text
    assert user.email in page.text  # where the emails go


def test_saving_changes_the_choices(client, database, login_as):
    user = login_as(Role.executive)
    response = _save(client, "feedback")
    assert response.status_code == 303
    assert response.headers["location"] == PAGE + "?notice=notifications-saved"
    assert _stored(database, user) == {"courses": False, "feedback": True, "activity-log": False}
    page = client.get(response.headers["location"]).text
    assert "Your email choices were saved." in page
    assert _choices(page) == {"courses": False, "feedback": True, "activity-log": False}

    _save(client, "courses", "feedback")
    assert _stored(database, user) == {"courses": True, "feedback": True, "activity-log": False}
    _save(client)  # nothing ticked: every email off
    assert _stored(database, user) == {"courses": False, "feedback": False,
                                                   "activity-log": False}
    assert _choices(client.get(PAGE).text) == {"courses": False, "feedback": False,
                                                   "activity-log": False}


def test_hr_opts_in_to_the_summary(client, database, login_as):
    user = login_as(Role.hr)
    assert email_choice(database, user, "programme-summary") is None  # the default: off
    _save(client, "programme-summary", "exports")
    assert _stored(database, user) == {"programme-summary": True, "exports": True}
    assert _choices(client.get(PAGE).text) == {"programme-summary": True, "exports": True}


def test_forged_categories_are_ignored(client, database, login_as):
    user = login_as(Role.executive)
    response = _save(client, "courses", "review-digest", "programme-summary", "nonsense",
                     "courses")
    assert response.status_code == 303
    assert _stored(database, user) == {"courses": True, "feedback": False, "activity-log": False}


def test_odd_values_are_refused_or_ignored_never_an_error(client, database, login_as):
    user = login_as(Role.executive)
    over_long = _save(client, "courses", "x" * 500)  # ignored: not a category
    assert over_long.status_code == 303
    assert _stored(database, user) == {"courses": True, "feedback": False, "activity-log": False}
    many = _save(client, *["feedback"] * 300)  # more values than categories could need
    assert many.status_code == 400
    assert "Some of the values sent were not valid." in many.text
    assert _stored(database, user) == {"courses": True, "feedback": False, "activity-log": False}
    unusual = _save(client, "<script>", "")
    assert unusual.status_code == 303
    assert set(_stored(database, user)) <= {"courses", "feedback", "activity-log"}
    assert _stored(database, user)["feedback"] is False
    # control characters are removed before anything reads a form (app/security/inputs.py)
    assert _save(client, "feedback\x00").status_code == 303
    assert _stored(database, user)["feedback"] is True


def test_saving_needs_the_csrf_token(client, database, login_as):
    user = login_as(Role.executive)
    assert client.post(PAGE, data={"email": []}).status_code == 403
    assert client.post(PAGE, data={"email": [], "csrf_token": "x"}).status_code == 403
    assert _stored(database, user) == {}
    assert csrf_from(client, PAGE)  # the page itself carries the token
