"""Reading and checking a posted week: every rule with its message, the SSI total worked
out from the pillars, ISO weeks and streaks."""

from __future__ import annotations

import datetime as dt

import pytest

from app.activity_log import definition as log
from app.activity_log.service import streaks

TODAY = dt.date(2026, 12, 4)  # a Friday of ISO week 2026-W49


def _parse(**values: str) -> log.Parsed:
    return log.parse({"week": "2026-W49", **values}, today=TODAY)


def test_weeks_are_iso_weeks_starting_on_monday():
    assert log.week_start(TODAY) == dt.date(2026, 11, 30)
    assert log.week_label(dt.date(2026, 11, 30)) == "2026-W49"
    assert log.parse_week("2026-W49") == dt.date(2026, 11, 30)
    assert log.parse_week("2027-W01") == dt.date(2027, 1, 4)
    assert log.week_label(dt.date(2027, 1, 1) - dt.timedelta(days=4)) == "2026-W53"
    for bad in ("2026-W60", "2026-49", "", "next week", "2026-W4"):
        assert log.parse_week(bad) is None


def test_a_good_entry_reads_every_count_and_empty_means_zero():
    parsed = _parse(posts_linkedin="2", posts_x="", comments="7", connections="12",
                    conversations="1", opportunities="0")
    assert parsed.errors == {}
    assert parsed.week == dt.date(2026, 11, 30)
    assert parsed.counts == {"posts_linkedin": 2, "posts_x": 0, "posts_other": 0,
                             "comments": 7, "connections": 12, "conversations": 1,
                             "opportunities": 0}
    assert parsed.scores == dict.fromkeys(("ssi_total", "ssi_brand", "ssi_people",
                                           "ssi_insights", "ssi_relationships"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("posts_linkedin", "-1", "Enter 0 or more."),
    ("comments", "three", "Enter a whole number"),
    ("posts_x", "2.5", "Enter a whole number"),
    ("posts_other", "501", "looks like a typing mistake: at most 100"),
    ("posts_linkedin", "999999", "looks like a typing mistake"),
    ("connections", "2001", "at most 2,000"),
    ("ssi_total", "101", "from 0 to 100"),
    ("ssi_total", "-3", "from 0 to 100"),
    ("ssi_total", "lots", "Enter a number from 0 to 100"),
    ("ssi_brand", "26", "from 0 to 25"),
])
def test_bad_values_get_a_message_and_keep_what_was_typed(field, value, message):
    parsed = _parse(**{field: value})
    assert message in parsed.errors[field]
    assert parsed.typed[field] == value
    assert set(parsed.errors) == {field}


def test_weeks_in_the_future_or_over_a_year_back_are_refused():
    assert "not started yet" in _parse(week="2026-W50").errors["week"]
    assert log.parse({"week": "2025-W49"}, today=TODAY).errors == {}  # 52 weeks back
    assert "last twelve months" in log.parse({"week": "2025-W48"},
                                             today=TODAY).errors["week"]
    assert "Choose a week" in _parse(week="soon").errors["week"]
    assert _parse(week="soon").typed["week"] == "soon"


def test_the_ssi_total_is_the_sum_of_the_pillars():
    pillars = {"ssi_brand": "18.5", "ssi_people": "12", "ssi_insights": "15.25",
               "ssi_relationships": "20"}
    computed = _parse(**pillars)
    assert computed.errors == {}
    assert computed.scores["ssi_total"] == 65.75
    assert _parse(ssi_total="66", **pillars).errors == {}  # within LinkedIn's rounding
    wrong = _parse(ssi_total="80", **pillars)
    assert "add up to 65.75, but the total says 80" in wrong.errors["ssi_total"]
    assert _parse(ssi_total="72").errors == {}  # the total alone
    partial = _parse(ssi_brand="10", ssi_people="10")
    assert "all four pillars" in partial.errors["ssi_insights"]
    assert _parse(ssi_total="72,5").scores["ssi_total"] == 72.5  # a decimal comma


def test_streaks_count_consecutive_active_weeks():
    this = dt.date(2026, 11, 30)
    weeks = {this - dt.timedelta(weeks=n) for n in (1, 2, 3, 6, 7, 8, 9)}
    assert streaks(weeks, this_week=this).current == 3  # this week is not over yet
    assert streaks(weeks, this_week=this).longest == 4
    assert streaks(weeks | {this}, this_week=this).current == 4
    assert streaks({this - dt.timedelta(weeks=2)}, this_week=this).current == 0
    assert streaks(set(), this_week=this) == streaks(set(), this_week=this)
    assert streaks(set(), this_week=this).longest == 0
