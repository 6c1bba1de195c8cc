"""The plan as an iCalendar file and as CSV, parsed back the way other programs read them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from icalendar import Calendar, Event

from app.content.cells import safe_cell
from app.planner.definition import Item
from app.planner.exports import plan_csv, plan_ics

NOW = dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.UTC)
HOSTILE = ("<script>alert(1)</script> {{7*7}} a, b; c\\d\nnew line \"quoted\" "
           "and then a long sentence with accents éèà and emoji 🚀 to pass 75 octets")


def item(item_id: str, date: str, **overrides: str) -> Item:
    values = {"network": "linkedin", "format": "video", "source": "customer-testimonial",
              "source_other": "", "draft": "Hear Amal, one of our drivers.", "status": "idea"}
    values.update(overrides)
    return Item(id=item_id, date=date, **values)


def export(items: list[Item], **kwargs: str) -> bytes:
    args = {"initiative": "Lyon depot", "message": "Electric by June."}
    args.update(kwargs)
    return plan_ics(items=items, now=NOW, **args)


def events(raw: bytes) -> dict[str, Event]:
    return {str(e["UID"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}


# --- iCalendar ---------------------------------------------------------------------------

def test_calendar_properties() -> None:
    cal = Calendar.from_ical(export([], calendar_name="Dana's plan"))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Podium//90-day plan//EN"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Dana's plan"
    assert cal.calendar_name == "Dana's plan"
    assert cal.description == "Lyon depot\n\nElectric by June."
    assert cal.walk("VEVENT") == []


def test_one_all_day_event_per_dated_item() -> None:
    items = [item("a1b2c3d4", "2027-01-12"), item("b1b2c3d4", "2027-04-11"),
             item("c1b2c3d4", "2027-02-30"), item("d1b2c3d4", "")]
    found = events(export(items))
    assert set(found) == {"a1b2c3d4@podium", "b1b2c3d4@podium"}
    first = found["a1b2c3d4@podium"]
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert type(start) is dt.date
    assert type(end) is dt.date
    assert (start, end) == (dt.date(2027, 1, 12), dt.date(2027, 1, 13))
    assert first.decoded("DTSTAMP") == NOW
    assert found["b1b2c3d4@podium"].decoded("DTEND") == dt.date(2027, 4, 12)


def test_event_text() -> None:
    [event] = events(export([item("a1b2c3d4", "2027-01-12")])).values()
    assert str(event["SUMMARY"]) == "LinkedIn · Video: Lyon depot"
    assert str(event["DESCRIPTION"]) == ("Hear Amal, one of our drivers.\n\n"
                                         "Source: Customer testimonial · Status: Idea")
    assert event.categories == ["LinkedIn"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("idea", "TENTATIVE"), ("drafted", "TENTATIVE"), ("scheduled", "CONFIRMED"),
     ("published", "CONFIRMED")],
)
def test_event_status(status: str, expected: str) -> None:
    [event] = events(export([item("a1b2c3d4", "2027-01-12", status=status)])).values()
    assert str(event["STATUS"]) == expected


def test_uid_is_stable_across_exports() -> None:
    items = [item("a1b2c3d4", "2027-01-12")]
    later = plan_ics(items=items, initiative="Lyon", message="",
                     now=dt.datetime(2027, 2, 1))  # naive: read as UTC
    assert set(events(export(items))) == set(events(later)) == {"a1b2c3d4@podium"}
    assert next(iter(events(later).values())).decoded("DTSTAMP") == dt.datetime(
        2027, 2, 1, tzinfo=dt.UTC)


def test_default_stamp_is_the_current_utc_time() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    raw = plan_ics(items=[item("a1b2c3d4", "2027-01-12")], initiative="", message="")
    stamp = next(iter(events(raw).values())).decoded("DTSTAMP")
    assert before <= stamp <= dt.datetime.now(dt.UTC)


def test_hostile_text_round_trips_and_lines_are_folded() -> None:
    hostile_item = item("a1b2c3d4", "2027-01-12", draft=HOSTILE, source="other",
                        source_other="a; b, c")
    raw = export([hostile_item], initiative=HOSTILE, message=HOSTILE,
                 calendar_name="Plan, Q1;\nLyon")
    [event] = events(raw).values()
    assert str(event["SUMMARY"]) == f"LinkedIn · Video: {HOSTILE}"
    assert str(event["DESCRIPTION"]) == (f"{HOSTILE}\n\nSource: a; b, c · Status: Idea")
    # Escaped as RFC 5545 TEXT (icalendar 7 does not unescape these properties on reading).
    assert b"\r\nNAME:Plan\\, Q1\\;\\nLyon\r\n" in raw
    assert b"\r\nX-WR-CALNAME:Plan\\, Q1\\;\\nLyon\r\n" in raw
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert not any(b"\n" in line or b"\r" in line for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long values were folded
    assert b"<script>" in raw  # text, not markup: calendars show it as typed


def test_event_without_labels_or_initiative_still_has_a_summary() -> None:
    odd = item("a1b2c3d4", "2027-01-12", network="myspace", format="hologram", draft="")
    [event] = events(export([odd], initiative="  ")).values()
    assert str(event["SUMMARY"]) == "Planned item"
    assert str(event["DESCRIPTION"]) == "Source: Customer testimonial · Status: Idea"
    assert "CATEGORIES" not in event


# --- CSV ---------------------------------------------------------------------------------

def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_header_and_labels() -> None:
    text = plan_csv([item("a1b2c3d4", "2027-01-12", draft="Line one\nLine two, with comma"),
                     item("b1b2c3d4", "2027-01-20", network="x", format="poll",
                          source="other", source_other="Podcast", status="scheduled")])
    assert not text.startswith("\ufeff")
    assert text.startswith("date,network,format,source,status,draft\r\n")
    assert read_csv(text) == [
        ["date", "network", "format", "source", "status", "draft"],
        ["2027-01-12", "LinkedIn", "Video", "Customer testimonial", "Idea",
         "Line one\nLine two, with comma"],
        ["2027-01-20", "X", "Poll", "Podcast", "Scheduled", "Hear Amal, one of our drivers."],
    ]


def test_csv_of_no_items_is_the_header() -> None:
    assert plan_csv([]) == "date,network,format,source,status,draft\r\n"


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(1)", "\tx", "\rx", "\nx"],
)
def test_csv_neutralises_formulas_in_every_text_cell(text: str) -> None:
    hostile = item("a1b2c3d4", text, source="other", source_other=f"{text.strip()}x",
                   draft=text)
    [_, row] = read_csv(plan_csv([hostile]))
    assert row[0] == row[5] == "'" + text
    assert row[3] == safe_cell(f"{text.strip()}x")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for cell in row)


def test_csv_leaves_normal_text_alone() -> None:
    plain = item("a1b2c3d4", "2027-01-12", draft="Growth 2-3% in Q1 = good; email@x.org")
    [_, row] = read_csv(plan_csv([plain]))
    assert row[5] == "Growth 2-3% in Q1 = good; email@x.org"
