"""What Podium notifies about, in words: the email categories a person can choose, and
for each kind of notification its category, its one line in the app and its email.

Notifications store only a kind and its parameters; the words live here, so they are
written in the reader's language when shown (German joins English later)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.content import moments
from app.models import Role


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str
    email_default: bool
    roles: frozenset[Role]


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("courses", "Your courses",
             "Enrolments, reminders before a due date, overdue courses and certificates.",
             True, frozenset({Role.executive})),
    Category("feedback", "Feedback from your trainer",
             "Marks for your essay answers, and decisions on your persona and 90-day plan.",
             True, frozenset({Role.executive})),
    Category("activity-log", "Weekly activity log",
             "A reminder on the day you chose to record your week on social media.",
             True, frozenset({Role.executive})),
    Category("review-digest", "Daily review digest",
             "One email a day when submissions or essay answers are waiting for you.",
             True, frozenset({Role.trainer, Role.admin})),
    Category("programme-summary", "Weekly programme summary",
             "Every Monday: enrolled, completed and overdue executives of the programme.",
             False, frozenset({Role.hr, Role.admin})),
    Category("exports", "Your downloads",
             "When a large workbook you asked for is ready to download (or could not be "
             "prepared).",
             True, frozenset({Role.hr, Role.admin})),
)}


@dataclass(frozen=True)
class EmailText:
    subject: str
    paragraphs: list[str]
    action_label: str
    reason: str
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    key: str
    category: str
    line: Callable[[dict[str, Any]], str]  # the notification as one line in the app
    email: Callable[[dict[str, Any]], EmailText]


def day(value: str | None) -> str:
    """An ISO date as people read it: 14 Jan 2027."""
    if not value:
        return ""
    return moments.day(date.fromisoformat(value))


def _enrolled_line(p: dict[str, Any]) -> str:
    due = f", due {day(p['due_date'])}" if p.get("due_date") else ""
    return f"You were enrolled in {p['course']}{due}."


def _enrolled_email(p: dict[str, Any]) -> EmailText:
    lines = [f"You have been enrolled in {p['course']}."]
    if p.get("due_date"):
        lines.append(f"Please complete it by {day(p['due_date'])}. The lessons are short and "
                     "Podium remembers where you left off.")
    return EmailText(subject=f"You are enrolled in {p['course']}", paragraphs=lines,
                     action_label="Open the course",
                     reason=f"you were enrolled in {p['course']}")


def _due_line(p: dict[str, Any]) -> str:
    when = "tomorrow" if p["days"] == 1 else "today" if p["days"] == 0 else \
        f"in {p['days']} days"
    return f"{p['course']} is due {when} ({day(p['due_date'])}): {p['percent']}% done."


def _due_email(p: dict[str, Any]) -> EmailText:
    when = "tomorrow" if p["days"] == 1 else "today" if p["days"] == 0 else \
        f"in {p['days']} days"
    return EmailText(
        subject=f"Reminder: {p['course']} is due {when}",
        paragraphs=[f"{p['course']} is due on {day(p['due_date'])}, {when}. You have "
                    f"completed {p['percent']}% of it.",
                    "Pick up where you left off: Podium opens the next lesson for you."],
        action_label="Continue the course",
        reason=f"{p['course']} has a due date and is not complete yet")


def _overdue_line(p: dict[str, Any]) -> str:
    return f"{p['course']} was due on {day(p['due_date'])}: {p['percent']}% done."


def _overdue_email(p: dict[str, Any]) -> EmailText:
    return EmailText(
        subject=f"{p['course']} is overdue",
        paragraphs=[f"{p['course']} was due on {day(p['due_date'])}. You have completed "
                    f"{p['percent']}% of it.",
                    "It is not too late: the remaining lessons are waiting where you left "
                    "off. We remind you at most once a week."],
        action_label="Continue the course",
        reason=f"{p['course']} is past its due date and not complete yet")


def _graded_line(p: dict[str, Any]) -> str:
    outcome = " You passed." if p.get("passed") else ""
    return f"Your answers in {p['quiz']} were marked: {p['score']:.0f}%.{outcome}"


def _graded_email(p: dict[str, Any]) -> EmailText:
    outcome = "You passed the quiz." if p.get("passed") else \
        "This is below the pass mark; you can see the comments and try again if attempts " \
        "are left."
    return EmailText(subject=f"Your answers in {p['quiz']} were marked",
                     paragraphs=[f"Your trainer marked your written answers in {p['quiz']} "
                                 f"({p['course']}). Your score is {p['score']:.0f}%.", outcome],
                     action_label="See your marks and comments",
                     reason="a trainer marked your quiz answers")


_WORKBOOK_NAMES = {"persona": "persona", "plan": "90-day plan"}


def _reviewed_line(p: dict[str, Any]) -> str:
    name = _WORKBOOK_NAMES.get(p["workbook"], p["workbook"])
    if p["decision"] == "approved":
        return f"{p['reviewer']} approved your {name}."
    return f"{p['reviewer']} asked for changes to your {name}."


def _reviewed_email(p: dict[str, Any]) -> EmailText:
    name = _WORKBOOK_NAMES.get(p["workbook"], p["workbook"])
    if p["decision"] == "approved":
        return EmailText(subject=f"Your {name} was approved",
                         paragraphs=[f"{p['reviewer']} approved your {name}. The matching "
                                     "activity in your course is now complete."],
                         action_label=f"Open your {name}",
                         reason=f"you submitted your {name} for review")
    lines = [f"{p['reviewer']} read your {name} and asked for changes."]
    if p.get("comments"):
        lines.append(f"You will find {p['comments']} comment"
                     f"{'' if p['comments'] == 1 else 's'} next to the fields concerned.")
    lines.append("Make the changes, then submit it again.")
    return EmailText(subject=f"Changes requested on your {name}", paragraphs=lines,
                     action_label=f"Open your {name}",
                     reason=f"you submitted your {name} for review")


def _certificate_line(p: dict[str, Any]) -> str:
    return f"You completed {p['course']}: your certificate is ready."


def _certificate_email(p: dict[str, Any]) -> EmailText:
    return EmailText(subject=f"Your certificate for {p['course']}",
                     paragraphs=[f"Congratulations: you completed {p['course']}.",
                                 f"Your certificate has the code {p['code']}; anyone can check "
                                 "it on Podium."],
                     action_label="View your certificate",
                     reason=f"you completed {p['course']}")


def _waiting(p: dict[str, Any]) -> list[str]:
    parts = []
    if p["submissions"]:
        parts.append(f"{p['submissions']} submission{'s' if p['submissions'] != 1 else ''} "
                     "to review")
    if p["essays"]:
        parts.append(f"{p['essays']} essay attempt{'s' if p['essays'] != 1 else ''} to grade")
    return parts


def _digest_line(p: dict[str, Any]) -> str:
    return "Waiting for you: " + " and ".join(_waiting(p)) + "."


def _digest_email(p: dict[str, Any]) -> EmailText:
    facts = [("Personas and plans to review", str(p["submissions"])),
             ("Quiz attempts with essays to grade", str(p["essays"]))]
    paragraphs = ["Executives are waiting for your feedback: " + " and ".join(_waiting(p)) + "."]
    if p.get("oldest_days"):
        paragraphs.append(f"The oldest has been waiting {p['oldest_days']} day"
                          f"{'s' if p['oldest_days'] != 1 else ''}.")
    return EmailText(subject="Today in Podium: " + " and ".join(_waiting(p)),
                     paragraphs=paragraphs, facts=facts, action_label="Open your review queue",
                     reason="you are a trainer and work is waiting for you (one email a day at "
                            "most)")


def _summary_line(p: dict[str, Any]) -> str:
    return (f"This week's programme: {p['enrolled']} enrolled, {p['completed']} completed, "
            f"{p['overdue']} overdue.")


def _summary_email(p: dict[str, Any]) -> EmailText:
    rate = "no enrolments yet" if p["rate"] is None else f"{p['rate']:.0f}%"
    return EmailText(
        subject=f"Podium weekly summary: {p['completed']} of {p['enrolled']} completed",
        paragraphs=["Here is where your executive programme stands this week."],
        facts=[("Enrolled", str(p["enrolled"])), ("Started", str(p["started"])),
               ("Completed", str(p["completed"])), ("Completion rate", rate),
               ("Overdue", str(p["overdue"]))],
        action_label="Open the dashboard",
        reason="you follow the programme as HR and chose the weekly summary")


def _export_line(p: dict[str, Any]) -> str:
    if p["outcome"] == "ready":
        return (f"Your workbook {p['filename']} is ready to download "
                f"({p['rows']:,} rows, kept for {p['days']} days).")
    return f"Your workbook {p['filename']} could not be prepared. You can ask for it again."


def _export_email(p: dict[str, Any]) -> EmailText:
    if p["outcome"] == "ready":
        return EmailText(
            subject="Your Podium workbook is ready",
            paragraphs=[f"The workbook you asked for, {p['filename']}, is ready: "
                        f"{p['rows']:,} rows.",
                        f"You can download it for {p['days']} days; after that, ask for it "
                        "again from the dashboard."],
            action_label="Download the workbook",
            reason="you asked for a completion report")
    return EmailText(
        subject="Your Podium workbook could not be prepared",
        paragraphs=[f"We could not prepare the workbook you asked for, {p['filename']}.",
                    "You can ask for it again; if it fails again, please tell your Podium "
                    "administrator."],
        action_label="See what happened",
        reason="you asked for a completion report")


def _activity_line(p: dict[str, Any]) -> str:
    return (f"Time to record your week of {day(p['week'])} in your activity log: it takes "
            "under a minute.")


def _activity_email(p: dict[str, Any]) -> EmailText:
    return EmailText(
        subject="Your weekly activity log: how was your week on social media?",
        paragraphs=[f"Take a minute to record your week of {day(p['week'])}: posts, "
                    "comments, new connections, conversations and opportunities.",
                    "Posts you marked published in your 90-day plan are counted for you."],
        action_label="Record your week",
        reason="you chose a reminder day for your activity log")


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("enrolled", "courses", _enrolled_line, _enrolled_email),
    Kind("due-soon", "courses", _due_line, _due_email),
    Kind("overdue", "courses", _overdue_line, _overdue_email),
    Kind("certificate", "courses", _certificate_line, _certificate_email),
    Kind("essay-graded", "feedback", _graded_line, _graded_email),
    Kind("workbook-reviewed", "feedback", _reviewed_line, _reviewed_email),
    Kind("activity-reminder", "activity-log", _activity_line, _activity_email),
    Kind("review-digest", "review-digest", _digest_line, _digest_email),
    Kind("programme-summary", "programme-summary", _summary_line, _summary_email),
    Kind("report-export", "exports", _export_line, _export_email),
)}


def categories_for(role: Role) -> list[Category]:
    """The categories a person of ``role`` can receive."""
    return [c for c in CATEGORIES.values() if role in c.roles]
