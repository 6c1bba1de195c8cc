"""How well a plan covers its 90 days: items per source and per network, the long
silences between planned days, and the plan laid out as a calendar of weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from app.planner.definition import NETWORKS, SOURCES, Item, window_end

MAX_SILENCE = 14  # days between planned items beyond which the plan has a gap


@dataclass(frozen=True)
class Gap:
    """A long silence: ``start`` and ``end`` are consecutive planned days (or the window's
    first and last day) and ``days = (end - start).days`` is more than ``MAX_SILENCE``."""

    start: dt.date
    end: dt.date
    days: int


@dataclass
class Coverage:
    by_source: list[tuple[str, int]]  # every source label in order, zeros included
    by_network: list[tuple[str, int]]  # every network label in order, zeros included
    gaps: list[Gap]
    total: int
    window_end: dt.date


def gaps(items: list[Item], starts_on: dt.date) -> list[Gap]:
    """The stretches of more than ``MAX_SILENCE`` days without an item.

    The boundaries are the window's first day, every distinct item day inside the window
    and the window's last day; each pair of consecutive boundaries ``days`` apart is a gap
    when ``days > MAX_SILENCE``. With no item at all, the whole window is one gap. Items
    without a valid date, or outside the window, are ignored."""
    end = window_end(starts_on)
    inside = {d for d in (item.day for item in items) if d and starts_on <= d <= end}
    boundaries = sorted(inside | {starts_on, end})
    return [Gap(a, b, (b - a).days) for a, b in pairwise(boundaries)
            if (b - a).days > MAX_SILENCE]


def coverage(items: list[Item], starts_on: dt.date) -> Coverage:
    """Counts per source and network (every item, dated or not) and the gaps in the window.
    Items with a source "other" count under "Other" whatever their own label."""
    return Coverage(
        by_source=[(c.label, sum(1 for i in items if i.source == c.value)) for c in SOURCES],
        by_network=[(n.label, sum(1 for i in items if i.network == n.value))
                    for n in NETWORKS],
        gaps=gaps(items, starts_on),
        total=len(items),
        window_end=window_end(starts_on),
    )


@dataclass
class Day:
    date: dt.date
    in_window: bool
    items: list[Item]
    is_month_start: bool


@dataclass
class Week:
    days: list[Day]  # Monday to Sunday


def calendar(items: list[Item], starts_on: dt.date) -> list[Week]:
    """The window as whole weeks, Monday to Sunday, each day with its items (in the order
    given). Days before the first or after the last day of the plan are out of the window."""
    end = window_end(starts_on)
    by_day: dict[dt.date, list[Item]] = {}
    for item in items:
        if item.day:
            by_day.setdefault(item.day, []).append(item)
    first = starts_on - dt.timedelta(days=starts_on.weekday())
    last = end + dt.timedelta(days=6 - end.weekday())
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        Week([Day(d, starts_on <= d <= end, by_day.get(d, []), d.day == 1)
              for d in days[week:week + 7]])
        for week in range(0, len(days), 7)
    ]
