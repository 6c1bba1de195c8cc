"""The plan taken elsewhere: an iCalendar file (RFC 5545) to put each item in a calendar,
and a CSV file to open in a spreadsheet.

icalendar escapes every text value and folds long lines at 75 octets; every CSV cell passes
through ``safe_cell`` so that no user text can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from icalendar import STATUS, TRANSP, Calendar, Event, vText

from app.content.cells import safe_cell
from app.planner.definition import Item

PRODID = "-//Podium//90-day plan//EN"
CONFIRMED_STATUSES = frozenset({"scheduled", "published"})
CSV_HEADER = ("date", "network", "format", "source", "status", "draft")


def _event(item: Item, day: dt.date, *, initiative: str, stamp: dt.datetime) -> Event:
    kind = " · ".join(label for label in (item.network_label, item.format_label) if label)
    summary = ": ".join(text for text in (kind, initiative.strip()) if text)
    footer = f"Source: {item.source_label} · Status: {item.status_label}"
    draft = item.draft.strip()
    return Event.new(
        uid=f"{item.id}@podium",
        stamp=stamp,
        start=day,
        end=day + dt.timedelta(days=1),
        summary=summary or "Planned item",
        description=f"{draft}\n\n{footer}" if draft else footer,
        categories=[item.network_label] if item.network_label else (),
        status=STATUS.CONFIRMED if item.status in CONFIRMED_STATUSES else STATUS.TENTATIVE,
        transparency=TRANSP.TRANSPARENT,  # a plan entry does not make anyone busy
    )


def plan_ics(*, items: list[Item], initiative: str, message: str,
             calendar_name: str = "Podium 90-day plan",
             now: dt.datetime | None = None) -> bytes:
    """The plan as an iCalendar file: one all-day event per item with a valid date (UID
    ``<id>@podium``, stable across exports so calendars update instead of duplicating);
    the calendar's description is the initiative and its message. ``now`` (UTC if naive)
    is the DTSTAMP; by default the current time."""
    stamp = now or dt.datetime.now(dt.UTC)
    stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
    about = "\n\n".join(text for text in (initiative.strip(), message.strip()) if text)
    events = [_event(item, day, initiative=initiative, stamp=stamp)
              for item in items if (day := item.day) is not None]
    cal = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
                       subcomponents=events)
    # Name and description as RFC 7986 and as the X-WR-* properties most clients read.
    # Given as vText: icalendar 7 does not know these as text and would not escape them.
    for prop, value in (("NAME", calendar_name), ("X-WR-CALNAME", calendar_name),
                        ("DESCRIPTION", about), ("X-WR-CALDESC", about)):
        if value:
            cal.add(prop, vText(value))
    return cal.to_ical()


def plan_csv(items: list[Item]) -> str:
    """The plan as CSV text (plain UTF-8, CRLF line endings): one row per item with the
    date as typed, the labels of its choices and the draft as written."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in items:
        writer.writerow(safe_cell(text) for text in (
            item.date, item.network_label, item.format_label, item.source_label,
            item.status_label, item.draft))
    return out.getvalue()
