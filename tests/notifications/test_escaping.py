"""Text people typed (a course title, a reviewer's name) travels into notifications and
their emails: it is escaped in HTML, in the app and in the email's HTML part."""

from __future__ import annotations

from dataclasses import replace

from markupsafe import escape

from app.models import Role
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec
from tests.notifications.conftest import check_email, only_email, only_notification, params_of
from tests.persona.test_review import submitted_persona, version_id

TITLE = 'Lead <script>alert("course")</script> & "Grow" <b>now</b>'
REVIEWER = "<script>alert('reviewer')</script> & <img src=x onerror=alert(1)>"
RAW = ("<script>alert(", "<b>now</b>", "<img src=x")


def _no_raw(html: str) -> None:
    for raw in RAW:
        assert raw not in html, raw


def test_a_course_title_is_escaped_in_the_app_and_the_email(client, database, settings,
                                                            make_user, load_course, enrol,
                                                            run_jobs):
    course = load_course(replace(small_spec(), title=TITLE))
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert f"You were enrolled in {escape(TITLE)}." in page.text
    _no_raw(page.text)
    assert params_of(only_notification(database, user, "enrolled"))["course"] == TITLE

    run_jobs()
    content = check_email(settings, only_email(database, kind="enrolled", to=user), user=user,
                          category="courses", subject=f"You are enrolled in {TITLE}",
                          link="/courses/pilot",
                          reason=f"you were enrolled in {TITLE}").content
    assert f"You have been enrolled in {escape(TITLE)}." in content.html
    assert f"<title>You are enrolled in {escape(TITLE)}</title>" in content.html
    _no_raw(content.html)
    assert f"You have been enrolled in {TITLE}." in content.text  # plain text as typed


def test_a_reviewers_name_is_escaped_in_the_app_and_the_email(client, new_client, database,
                                                              settings, make_user, run_jobs):
    user = submitted_persona(client, make_user, full_name='Nia "N" <Okoro>')
    trainer = new_client()
    login(trainer, make_user(Role.trainer, full_name=REVIEWER).email)
    page = f"/manage/reviews/{version_id(database, user, 1)}"
    response = trainer.post(page, data={"csrf_token": csrf_from(trainer, page),
                                        "decision": "approved", "note": ""})
    assert response.status_code == 303
    listing = client.get("/notifications").text
    assert f"{escape(REVIEWER)} approved your persona." in listing
    _no_raw(listing)

    run_jobs()
    content = check_email(settings, only_email(database, kind="workbook-reviewed", to=user),
                          user=user, category="feedback", subject="Your persona was approved",
                          link="/persona", reason="you submitted your persona for review"
                          ).content
    assert f"{escape(REVIEWER)} approved your persona." in content.html
    assert f"Hello {escape(user.full_name)}," in content.html
    assert "&lt;Okoro&gt;" in content.html and "<Okoro>" not in content.html
    _no_raw(content.html)
