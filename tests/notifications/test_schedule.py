"""Notifications from the calendar, over a simulated clock: due-date reminders, the
trainers' daily digest and HR's weekly summary, each once however often the scheduler
runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from app.jobs.registry import JobEnv
from app.models import Enrolment, Role, User, utcnow
from app.worker import schedule, tasks
from tests.conftest import form_post, login
from tests.courses_data import small_spec
from tests.notifications.conftest import (
    at,
    check_email,
    email_choice,
    emails_of,
    essay_quiz,
    line_of,
    notifications_of,
    only_email,
    only_notification,
    params_of,
    submit_essay,
)
from tests.persona.test_review import submitted_persona

DUE = date(2031, 5, 14)


def _enrolled_long_ago(database, enrol, course, user: User, due_date: date | None = DUE,
                       enrolled_at: datetime | None = None) -> None:
    """``user`` enrolled with ``due_date``, a month before it (or at ``enrolled_at``)."""
    enrol(course, user, due_date=due_date)
    when = enrolled_at or at((due_date or DUE) - timedelta(days=30))
    with database.session(write=True) as s:
        s.exec(update(Enrolment).where(Enrolment.user_id == user.id)
               .values(enrolled_at=when))


def _remind(database, now: datetime, **kwargs: int) -> int:
    with database.session(write=True) as s:
        return schedule.due_reminders(s, now=now, **kwargs)


def _days(offset: int, hour: int = 9) -> datetime:
    """``offset`` days after the due date (negative: before it)."""
    return at(DUE + timedelta(days=offset), hour)


def _kinds(database, user: User) -> list[str]:
    return [n.kind for n in notifications_of(database, user) if n.kind != "enrolled"]


# --- due dates -----------------------------------------------------------------------------

def test_reminders_before_the_due_date_and_weekly_when_overdue(database, make_user,
                                                               load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    _enrolled_long_ago(database, enrol, course, user)

    assert _remind(database, _days(-8)) == 0
    assert _kinds(database, user) == []

    assert _remind(database, _days(-7)) == 1
    [seven] = notifications_of(database, user, "due-soon")
    assert line_of(seven) == "Pilot course is due in 7 days (14 May 2031): 0% done."
    assert seven.link == "/courses/pilot"
    assert seven.created_at == _days(-7)  # the scheduler's clock
    assert _remind(database, _days(-7)) == 0  # the scheduler again at the same time
    assert _remind(database, _days(-7, hour=10)) == 0
    for offset in (-6, -3, -2):
        assert _remind(database, _days(offset)) == 0
    assert len(notifications_of(database, user, "due-soon")) == 1

    assert _remind(database, _days(-1)) == 1
    soon = notifications_of(database, user, "due-soon")
    assert len(soon) == 2
    assert line_of(soon[1]) == "Pilot course is due tomorrow (14 May 2031): 0% done."
    assert _remind(database, _days(-1, hour=23)) == 0
    assert _remind(database, _days(0)) == 0  # the day itself: told yesterday
    assert len(notifications_of(database, user, "due-soon")) == 2

    assert _remind(database, _days(1)) == 1
    [overdue] = notifications_of(database, user, "overdue")
    assert line_of(overdue) == "Pilot course was due on 14 May 2031: 0% done."
    assert overdue.link == "/courses/pilot"
    for offset in (1, 3, 6, 7):
        assert _remind(database, _days(offset)) == 0
    assert len(notifications_of(database, user, "overdue")) == 1
    assert _remind(database, _days(8)) == 1
    assert len(notifications_of(database, user, "overdue")) == 2
    assert _remind(database, _days(14)) == 0
    assert _remind(database, _days(15)) == 1
    assert _kinds(database, user) == ["due-soon", "due-soon", "overdue", "overdue", "overdue"]


def test_reminders_show_the_progress(database, make_user, load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    _enrolled_long_ago(database, enrol, course, user)
    with database.session(write=True) as s:
        s.exec(update(Enrolment).values(progress_percent=67))
    _remind(database, _days(-1))
    assert line_of(only_notification(database, user, "due-soon")).endswith(": 67% done.")


def test_finished_disabled_and_undated_enrolments_get_no_reminder(database, make_user,
                                                                  load_course, enrol):
    course = load_course(small_spec())
    done = make_user(Role.executive)
    disabled = make_user(Role.executive, active=False)
    undated = make_user(Role.executive)
    trainer = make_user(Role.trainer)  # enrolled, but not an executive
    for user in (done, disabled, trainer):
        _enrolled_long_ago(database, enrol, course, user)
    _enrolled_long_ago(database, enrol, course, undated, due_date=None)
    with database.session(write=True) as s:
        s.exec(update(Enrolment).where(Enrolment.user_id == done.id)
               .values(completed_at=_days(-20), progress_percent=100))
    for offset in (-7, -1, 0, 1, 8, 30):
        assert _remind(database, _days(offset)) == 0
    for user in (done, disabled, undated, trainer):
        assert _kinds(database, user) == []


def test_no_seven_day_reminder_in_the_first_day_after_enrolling(database, make_user,
                                                                load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrolled = _days(-5)  # the enrolment itself announced the due date
    _enrolled_long_ago(database, enrol, course, user, enrolled_at=enrolled)
    assert _remind(database, enrolled + timedelta(hours=1)) == 0
    assert _remind(database, enrolled + timedelta(hours=23, minutes=59)) == 0
    assert _kinds(database, user) == []
    assert _remind(database, enrolled + timedelta(days=1)) == 1
    [reminder] = notifications_of(database, user, "due-soon")
    assert params_of(reminder)["days"] == 4
    assert line_of(reminder) == "Pilot course is due in 4 days (14 May 2031): 0% done."
    assert _remind(database, _days(-1)) == 1  # the day before still comes


def test_a_late_enrolment_still_gets_the_day_before_reminder(database, make_user,
                                                             load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    _enrolled_long_ago(database, enrol, course, user, enrolled_at=_days(-1, hour=8))
    assert _remind(database, _days(-1)) == 1
    assert line_of(only_notification(database, user, "due-soon")).startswith(
        "Pilot course is due tomorrow")


def test_a_new_due_date_gets_its_own_reminders(database, make_user, load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    _enrolled_long_ago(database, enrol, course, user)
    assert _remind(database, _days(1)) == 1  # overdue
    later = DUE + timedelta(days=30)
    enrol(course, user, due_date=later)  # the trainer moves the due date
    assert _remind(database, _days(2)) == 0
    assert _remind(database, at(later - timedelta(days=7))) == 1
    assert line_of(notifications_of(database, user, "due-soon")[-1]) == \
        "Pilot course is due in 7 days (13 Jun 2031): 0% done."


def test_the_limit_spreads_reminders_over_runs(database, make_user, load_course, enrol):
    course = load_course(small_spec())
    users = [make_user(Role.executive) for _ in range(3)]
    for user in users:
        _enrolled_long_ago(database, enrol, course, user)
    assert _remind(database, _days(-7), limit=2) == 2
    assert _remind(database, _days(-7), limit=2) == 1
    assert _remind(database, _days(-7), limit=2) == 0
    for user in users:
        assert len(notifications_of(database, user, "due-soon")) == 1


def test_the_periodic_task_reminds_and_the_emails_follow(database, settings, make_user,
                                                         load_course, enrol, run_jobs):
    course = load_course(small_spec())
    users = [make_user(Role.executive) for _ in range(2)]
    for user in users:
        _enrolled_long_ago(database, enrol, course, user)
    run_jobs()  # the enrolment emails
    env = JobEnv(settings, database)
    tasks.due_reminders(env, now=_days(-7))
    tasks.due_reminders(env, now=_days(-7))  # a second worker at the same tick
    run_jobs()
    for user in users:
        assert len(notifications_of(database, user, "due-soon")) == 1
        email = only_email(database, kind="due-soon", to=user)
        check_email(settings, email, user=user, category="courses",
                    subject="Reminder: Pilot course is due in 7 days", link="/courses/pilot",
                    reason="Pilot course has a due date and is not complete yet")
    tasks.due_reminders(env, now=_days(1))
    run_jobs()
    email = only_email(database, kind="overdue", to=users[0])
    content = check_email(settings, email, user=users[0], category="courses",
                          subject="Pilot course is overdue", link="/courses/pilot",
                          reason="Pilot course is past its due date and not complete yet"
                          ).content
    assert "We remind you at most once a week." in content.text
    assert len(emails_of(database, kind="overdue")) == 2


# --- the trainers' daily digest ----------------------------------------------------------

@pytest.fixture
def reviewers(make_user) -> tuple[User, User]:
    return make_user(Role.trainer, full_name="Sam Trainer"), make_user(Role.admin)


def _digests(database, now: datetime) -> int:
    with database.session(write=True) as s:
        return schedule.review_digests(s, now=now)


def test_no_digest_when_nothing_waits(database, reviewers, make_user):
    assert _digests(database, utcnow()) == 0
    for user in reviewers:
        assert notifications_of(database, user) == []


def test_one_digest_a_day_while_a_submission_waits(client, database, settings, reviewers,
                                                   make_user, run_jobs):
    trainer, admin = reviewers
    off_duty = make_user(Role.trainer, active=False)
    hr = make_user(Role.hr)
    executive = submitted_persona(client, make_user)
    now = utcnow() + timedelta(days=2)
    assert _digests(database, now) == 2  # the trainer and the admin
    assert _digests(database, now) == 0  # the scheduler again
    # later the same (UTC) day: three hours on, or the day's last second if that is sooner
    later = min(now + timedelta(hours=3),
                now.replace(hour=23, minute=59, second=59, microsecond=0))
    assert later.date() == now.date()
    assert _digests(database, later) == 0
    digest = only_notification(database, trainer, "review-digest")
    assert line_of(digest) == "Waiting for you: 1 submission to review."
    assert digest.link == "/manage/reviews"
    assert len(notifications_of(database, admin, "review-digest")) == 1
    for user in (off_duty, hr, executive):
        assert notifications_of(database, user, "review-digest") == []

    run_jobs()
    email = only_email(database, kind="review-digest", to=trainer)
    content = check_email(settings, email, user=trainer, category="review-digest",
                          subject="Today in Podium: 1 submission to review",
                          link="/manage/reviews",
                          reason="you are a trainer and work is waiting for you (one email "
                                 "a day at most)").content
    assert "The oldest has been waiting 2 days." in content.text
    assert "- Personas and plans to review: 1" in content.text

    tomorrow = now + timedelta(days=1)
    assert _digests(database, tomorrow) == 2
    assert len(notifications_of(database, trainer, "review-digest")) == 2


def test_a_waiting_essay_makes_a_digest(client, database, reviewers, make_user, quiz_course,
                                        enrol):
    course, lesson = essay_quiz(quiz_course)
    executive = make_user(Role.executive)
    enrol(course, executive)
    login(client, executive.email)
    submit_essay(client, database, lesson)
    assert _digests(database, utcnow()) == 2
    digest = only_notification(database, reviewers[0], "review-digest")
    assert line_of(digest) == "Waiting for you: 1 essay attempt to grade."
    assert digest.link == "/manage/grading"


def test_trainers_can_turn_the_digest_email_off(client, new_client, database, reviewers,
                                                make_user, run_jobs):
    trainer, admin = reviewers
    browser = new_client()
    login(browser, trainer.email)
    assert 'value="review-digest" checked' in browser.get("/account/notifications").text
    response = form_post(browser, "/account/notifications", {}, page="/account/notifications")
    assert response.status_code == 303
    assert email_choice(database, trainer, "review-digest") is False
    submitted_persona(client, make_user)
    _digests(database, utcnow())
    run_jobs()
    assert len(notifications_of(database, trainer, "review-digest")) == 1
    assert emails_of(database, kind="review-digest", to=trainer) == []
    assert len(emails_of(database, kind="review-digest", to=admin)) == 1


# --- HR's weekly summary -------------------------------------------------------------------

MONDAY = date(2031, 5, 12)  # ISO week 2031-W20


def _summaries(database, now: datetime) -> int:
    with database.session(write=True) as s:
        return schedule.programme_summaries(s, now=now)


@pytest.fixture
def programme(database, make_user, load_course, enrol) -> None:
    """Three enrolments on MONDAY: one completed, one overdue, one on time."""
    course = load_course(small_spec())
    done, late, fine = (make_user(Role.executive) for _ in range(3))
    enrol(course, done, due_date=MONDAY - timedelta(days=10))
    enrol(course, late, due_date=MONDAY - timedelta(days=1))
    enrol(course, fine, due_date=MONDAY + timedelta(days=30))
    with database.session(write=True) as s:
        s.exec(update(Enrolment).values(enrolled_at=at(MONDAY - timedelta(days=60))))
        s.exec(update(Enrolment).where(Enrolment.user_id == done.id)
               .values(completed_at=at(MONDAY - timedelta(days=20)),
                       started_at=at(MONDAY - timedelta(days=50)), progress_percent=100))


def test_hr_gets_one_summary_a_week_in_the_app_only(database, programme, make_user, run_jobs):
    hr = make_user(Role.hr)
    trainer = make_user(Role.trainer)
    assert _summaries(database, at(MONDAY, 7)) == 1
    assert _summaries(database, at(MONDAY, 7)) == 0
    assert _summaries(database, at(MONDAY + timedelta(days=6), 23)) == 0  # Sunday, same week
    summary = only_notification(database, hr, "programme-summary")
    assert line_of(summary) == \
        "This week's programme: 3 enrolled, 1 completed, 1 overdue."
    assert summary.link == "/reports"
    assert params_of(summary)["started"] == 1
    assert notifications_of(database, trainer) == []
    run_jobs()
    assert emails_of(database, kind="programme-summary") == []  # off unless chosen
    assert _summaries(database, at(MONDAY + timedelta(days=7), 7)) == 1  # the next week
    weeks = [n.dedupe_key for n in notifications_of(database, hr, "programme-summary")
             if n.created_at.year == MONDAY.year]  # (a worker may add one for this week)
    assert weeks == [f"programme-summary:{hr.id}:2031-W20", f"programme-summary:{hr.id}:2031-W21"]


def test_hr_who_opts_in_gets_the_summary_by_email(client, database, settings, programme,
                                                  make_user, run_jobs):
    hr = make_user(Role.hr, full_name="Hana Resources")
    login(client, hr.email)
    page = client.get("/account/notifications").text
    assert 'value="programme-summary" ' in page
    assert 'value="programme-summary" checked' not in page
    response = form_post(client, "/account/notifications", {"email": "programme-summary"},
                         page="/account/notifications")
    assert response.status_code == 303
    assert email_choice(database, hr, "programme-summary") is True
    _summaries(database, at(MONDAY, 7))
    run_jobs()
    email = only_email(database, kind="programme-summary", to=hr)
    content = check_email(settings, email, user=hr, category="programme-summary",
                          subject="Podium weekly summary: 1 of 3 completed", link="/reports",
                          reason="you follow the programme as HR and chose the weekly "
                                 "summary").content
    for fact in ("- Enrolled: 3", "- Started: 1", "- Completed: 1", "- Completion rate: 33%",
                 "- Overdue: 1"):
        assert fact in content.text
    assert "Completion rate" in content.html and "33%" in content.html
