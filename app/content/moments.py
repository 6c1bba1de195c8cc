"""Dates and times as people read them, in one format everywhere, in the reader's zone.

- a moment (a ``datetime``: stored in UTC; a naive one is taken as UTC) is shown in the
  reader's time zone: ``when`` "4 Dec 2026, 16:28", ``clock`` "16:28";
- a calendar day (a ``date``: due dates, plan days, cohort starts) is never converted:
  ``day`` "4 Dec 2026";
- ``relative`` says how far it is from now: "in 3 days", "yesterday", "2 hours ago";
- ``time_element`` is the ``<time>`` element pages use: the text, with the exact value in
  ``datetime`` and, for relative text, the exact date and time as its ``title``;
- ``duration`` writes minutes as "4 h 50 min".

English month names whatever the process locale. ``parse_date`` (app/content/dates.py)
reads dates people type; CSV and XLSX exports keep ISO dates for machines
(app/content/cells.py)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_ZONE = "UTC"
# IANA's geographic areas: the names people pick their zone from ("Europe/Berlin").
_AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/",
          "Australia/", "Europe/", "Indian/", "Pacific/")

Style = Literal["when", "day", "relative", "clock"]


@cache
def zone_names() -> tuple[str, ...]:
    """The zones a person may choose: every IANA area/location name, and UTC, sorted."""
    names = (n for n in available_timezones() if n.startswith(_AREAS))
    return (DEFAULT_ZONE, *sorted(names))


def zone_message(name: str) -> str | None:
    """Why ``name`` is no zone one may choose (the message for the field), or None."""
    if name not in zone_names():
        return ("Choose a time zone from the list, as a region and city such as "
                "Europe/Berlin, or UTC.")
    return None


def zone(name: str | None, default: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone called ``name``, else ``default``, else UTC (a zone that disappeared from
    the system's database never makes a page fail)."""
    for candidate in (name, default):
        if candidate and candidate in zone_names():
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - broken tzdata
                continue
    return ZoneInfo(DEFAULT_ZONE)


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` in ``tz``; a naive datetime is UTC (as the database stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def day(value: date | datetime, tz: ZoneInfo | None = None) -> str:
    """A calendar day: "4 Dec 2026". A datetime gives its day in ``tz``."""
    if isinstance(value, datetime):
        value = local(value, tz or ZoneInfo(DEFAULT_ZONE)).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def weekday(value: date) -> str:
    """A calendar day with its weekday: "Fri 4 Dec 2026"."""
    return f"{WEEKDAYS[value.weekday()]} {day(value)}"


def day_month(value: date) -> str:
    """A day of a year the reader can see from around it: "4 Dec"."""
    return f"{value.day} {MONTHS[value.month - 1]}"


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """The time of day in ``tz``, 24-hour: "16:28"."""
    return f"{local(moment, tz):%H:%M}"


def when(moment: datetime, tz: ZoneInfo) -> str:
    """Date and time in ``tz``: "4 Dec 2026, 16:28"."""
    return f"{day(moment, tz)}, {clock(moment, tz)}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _days_phrase(days: int) -> str:
    """A distance in whole calendar days, in words: 0 today, 1 tomorrow, -1 yesterday."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n < 14:
        amount = _count(n, "day")
    elif n < 60:
        amount = _count(n // 7, "week")
    elif n < 365 * 2:
        amount = _count(round(n / 30.44), "month")
    else:
        amount = _count(n // 365, "year")
    return f"in {amount}" if days > 0 else f"{amount} ago"


def relative(value: date | datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """How far ``value`` is from ``now``: "just now", "5 minutes ago", "in 2 hours", then by
    calendar days in ``tz`` ("yesterday", "in 3 days", "2 weeks ago", "in 4 months")."""
    if isinstance(value, datetime):
        seconds = (local(value, tz) - local(now, tz)).total_seconds()
        size = abs(seconds)
        if size < 60:
            return "just now"
        if size < 3600:
            amount = _count(int(size // 60), "minute")
            return f"in {amount}" if seconds > 0 else f"{amount} ago"
        if size < 12 * 3600:
            amount = _count(int(size // 3600), "hour")
            return f"in {amount}" if seconds > 0 else f"{amount} ago"
        value = local(value, tz).date()
    today = local(now, tz).date()
    return _days_phrase((value - today).days)


def iso(value: date | datetime) -> str:
    """The machine-readable value of a ``<time>`` element (a moment in UTC, with its Z)."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def time_element(value: date | datetime | None, *, now: datetime, tz: ZoneInfo,
                 style: Style = "when", empty: str = "—") -> Markup:
    """``<time datetime="…" title="…">text</time>``: ``style`` picks the text; the title
    holds the exact date (and time, with the zone) whenever the text is not exact."""
    if value is None:
        return escape(empty)
    if style == "relative":
        text = relative(value, now=now, tz=tz)
    elif style == "clock" and isinstance(value, datetime):
        text = clock(value, tz)
    elif style == "when" and isinstance(value, datetime):
        text = when(value, tz)
    else:
        text = day(value, tz)
    exact = when(value, tz) + f" ({tz.key})" if isinstance(value, datetime) else day(value)
    if exact == text:
        return Markup('<time datetime="{}">{}</time>').format(iso(value), text)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(iso(value), exact, text)


def duration(minutes: int | float | None) -> str:
    """Minutes as people read a length: "45 min", "2 h", "4 h 50 min". Past an hour, to
    the nearest 5 minutes (289 minutes of reading are "4 h 50 min": an estimate)."""
    total = round(minutes or 0)
    if total >= 60:
        total = 5 * round(total / 5)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def now_utc() -> datetime:
    return datetime.now(UTC)


def today(tz: ZoneInfo, now: datetime | None = None) -> date:
    """The reader's day now (23:30 UTC is already tomorrow in Berlin)."""
    return local(now or now_utc(), tz).date()


# Jinja: the filters read the reader's zone from the template's ``time_zone`` (a ZoneInfo
# the email's composer or the page's context processor puts there); macros imported without
# context see the one the page's context processor set for this render; else UTC.
_reader_zone: ContextVar[ZoneInfo | None] = ContextVar("reader_zone", default=None)


def set_reader_zone(tz: ZoneInfo) -> ZoneInfo:
    """The zone of the page being rendered (called by the page's context processor)."""
    _reader_zone.set(tz)
    return tz


def _tz(ctx: Context) -> ZoneInfo:
    value = ctx.get("time_zone")
    if isinstance(value, ZoneInfo):
        return value
    return _reader_zone.get() or ZoneInfo(DEFAULT_ZONE)


@pass_context
def _when(ctx: Context, value: datetime | None, empty: str = "—") -> str:
    return empty if value is None else when(value, _tz(ctx))


@pass_context
def _day(ctx: Context, value: date | datetime | None, empty: str = "—") -> str:
    return empty if value is None else day(value, _tz(ctx))


@pass_context
def _clock(ctx: Context, value: datetime | None, empty: str = "—") -> str:
    return empty if value is None else clock(value, _tz(ctx))


@pass_context
def _relative(ctx: Context, value: date | datetime | None, empty: str = "—") -> str:
    return empty if value is None else relative(value, now=now_utc(), tz=_tz(ctx))


@pass_context
def _time_element(ctx: Context, value: date | datetime | None, style: Style = "when",
                  empty: str = "—") -> Markup:
    return time_element(value, now=now_utc(), tz=_tz(ctx), style=style, empty=empty)


def register(env: Environment) -> None:
    """The date filters: ``when``, ``day``, ``clock``, ``relative``, ``weekday``,
    ``day_month``, ``duration``, and ``time_element(style)`` (the ``<time>`` element)."""
    env.filters.update({"when": _when, "day": _day, "clock": _clock, "relative": _relative,
                        "weekday": weekday, "day_month": day_month, "duration": duration,
                        "time_element": _time_element})
