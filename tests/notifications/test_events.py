"""Each event tells the right person once, in the app and (when they want it) by email:
enrolment, an essay marked, a persona or plan reviewed, a certificate earned."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from app.learning.completion import complete_lesson
from app.mail.compose import open_content
from app.models import Course, Enrolment, Lesson, Notification, Role
from app.notifications.service import notify
from tests.conftest import csrf_from, login, make_settings
from tests.courses_data import small_spec
from tests.notifications.conftest import (
    QUIZ,
    check_email,
    email_off,
    emails_of,
    essay_quiz,
    line_of,
    notifications_of,
    only_email,
    only_notification,
    submit_essay,
)
from tests.persona.test_review import submitted_persona, version_id
from tests.planner.test_review import submit as submit_plan
from tests.planner.test_routes import fill_plan, item_id_on, versions

DUE = date(2031, 5, 14)  # far from today: no reminder can join in


# --- enrolled ----------------------------------------------------------------------------

def test_enrolment_notifies_and_emails_with_the_due_date(database, settings, make_user,
                                                         load_course, enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive, full_name="Nia Okoro")
    other = make_user(Role.executive)
    enrol(course, user, due_date=DUE)
    notification = only_notification(database, user, "enrolled")
    assert line_of(notification) == "You were enrolled in Pilot course, due 14 May 2031."
    assert notification.link == "/courses/pilot"
    assert notification.category == "courses"
    assert notification.read_at is None and notification.emailed_at is None
    assert notifications_of(database, other) == []
    assert emails_of(database) == []  # written by the background job, not by the event

    run_jobs()
    email = only_email(database, kind="enrolled", to=user)
    checked = check_email(settings, email, user=user, category="courses",
                          subject="You are enrolled in Pilot course", link="/courses/pilot",
                          reason="you were enrolled in Pilot course")
    assert "Please complete it by 14 May 2031." in checked.content.text
    assert "Please complete it by 14 May 2031." in checked.content.html
    assert only_notification(database, user, "enrolled").emailed_at is not None
    assert len(emails_of(database)) == 1

    run_jobs()  # nothing left to do: still one email
    enrol(course, user, due_date=DUE)  # enrolling again is no new event
    run_jobs()
    assert len(notifications_of(database, user)) == 1
    assert len(emails_of(database)) == 1


def test_enrolment_without_a_due_date_says_none(database, settings, make_user, load_course,
                                                enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    assert line_of(only_notification(database, user, "enrolled")) == \
        "You were enrolled in Pilot course."
    run_jobs()
    content = check_email(settings, only_email(database, kind="enrolled", to=user), user=user,
                          category="courses", subject="You are enrolled in Pilot course",
                          link="/courses/pilot",
                          reason="you were enrolled in Pilot course").content
    assert "complete it by" not in content.text


def test_with_course_emails_off_the_enrolment_is_only_in_the_app(database, make_user,
                                                                 load_course, enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    email_off(database, user, "courses")
    enrol(course, user, due_date=DUE)
    run_jobs()
    assert line_of(only_notification(database, user, "enrolled")).startswith(
        "You were enrolled in Pilot course")
    assert emails_of(database) == []


def test_turning_email_off_before_the_job_runs_stops_the_email(database, make_user,
                                                               load_course, enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user, due_date=DUE)  # the job is queued with email on ...
    email_off(database, user, "courses")  # ... and the choice changes before it runs
    run_jobs()
    assert only_notification(database, user, "enrolled").emailed_at is None
    assert emails_of(database) == []


def test_a_disabled_account_gets_no_email(database, make_user, load_course, enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive, active=False)
    enrol(course, user, due_date=DUE)
    run_jobs()
    assert len(notifications_of(database, user, "enrolled")) == 1
    assert emails_of(database) == []


def test_in_development_the_email_lands_in_the_mailbox(database, database_url, make_user,
                                                       load_course, enrol, run_jobs):
    development = make_settings(database_url, env="development")
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user, due_date=DUE)
    run_jobs(development)
    email = only_email(database, kind="enrolled", to=user)
    assert (email.status, email.transport) == ("sent", "mailbox")


def test_notification_links_stay_inside_podium(database, make_user):
    user = make_user(Role.executive)
    params = {"course": "Pilot course", "due_date": None}
    for link in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "courses"):
        with database.session(write=True) as session, pytest.raises(ValueError, match="inside"):
            notify(session, user_id=user.id, kind="enrolled", params=params, link=link)
    assert notifications_of(database, user) == []


# --- an essay marked ---------------------------------------------------------------------

def _grade(trainer: TestClient, attempt_id: int, mark: str) -> None:
    page = f"/manage/grading/{attempt_id}"
    form = trainer.get(page).text
    [essay_id] = re.findall(r'name="mark(\d+)"', form)
    response = trainer.post(page, data={"csrf_token": csrf_from(trainer, page),
                                        f"mark{essay_id}": mark,
                                        f"comment{essay_id}": "Clear voice."})
    assert response.status_code == 303, response.text[:500]


def test_a_marked_essay_notifies_with_the_score_and_links_to_the_attempt(
        client, new_client, database, settings, make_user, quiz_course, enrol, run_jobs):
    course, lesson = essay_quiz(quiz_course)
    user = make_user(Role.executive, full_name="Nia Okoro")
    enrol(course, user)
    login(client, user.email)
    attempt_id = submit_essay(client, database, lesson)
    grader = make_user(Role.trainer)
    trainer = new_client()
    login(trainer, grader.email)
    assert notifications_of(database, user, "essay-graded") == []
    _grade(trainer, attempt_id, "80")
    assert notifications_of(database, grader) == []

    notification = only_notification(database, user, "essay-graded")
    assert line_of(notification) == \
        "Your answers in Check your understanding were marked: 90%. You passed."
    assert notification.link == QUIZ + "/attempts/1"
    assert notification.category == "feedback"
    assert client.get(notification.link).status_code == 200  # the link leads to the attempt

    run_jobs()
    email = only_email(database, kind="essay-graded", to=user)
    content = check_email(settings, email, user=user, category="feedback",
                          subject="Your answers in Check your understanding were marked",
                          link=QUIZ + "/attempts/1",
                          reason="a trainer marked your quiz answers").content
    assert "Your score is 90%." in content.text
    assert "You passed the quiz." in content.text


def test_a_failing_mark_says_so_and_without_feedback_email_stays_in_the_app(
        client, new_client, database, make_user, quiz_course, enrol, run_jobs):
    course, lesson = essay_quiz(quiz_course)
    user = make_user(Role.executive)
    enrol(course, user)
    email_off(database, user, "feedback")
    login(client, user.email)
    attempt_id = submit_essay(client, database, lesson)
    trainer = new_client()
    login(trainer, make_user(Role.trainer).email)
    _grade(trainer, attempt_id, "0")
    run_jobs()
    assert line_of(only_notification(database, user, "essay-graded")) == \
        "Your answers in Check your understanding were marked: 50%."
    assert emails_of(database, kind="essay-graded") == []
    assert len(emails_of(database, kind="enrolled")) == 1  # only feedback was turned off


# --- a persona or plan reviewed ------------------------------------------------------------

def test_an_approved_persona_notifies_with_the_reviewers_name(
        client, new_client, database, settings, make_user, run_jobs):
    user = submitted_persona(client, make_user, full_name="Nia Okoro")
    reviewer = make_user(Role.trainer, full_name="Sam Trainer")
    trainer = new_client()
    login(trainer, reviewer.email)
    vid = version_id(database, user, 1)
    page = f"/manage/reviews/{vid}"
    response = trainer.post(page, data={"csrf_token": csrf_from(trainer, page),
                                        "decision": "approved", "note": ""})
    assert response.status_code == 303

    notification = only_notification(database, user, "workbook-reviewed")
    assert line_of(notification) == "Sam Trainer approved your persona."
    assert notification.link == "/persona"
    assert notifications_of(database, reviewer) == []

    run_jobs()
    email = only_email(database, kind="workbook-reviewed", to=user)
    content = check_email(settings, email, user=user, category="feedback",
                          subject="Your persona was approved", link="/persona",
                          reason="you submitted your persona for review").content
    assert "Sam Trainer approved your persona." in content.text


def _review_form(page: str) -> dict[str, str]:
    """Every comment box of the review page, empty, as a browser posts them."""
    return dict.fromkeys(re.findall(r'name="(comment:[^"]+)"', page), "")


@pytest.fixture
def plan_sent_back(client, new_client, database, make_user):
    """An executive's plan, submitted, then sent back by Sam Trainer with a comment on one
    item, posted as the browser posts the review form (every other box empty)."""
    user = make_user(Role.executive, full_name="Nia Okoro")
    login(client, user.email)
    fill_plan(client)
    assert submit_plan(client).headers["location"] == "/plan?notice=submitted"
    [version] = versions(database)
    trainer = new_client()
    login(trainer, make_user(Role.trainer, full_name="Sam Trainer").email)
    page = f"/manage/reviews/{version.id}"
    form = _review_form(trainer.get(page).text)
    assert len(form) > 2
    commented = f"comment:items.{item_id_on(database, user, 28)}"
    assert commented in form
    response = trainer.post(page, data={**form, commented: "Name the driver in this one.",
                                        "csrf_token": csrf_from(trainer, page),
                                        "decision": "changes-requested", "note": ""})
    assert response.status_code == 303, response.text[:500]
    return user


def test_a_plan_sent_back_notifies_and_emails(plan_sent_back, database, settings, run_jobs):
    user = plan_sent_back
    notification = only_notification(database, user, "workbook-reviewed")
    assert line_of(notification) == "Sam Trainer asked for changes to your 90-day plan."
    assert notification.link == "/plan"
    run_jobs()
    email = only_email(database, kind="workbook-reviewed", to=user)
    content = check_email(settings, email, user=user, category="feedback",
                          subject="Changes requested on your 90-day plan", link="/plan",
                          reason="you submitted your 90-day plan for review").content
    assert "Sam Trainer read your 90-day plan and asked for changes." in content.text
    assert "Make the changes, then submit it again." in content.text


def test_the_plan_email_counts_only_the_comments_written(plan_sent_back, database, settings,
                                                         run_jobs):
    run_jobs()
    email = only_email(database, kind="workbook-reviewed", to=plan_sent_back)
    text = open_content(settings, email).text
    assert "You will find 1 comment next to the fields concerned." in text


# --- a certificate earned ------------------------------------------------------------------

def _complete(client: TestClient, slug: str) -> None:
    page = f"/courses/pilot/lessons/{slug}"
    response = client.post(page + "/complete", headers={
        "X-CSRF-Token": csrf_from(client, page), "HX-Request": "true"})
    assert response.status_code == 200


def test_a_certificate_is_announced_once(client, database, settings, make_user, load_course,
                                         enrol, run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive, full_name="Nia Okoro")
    enrol(course, user)
    login(client, user.email)
    for slug in ("hello", "world"):
        _complete(client, slug)
    assert notifications_of(database, user, "certificate") == []
    _complete(client, "deep")
    notification = only_notification(database, user, "certificate")
    assert line_of(notification) == "You completed Pilot course: your certificate is ready."
    assert notification.link == "/courses/pilot/certificate"
    assert client.get(notification.link).status_code == 200
    with database.session() as s:
        code = s.exec(select(Enrolment)).one().certificate_code
    assert code

    # completing again, and the optional lesson, is no new completion
    for slug in ("deep", "extra", "hello"):
        _complete(client, slug)
    # nor is completion worked out again from a stale copy of the enrolment ...
    with database.session(write=True) as s:
        enrolment = s.exec(select(Enrolment)).one()
        set_committed_value(enrolment, "completed_at", None)  # as read before completion
        lesson = s.exec(select(Lesson).where(Lesson.slug == "deep")).one()
        complete_lesson(s, user_id=user.id, course=s.get(Course, course.id),
                        lesson=lesson, enrolment=enrolment)
    # ... or after the completion was recorded anew (a recount)
    with database.session(write=True) as s:
        s.exec(update(Enrolment).values(completed_at=None, certificate_code=None))
    _complete(client, "deep")
    with database.session() as s:
        assert s.exec(select(Enrolment)).one().completed_at is not None
    assert len(notifications_of(database, user, "certificate")) == 1

    run_jobs()
    email = only_email(database, kind="certificate", to=user)
    content = check_email(settings, email, user=user, category="courses",
                          subject="Your certificate for Pilot course",
                          link="/courses/pilot/certificate",
                          reason="you completed Pilot course").content
    assert f"Your certificate has the code {code}" in content.text
    assert len(emails_of(database, kind="certificate")) == 1


def test_a_certificate_with_course_emails_off_is_only_in_the_app(client, database, make_user,
                                                                  load_course, enrol,
                                                                  run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    email_off(database, user, "courses")
    login(client, user.email)
    for slug in ("hello", "world", "deep"):
        _complete(client, slug)
    run_jobs()
    assert len(notifications_of(database, user, "certificate")) == 1
    assert emails_of(database, kind="certificate") == []
    with database.session() as s:
        assert s.exec(select(Notification).where(Notification.kind == "certificate")
                      ).one().emailed_at is None
