"""The weekly reminder, over a simulated clock: on the day each executive chose, from
9:00 in their own time zone, once per week, only while the week is not recorded; in the
app, and by email unless the executive turned the category off."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from app.activity_log import reminders
from app.jobs.registry import JobEnv
from app.models import ActivitySetting, NotificationPreference, Role, User
from app.worker import tasks
from tests.activity_log.conftest import add_entry
from tests.conftest import form_post, login
from tests.notifications.conftest import (
    at,
    check_email,
    emails_of,
    line_of,
    notifications_of,
    only_email,
    params_of,
)

MONDAY = date(2031, 5, 12)  # ISO week 2031-W20
FRIDAY = MONDAY + timedelta(days=4)


def _remind(database, now) -> int:
    with database.session(write=True) as s:
        return reminders.weekly_reminders(s, now=now)


def _choose(database, user: User, weekday: int | None, zone: str | None = None) -> None:
    with database.session(write=True) as s:
        s.add(ActivitySetting(user_id=user.id, reminder_weekday=weekday))
        if zone:
            person = s.get(User, user.id)
            person.time_zone = zone
            s.add(person)


def _reminders(database, user: User) -> list[str]:
    """The weeks of the user's reminders in the simulated year (a worker running the
    hourly job at the real time may add one of its own)."""
    return [n.dedupe_key.rsplit(":", 1)[1]
            for n in notifications_of(database, user, reminders.KIND)
            if n.created_at.year == MONDAY.year]


def test_the_reminder_comes_on_the_chosen_day_in_the_executive_s_zone(database, make_user):
    berlin = make_user(Role.executive)
    _choose(database, berlin, 4, "Europe/Berlin")  # Friday; UTC+2 in May
    assert _remind(database, at(FRIDAY - timedelta(days=1), 12)) == 0  # Thursday
    assert _remind(database, at(FRIDAY, 6)) == 0  # 8:00 in Berlin: too early
    assert _remind(database, at(FRIDAY, 7)) == 1  # 9:00 in Berlin
    assert _remind(database, at(FRIDAY, 7)) == 0  # the same tick again
    assert _remind(database, at(FRIDAY, 15)) == 0  # later that day
    assert _reminders(database, berlin) == ["2031-W20"]
    [note] = [n for n in notifications_of(database, berlin, reminders.KIND)
              if n.created_at.year == 2031]
    assert note.link == "/activity"
    assert params_of(note) == {"week": "2031-05-12"}
    assert line_of(note) == ("Time to record your week of 12 May 2031 in your activity log: "
                             "it takes under a minute.")
    assert note.created_at == at(FRIDAY, 7)
    assert _remind(database, at(FRIDAY + timedelta(days=7), 9)) == 1  # the next week
    assert _reminders(database, berlin) == ["2031-W20", "2031-W21"]


def test_the_day_is_the_executive_s_own_across_the_date_line(database, make_user):
    auckland = make_user(Role.executive)
    _choose(database, auckland, 0, "Pacific/Auckland")  # Monday; UTC+12 in May
    sunday_utc = MONDAY + timedelta(days=6)
    assert _remind(database, at(sunday_utc, 22)) == 1  # already Monday 10:00 there
    assert _reminders(database, auckland) == ["2031-W21"]


def test_no_reminder_once_the_week_is_recorded_or_without_a_day(database, make_user):
    logged, none_chosen, no_setting = (make_user(Role.executive) for _ in range(3))
    _choose(database, logged, 4)
    _choose(database, none_chosen, None)
    add_entry(database, logged, MONDAY, comments=2)
    gone = make_user(Role.executive, active=False)
    _choose(database, gone, 4)
    trainer = make_user(Role.trainer)
    _choose(database, trainer, 4)
    assert _remind(database, at(FRIDAY, 10)) == 0
    for user in (logged, none_chosen, no_setting, gone, trainer):
        assert _reminders(database, user) == []


def test_the_job_reminds_in_the_app_and_by_email_as_each_person_chose(
        database, settings, make_user, run_jobs):
    wants, opted_out = (make_user(Role.executive, full_name=name)
                        for name in ("Wanda Wants", "Otto Out"))
    for user in (wants, opted_out):
        _choose(database, user, 4)
    with database.session(write=True) as s:
        s.add(NotificationPreference(user_id=opted_out.id, category="activity-log",
                                     email=False))
    env = JobEnv(settings, database)
    tasks.activity_reminders(env, now=at(FRIDAY, 10))
    tasks.activity_reminders(env, now=at(FRIDAY, 10))  # a second worker at the same tick
    assert _reminders(database, wants) == ["2031-W20"]
    assert _reminders(database, opted_out) == ["2031-W20"]
    run_jobs()
    email = only_email(database, kind=reminders.KIND, to=wants)
    content = check_email(settings, email, user=wants, category="activity-log",
                          subject="Your weekly activity log: how was your week on social "
                                  "media?",
                          link="/activity",
                          reason="you chose a reminder day for your activity log").content
    assert "Posts you marked published in your 90-day plan are counted for you." in \
        content.text
    assert emails_of(database, kind=reminders.KIND, to=opted_out) == []


def test_the_executive_chooses_the_day_on_the_log_page(client, make_user, database):
    user = make_user(Role.executive)
    login(client, user.email)
    page = client.get("/activity").text
    assert '<option value="" selected>No reminder</option>' in page
    response = form_post(client, "/activity/reminder", {"weekday": "3"}, page="/activity")
    assert response.status_code == 303
    assert response.headers["location"] == "/activity?notice=reminder-saved"
    with database.session() as s:
        assert s.exec(select(ActivitySetting.reminder_weekday)
                      .where(ActivitySetting.user_id == user.id)).one() == 3
    assert '<option value="3" selected>Thursday</option>' in client.get("/activity").text
    bad = form_post(client, "/activity/reminder", {"weekday": "9"}, page="/activity")
    assert bad.status_code == 422
    assert 'id="f-weekday-error">Choose a day from the list' in bad.text
    assert form_post(client, "/activity/reminder", {"weekday": ""},
                     page="/activity").status_code == 303
    with database.session() as s:
        assert s.get(ActivitySetting, user.id).reminder_weekday is None
    prefs = client.get("/account/notifications").text
    assert "<strong>Weekly activity log</strong>" in prefs
