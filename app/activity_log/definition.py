"""What a week of the activity log holds, and how a posted entry is read and checked.

Weeks are ISO weeks (Monday to Sunday) of the executive's own calendar, written
``2026-W49`` as a browser's week field sends them. Every count is a whole number from 0 to
its ceiling; the Social Selling Index is optional: a total from 0 to 100 and four pillars
from 0 to 25 each. When all four pillars are given without a total, the total is their
sum; when a total is given too and differs from the pillars' sum by more than
``SSI_ROUNDING`` (LinkedIn rounds what it shows), the total gets a message.

Nothing here reads the database: ``parse`` returns the values as typed, the numbers it
could read and the messages per field name, so the page can show each message next to its
field and keep what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

WEEKS_BACK = 52  # how far back an entry may be recorded (a year of weeks)
SSI_ROUNDING = 1.0
WEEK_RE = re.compile(r"([0-9]{4})-W([0-9]{2})")


@dataclass(frozen=True)
class Count:
    name: str
    label: str
    hint: str
    ceiling: int


COUNTS: tuple[Count, ...] = (
    Count("posts_linkedin", "Posts on LinkedIn", "Not counting posts from your plan.", 100),
    Count("posts_x", "Posts on X", "Not counting posts from your plan.", 100),
    Count("posts_other", "Posts on other networks", "Not counting posts from your plan.",
          100),
    Count("comments", "Comments you wrote", "Thoughtful comments on other people's posts.",
          500),
    Count("connections", "New relevant connections or followers",
          "People who matter for your goals, on any network.", 2000),
    Count("conversations", "Conversations started",
          "Direct messages or replies that became a real exchange.", 500),
    Count("opportunities", "Meetings or opportunities",
          "Meetings, leads or invitations that began on social media.", 200),
)
POST_COUNTS = ("posts_linkedin", "posts_x", "posts_other")


@dataclass(frozen=True)
class Score:
    name: str
    label: str
    ceiling: int


SSI_TOTAL = Score("ssi_total", "Social Selling Index (total)", 100)
SSI_PILLARS: tuple[Score, ...] = (
    Score("ssi_brand", "Establish your professional brand", 25),
    Score("ssi_people", "Find the right people", 25),
    Score("ssi_insights", "Engage with insights", 25),
    Score("ssi_relationships", "Build relationships", 25),
)
SCORES = (SSI_TOTAL, *SSI_PILLARS)
FIELDS = ("week", *(c.name for c in COUNTS), *(s.name for s in SCORES))

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# Weeks -----------------------------------------------------------------------------------

def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    """``2026-W49``: the ISO week of ``monday`` as a week field writes it."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> dt.date | None:
    """The Monday of the ISO week written ``YYYY-Www``, or None."""
    match = WEEK_RE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def earliest_week(today: dt.date) -> dt.date:
    return week_start(today) - dt.timedelta(weeks=WEEKS_BACK)


def week_problem(monday: dt.date | None, *, today: dt.date) -> str | None:
    """Why a week cannot be recorded (not a week, in the future, over a year ago)."""
    if monday is None:
        return "Choose a week, e.g. " + week_label(week_start(today)) + "."
    if monday > week_start(today):
        return "This week has not started yet: record a week up to this one."
    if monday < earliest_week(today):
        return "You can record weeks of the last twelve months only."
    return None


# Entries ---------------------------------------------------------------------------------

@dataclass
class Parsed:
    """A posted entry: ``typed`` as sent, ``counts`` and ``scores`` as read, ``errors``
    per field name (empty: the entry may be saved)."""

    typed: dict[str, str]
    week: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None  # NaN, inf


def _count(text: str, item: Count) -> tuple[int, str | None]:
    text = text.strip()
    if not text:
        return 0, None
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        return 0, "Enter a whole number, e.g. 3 (or leave it empty for none)."
    value = int(text)
    if value < 0:
        return 0, "Enter 0 or more."
    if value > item.ceiling:
        return 0, (f"{value:,} in one week looks like a typing mistake: at most "
                   f"{item.ceiling:,}.")
    return value, None


def _score(text: str, item: Score) -> tuple[float | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    value = _number(text)
    if value is None or len(text) > 12:
        return None, f"Enter a number from 0 to {item.ceiling}, e.g. 18.5."
    if not 0 <= value <= item.ceiling:
        return None, f"LinkedIn shows this as a number from 0 to {item.ceiling}."
    return round(value, 2), None


def parse(form: Mapping[str, object], *, today: dt.date) -> Parsed:
    """Read a posted entry (see the module's docstring for the rules)."""
    typed = {name: value if isinstance(value := form.get(name), str) else ""
             for name in FIELDS}
    parsed = Parsed(typed=typed, week=parse_week(typed["week"]))
    problem = week_problem(parsed.week, today=today)
    if problem:
        parsed.errors["week"] = problem
    for item in COUNTS:
        value, error = _count(typed[item.name], item)
        parsed.counts[item.name] = value
        if error:
            parsed.errors[item.name] = error
    for score in SCORES:
        number, error = _score(typed[score.name], score)
        parsed.scores[score.name] = number
        if error:
            parsed.errors[score.name] = error
    _check_ssi(parsed)
    return parsed


def _check_ssi(parsed: Parsed) -> None:
    if any(s.name in parsed.errors for s in SCORES):
        return
    pillars = [parsed.scores[p.name] for p in SSI_PILLARS]
    given = [p for p in pillars if p is not None]
    total = parsed.scores[SSI_TOTAL.name]
    if given and len(given) < len(pillars):
        missing = next(p for p, v in zip(SSI_PILLARS, pillars, strict=True) if v is None)
        parsed.errors[missing.name] = ("Enter all four pillars, or none (the total alone "
                                       "is enough).")
        return
    if len(given) == len(pillars):
        pillar_sum = round(sum(given), 2)
        if total is None:
            parsed.scores[SSI_TOTAL.name] = pillar_sum  # computed: the total is the sum
        elif abs(total - pillar_sum) > SSI_ROUNDING:
            parsed.errors[SSI_TOTAL.name] = (
                f"Your four pillars add up to {pillar_sum:g}, but the total says {total:g}. "
                "The total is the sum of the pillars: check both, or leave the total empty "
                "and Podium adds them up.")
