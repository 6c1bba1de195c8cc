"""One date and time format everywhere, in the reader's zone (app/content/moments.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment

from app.content import moments

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def test_when_and_day_in_the_readers_zone():
    moment = datetime(2026, 12, 4, 4, 28, tzinfo=UTC)
    assert moments.when(moment, UTC_ZONE) == "4 Dec 2026, 04:28"
    assert moments.when(moment, BERLIN) == "4 Dec 2026, 05:28"
    assert moments.when(moment, NEW_YORK) == "3 Dec 2026, 23:28"
    assert moments.day(date(2027, 1, 15)) == "15 Jan 2027"
    assert moments.weekday(date(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert moments.day_month(date(2026, 12, 4)) == "4 Dec"


def test_late_evening_utc_is_the_next_day_in_berlin():
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert moments.day(moment, BERLIN) == "1 Jan 2027"
    assert moments.when(moment, BERLIN) == "1 Jan 2027, 00:30"
    assert moments.day(moment, UTC_ZONE) == "31 Dec 2026"


def test_naive_datetimes_are_utc():
    assert moments.when(datetime(2026, 7, 1, 12, 0), BERLIN) == "1 Jul 2026, 14:00"


def test_daylight_saving_time_changes_the_offset():
    # Berlin: UTC+1 in winter, UTC+2 from the last Sunday of March (29 Mar 2026, 01:00 UTC).
    assert moments.clock(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), BERLIN) == "01:59"
    assert moments.clock(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), BERLIN) == "03:00"
    assert moments.clock(datetime(2026, 10, 25, 0, 59, tzinfo=UTC), BERLIN) == "02:59"
    assert moments.clock(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), BERLIN) == "02:00"
    # New York changes on another day (8 Mar 2026, 07:00 UTC).
    assert moments.clock(datetime(2026, 3, 8, 6, 59, tzinfo=UTC), NEW_YORK) == "01:59"
    assert moments.clock(datetime(2026, 3, 8, 7, 0, tzinfo=UTC), NEW_YORK) == "03:00"


NOW = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2026, 12, 4, 15, 59, 30, tzinfo=UTC), "just now"),
    (datetime(2026, 12, 4, 15, 55, tzinfo=UTC), "5 minutes ago"),
    (datetime(2026, 12, 4, 15, 59, tzinfo=UTC), "1 minute ago"),
    (datetime(2026, 12, 4, 14, 0, tzinfo=UTC), "2 hours ago"),
    (datetime(2026, 12, 4, 19, 0, tzinfo=UTC), "in 3 hours"),
    (datetime(2026, 12, 3, 1, 0, tzinfo=UTC), "yesterday"),
    (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "3 days ago"),
    (date(2026, 12, 4), "today"),
    (date(2026, 12, 5), "tomorrow"),
    (date(2026, 12, 7), "in 3 days"),
    (date(2026, 12, 25), "in 3 weeks"),
    (date(2027, 4, 4), "in 4 months"),
    (date(2026, 11, 20), "2 weeks ago"),
    (date(2029, 12, 4), "in 3 years"),
])
def test_relative(value, expected):
    assert moments.relative(value, now=NOW, tz=UTC_ZONE) == expected


def test_relative_days_count_in_the_readers_zone():
    # 23:30 UTC on the 4th is already the 5th in Berlin: a due date of the 5th is "today".
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert moments.relative(date(2026, 12, 5), now=late, tz=BERLIN) == "today"
    assert moments.relative(date(2026, 12, 5), now=late, tz=UTC_ZONE) == "tomorrow"
    # 13 hours before, in Berlin: the day before.
    assert moments.relative(datetime(2026, 12, 4, 10, 0, tzinfo=UTC), now=late,
                            tz=BERLIN) == "yesterday"


def test_time_element_has_the_exact_value_and_title():
    moment = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    html = moments.time_element(moment, now=NOW, tz=BERLIN, style="relative")
    assert html == ('<time datetime="2026-12-04T23:30:00Z" '
                    'title="5 Dec 2026, 00:30 (Europe/Berlin)">in 7 hours</time>')
    exact = moments.time_element(moment, now=NOW, tz=BERLIN)
    assert exact == ('<time datetime="2026-12-04T23:30:00Z" '
                     'title="5 Dec 2026, 00:30 (Europe/Berlin)">5 Dec 2026, 00:30</time>')
    due = moments.time_element(date(2026, 12, 7), now=NOW, tz=BERLIN, style="relative")
    assert due == '<time datetime="2026-12-07" title="7 Dec 2026">in 3 days</time>'
    assert moments.time_element(date(2026, 12, 7), now=NOW, tz=BERLIN, style="day") == \
        '<time datetime="2026-12-07">7 Dec 2026</time>'
    assert moments.time_element(None, now=NOW, tz=BERLIN, empty="never") == "never"


@pytest.mark.parametrize(("minutes", "expected"), [
    (0, "0 min"), (7, "7 min"), (58, "58 min"), (60, "1 h"), (62, "1 h"), (120, "2 h"),
    (289, "4 h 50 min"), (287, "4 h 45 min"), (289.6, "4 h 50 min"), (None, "0 min"),
])
def test_duration(minutes, expected):
    assert moments.duration(minutes) == expected


def test_zones_offered_and_validated():
    names = moments.zone_names()
    assert names[0] == "UTC" and "Europe/Berlin" in names and "America/New_York" in names
    assert "localtime" not in names and "Factory" not in names
    assert moments.zone_message("Europe/Berlin") is None
    assert moments.zone_message("Mars/Olympus") is not None
    assert moments.zone_message("localtime") is not None
    assert moments.zone("Europe/Berlin").key == "Europe/Berlin"
    assert moments.zone(None, "Asia/Tokyo").key == "Asia/Tokyo"
    assert moments.zone("Mars/Olympus", "nowhere").key == "UTC"


def test_filters_use_the_templates_zone():
    env = Environment(autoescape=True)
    moments.register(env)
    template = env.from_string("{{ t | when }} · {{ t | day }} · {{ d | day }} · {{ t | clock }}"
                               " · {{ m | duration }} · {{ none | when }}")
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    values = {"t": moment, "d": date(2027, 1, 15), "m": 290, "none": None}
    assert template.render(values, time_zone=BERLIN) == \
        "1 Jan 2027, 00:30 · 1 Jan 2027 · 15 Jan 2027 · 00:30 · 4 h 50 min · —"
    assert template.render(values) == \
        "31 Dec 2026, 23:30 · 31 Dec 2026 · 15 Jan 2027 · 23:30 · 4 h 50 min · —"
    element = env.from_string("{{ t | time_element('relative') }}")
    assert element.render(t=moment, time_zone=BERLIN).startswith(
        '<time datetime="2026-12-31T23:30:00Z" title="1 Jan 2027, 00:30 (Europe/Berlin)">')


def test_macros_imported_without_context_use_the_pages_zone():
    """A macro imported without context cannot see the page's ``time_zone``: the filters
    then use the zone the page's context processor set for this render."""
    import contextvars

    from jinja2 import DictLoader

    env = Environment(autoescape=True, loader=DictLoader({
        "m.html": "{% macro stamp(t) %}{{ t | when }}{% endmacro %}",
        "page.html": '{% from "m.html" import stamp %}{{ stamp(t) }}'}))
    moments.register(env)
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    def render_in(tz: ZoneInfo) -> str:
        moments.set_reader_zone(tz)
        return env.get_template("page.html").render(t=moment, time_zone=tz)

    assert contextvars.copy_context().run(render_in, BERLIN) == "1 Jan 2027, 00:30"
    assert contextvars.copy_context().run(render_in, UTC_ZONE) == "31 Dec 2026, 23:30"


def test_today_is_the_readers_day():
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert moments.today(BERLIN, late) == date(2026, 12, 5)
    assert moments.today(UTC_ZONE, late) == date(2026, 12, 4)
    assert moments.today(NEW_YORK, datetime(2026, 12, 5, 3, 0, tzinfo=UTC)) == date(2026, 12, 4)
