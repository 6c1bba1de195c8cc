"""Every background task Podium runs. Each is a thin call into the service that owns the
work; the job is the transaction boundary (services never commit)."""

from __future__ import annotations

from datetime import datetime

from procrastinate import RetryStrategy

from app.activity_log import reminders
from app.jobs.registry import JobEnv, task
from app.learning import summary
from app.mail import delivery
from app.notifications import service as notifications
from app.reports import background as report_files
from app.worker import schedule


@task("send_email", retry=lambda s: RetryStrategy(max_attempts=s.mail_max_attempts,
                                                  exponential_wait=s.mail_retry_base_seconds))
def send_email(env: JobEnv, *, email_id: int) -> None:
    delivery.deliver(env.database, env.settings, email_id=email_id)


@task("email_notification", retry=lambda s: RetryStrategy(max_attempts=6, exponential_wait=4))
def email_notification(env: JobEnv, *, notification_id: int) -> None:
    with env.database.session(write=True) as session:
        notifications.email_notification(session, env.settings,
                                         notification_id=notification_id)


@task("password_reset_email", retry=lambda s: RetryStrategy(max_attempts=6, exponential_wait=4))
def password_reset_email(env: JobEnv, *, email: str) -> None:
    from app.auth import recovery

    with env.database.session(write=True) as session:
        recovery.send_reset_email(session, env.settings, email=email)


@task("recount_course", retry=lambda s: RetryStrategy(max_attempts=5, exponential_wait=4))
def recount_course(env: JobEnv, *, course_id: int) -> None:
    summary.recount(env.database, course_id=course_id)


@task("prepare_report_export")
def prepare_report_export(env: JobEnv, *, export_id: int) -> None:
    """A large workbook, built and stored for the person who asked (who is notified)."""
    report_files.prepare(env.database, export_id=export_id)


@task("due_reminders", cron="5 * * * *")
def due_reminders(env: JobEnv, *, now: datetime) -> None:
    """Hourly: reminders before due dates and for overdue courses, 500 per transaction."""
    while True:
        with env.database.session(write=True) as session:
            if schedule.due_reminders(session, now=now, limit=500) < 500:
                return


@task("activity_reminders", cron="25 * * * *")
def activity_reminders(env: JobEnv, *, now: datetime) -> None:
    """Hourly: the weekly activity log reminder, on each executive's chosen day."""
    with env.database.session(write=True) as session:
        reminders.weekly_reminders(session, now=now, default_zone=env.settings.time_zone)


@task("review_digests", cron="0 7 * * *")
def review_digests(env: JobEnv, *, now: datetime) -> None:
    with env.database.session(write=True) as session:
        schedule.review_digests(session, now=now)


@task("programme_summaries", cron="0 7 * * 1")
def programme_summaries(env: JobEnv, *, now: datetime) -> None:
    with env.database.session(write=True) as session:
        schedule.programme_summaries(session, now=now)


@task("clean_up", cron="17 3 * * *")
def clean_up(env: JobEnv, *, now: datetime) -> None:
    """Nightly: expired sessions, links and counters, old delivered emails, and prepared
    report files past their time."""
    from app.auth import housekeeping

    with env.database.session(write=True) as session:
        housekeeping.clean_up(session, now=now)
    with env.database.session(write=True) as session:
        report_files.clean_up(session, now=now)
