"""How a plan covers its window: counts, long silences and the calendar of weeks."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from app.planner.coverage import Gap, calendar, coverage, gaps
from app.planner.definition import DAYS, Item

STARTS_ON = dt.date(2027, 1, 12)  # a Tuesday
END = dt.date(2027, 4, 11)  # day 89, a Sunday


def day(n: int) -> dt.date:
    return STARTS_ON + dt.timedelta(days=n)


def item(n: int | None, *, network: str = "x", source: str = "video",
         item_id: str | None = None) -> Item:
    date = day(n).isoformat() if n is not None else "not a date"
    return Item(item_id or f"{(n or 0) + 1000:08x}", date, network, "poll", source, "",
                "Draft", "idea")


def test_counts_list_every_source_and_network_in_order() -> None:
    items = [item(0, network="linkedin", source="news-story"),
             item(1, network="linkedin", source="other"),
             item(None, network="youtube", source="other"),
             item(2, network="myspace", source="rumour")]
    result = coverage(items, STARTS_ON)
    assert result.by_source == [("News story", 1), ("Video", 0), ("Employee example", 0),
                                ("Customer testimonial", 0), ("Conference talk", 0),
                                ("Personal anecdote", 0), ("Other", 2)]
    assert result.by_network == [("LinkedIn", 2), ("X", 0), ("Instagram", 0), ("Threads", 0),
                                 ("YouTube", 1)]
    assert result.total == 4
    assert result.window_end == END


def test_other_sources_count_as_other_whatever_their_label() -> None:
    other = Item("a1b2c3d4", day(0).isoformat(), "x", "poll", "other", "Podcast", "", "idea")
    assert dict(coverage([other], STARTS_ON).by_source)["Other"] == 1


def test_no_items_leave_the_whole_window_as_one_gap() -> None:
    assert coverage([], STARTS_ON).gaps == [Gap(STARTS_ON, END, 89)]


def test_gaps_longer_than_two_weeks_are_flagged() -> None:
    assert gaps([item(0), item(10), item(30)], STARTS_ON) == [
        Gap(day(10), day(30), 20), Gap(day(30), END, 59)]


def test_exactly_fourteen_days_is_not_a_gap() -> None:
    assert gaps([item(n) for n in (14, 28, 42, 56, 70, 84)], STARTS_ON) == []


def test_fifteen_days_is_a_gap() -> None:
    assert gaps([item(n) for n in (15, 29, 43, 57, 71, 85)], STARTS_ON) == [
        Gap(STARTS_ON, day(15), 15)]


def test_window_edges_are_boundaries() -> None:
    assert gaps([item(89)], STARTS_ON) == [Gap(STARTS_ON, END, 89)]
    assert gaps([item(0), item(75)], STARTS_ON) == [Gap(STARTS_ON, day(75), 75)]


def test_undated_duplicate_and_outside_items_are_ignored_for_gaps() -> None:
    items = [item(None), item(-5), item(95), item(40, item_id="0000000a"),
             item(40, item_id="0000000b")]
    assert gaps(items, STARTS_ON) == [Gap(STARTS_ON, day(40), 40), Gap(day(40), END, 49)]


@pytest.mark.parametrize("starts_on", [STARTS_ON, dt.date(2027, 3, 1), dt.date(2027, 1, 3)])
def test_calendar_weeks_run_monday_to_sunday_over_the_window(starts_on: dt.date) -> None:
    weeks = calendar([], starts_on)
    days = [d for week in weeks for d in week.days]
    assert all(len(week.days) == 7 for week in weeks)
    assert all(week.days[0].date.weekday() == 0 for week in weeks)
    assert [b.date - a.date for a, b in pairwise(days)] == (
        [dt.timedelta(days=1)] * (len(days) - 1))
    in_window = [d.date for d in days if d.in_window]
    assert len(in_window) == DAYS
    assert in_window[0] == starts_on
    assert days[0].date <= starts_on
    assert days[-1].date.weekday() == 6
    assert (days[-1].date - in_window[-1]).days < 7


def test_calendar_places_items_and_marks_month_starts() -> None:
    first, also_first, later = item(0), item(0, item_id="0000ffff"), item(20)
    weeks = calendar([first, also_first, later, item(None)], STARTS_ON)
    days = {d.date: d for week in weeks for d in week.days}
    assert weeks[0].days[0].date == dt.date(2027, 1, 11)
    assert not days[dt.date(2027, 1, 11)].in_window
    assert days[STARTS_ON].items == [first, also_first]
    assert days[day(20)].items == [later]
    assert sum(len(d.items) for d in days.values()) == 3
    assert [d for d, info in days.items() if info.is_month_start] == [
        dt.date(2027, 2, 1), dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
    assert len(weeks) == 13
