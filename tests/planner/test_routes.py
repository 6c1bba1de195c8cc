"""The 90-day planner over HTTP: the plan page, its message, the content items, coverage,
the live counter, the exports, escaping of hostile text and who may see what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import col, select

from app.db import Database
from app.models import Role, User, Workbook, WorkbookVersion
from app.planner import definition as plan
from app.planner.exports import CSV_HEADER
from app.workbooks import service as workbooks
from tests.conftest import csrf_from, login

# A Monday, so the calendar's first cell is the plan's first day.
START = dt.date(2030, 1, 7)
# Six valid items, never more than 14 days apart over the whole window (day 84 -> 89).
EVEN_DAYS = (14, 28, 42, 56, 70, 84)
HOSTILE = '<script>alert(1)</script>{{7*7}}=HYPERLINK("http://evil")'  # 57 characters
RAW_SCRIPT = "<script>alert(1)"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- helpers (also used by test_review.py) -----------------------------------------------

def day(offset: int) -> str:
    """The plan's day ``offset`` (0 is the first day) as YYYY-MM-DD."""
    return (START + dt.timedelta(days=offset)).isoformat()


def post(client: TestClient, path: str, data: dict[str, Any] | None = None, *,
         headers: dict[str, str] | None = None) -> Any:
    """A form post with the browser's CSRF token."""
    token = csrf_from(client, "/account")
    return client.post(path, data={"csrf_token": token, **(data or {})}, headers=headers)


def save_message(client: TestClient, *, initiative: str = "Open the Lyon electric depot",
                 message: str = "By June our Lyon depot runs on electric vans.",
                 starts_on: str = START.isoformat(), **extra: str) -> Any:
    return post(client, "/plan/message", {"initiative": initiative, "message": message,
                                          "starts_on": starts_on, **extra})


def item_form(offset: int = 0, **overrides: str) -> dict[str, str]:
    values = {"date": day(offset), "network": "linkedin", "format": "text-post",
              "source": "news-story", "source_other": "", "draft": f"Draft for day {offset}.",
              "status": "idea"}
    values.update(overrides)
    return values


def add_item(client: TestClient, offset: int = 0, **overrides: str) -> Any:
    return post(client, "/plan/items", item_form(offset, **overrides))


def fill_plan(client: TestClient, days: tuple[int, ...] = EVEN_DAYS,
              **overrides: str) -> None:
    """The message, then one valid item on each of ``days``."""
    response = save_message(client)
    assert response.status_code == 303, response.text[:500]
    for offset in days:
        response = add_item(client, offset, **overrides)
        assert response.status_code == 303, response.text[:500]


def stored(database: Database, user: User) -> tuple[dict[str, Any], dt.date | None]:
    """The plan's draft as stored, and its first day."""
    with database.session() as session:
        workbook = workbooks.get_workbook(session, user_id=user.id, kind=plan.KIND)
        assert workbook is not None
        return json.loads(workbook.draft), workbook.starts_on


def stored_items(database: Database, user: User) -> list[dict[str, str]]:
    return stored(database, user)[0].get("items", [])


def item_id_on(database: Database, user: User, offset: int) -> str:
    return next(i["id"] for i in stored_items(database, user) if i["date"] == day(offset))


def versions(database: Database) -> list[WorkbookVersion]:
    with database.session() as session:
        return list(session.exec(select(WorkbookVersion).order_by(col(WorkbookVersion.number))))


def section(html: str, element_id: str) -> str:
    """The HTML from the element with ``element_id`` to the end of its table or div."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</table>", start)
    return html[start:end if end != -1 else None]


def counts(html: str, element_id: str) -> dict[str, int]:
    table = html[html.index(f'id="{element_id}"'):]
    table = table[:table.index("</table>")]
    return {label: int(n) for label, n in
            re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)', table)}


def calendar_cells(html: str) -> list[str]:
    """The calendar's day cells in order (the first is START, a Monday)."""
    grid = html[html.index('id="plan-calendar"'):]
    grid = grid[:grid.index('<p class="actions exports">')]
    return grid.split('<div class="calendar-day')[1:]


def list_row(html: str, item_id: str) -> str:
    rows = html[html.index('id="plan-list"'):].split("<tr")
    return next(row for row in rows if f'href="/plan/items/{item_id}"' in row)


@pytest.fixture
def executive(login_as: Callable[[Role], User]) -> User:
    return login_as(Role.executive)


# --- the plan page ------------------------------------------------------------------------

def test_plan_page_shows_the_calendar_by_default(client: TestClient, executive: User) -> None:
    response = client.get("/plan")
    assert response.status_code == 200
    assert 'id="plan-calendar"' in response.text
    assert 'id="plan-list"' not in response.text


def test_list_view(client: TestClient, executive: User) -> None:
    fill_plan(client, days=(3,))
    response = client.get("/plan?view=list")
    assert response.status_code == 200
    assert 'id="plan-list"' in response.text
    assert 'id="plan-calendar"' not in response.text


def test_unknown_view_is_refused(client: TestClient, executive: User) -> None:
    # The app answers every malformed query value with 400 (app/errors.py); 422 is kept for
    # form messages shown next to a field.
    response = client.get("/plan?view=bogus")
    assert response.status_code == 400
    assert "Some of the values sent were not valid." in response.text


# --- initiative, message and first day ----------------------------------------------------

def test_message_is_saved(client: TestClient, executive: User, database: Database) -> None:
    response = save_message(client, initiative="Lyon depot", message="Electric by June.",
                            starts_on="2030-03-04")
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?notice=plan-saved"
    data, starts_on = stored(database, executive)
    assert data["initiative"] == "Lyon depot"
    assert data["message"] == "Electric by June."
    assert starts_on == dt.date(2030, 3, 4)
    page = client.get(response.headers["location"])
    assert "Your initiative and message were saved." in page.text
    assert "Electric by June." in page.text
    assert 'value="2030-03-04"' in page.text


def test_message_over_x_limit_is_kept_and_reported(client: TestClient, executive: User,
                                                   database: Database) -> None:
    message = "a" * 281
    response = save_message(client, message=message)
    assert response.status_code == 422
    assert f">{message}</textarea>" in response.text
    assert 'id="f-message-error"' in response.text
    assert "1 character over the limit" in response.text
    assert stored(database, executive)[0]["message"] == message


def test_message_of_280_weighted_characters_is_fine(client: TestClient, executive: User,
                                                    database: Database) -> None:
    assert save_message(client, message="a" * 280).status_code == 303
    assert stored(database, executive)[0]["message"] == "a" * 280


@pytest.mark.parametrize("typed", ["2027-02-30", "tomorrow", ""])
def test_invalid_first_day_keeps_the_previous_one(client: TestClient, executive: User,
                                                  database: Database, typed: str) -> None:
    assert save_message(client).status_code == 303
    response = save_message(client, message="A newer message.", starts_on=typed)
    assert response.status_code == 422
    assert "Enter the first day of your 90 days as YYYY-MM-DD." in response.text
    assert 'id="f-starts_on-error"' in response.text
    data, starts_on = stored(database, executive)
    assert starts_on == START
    assert data["message"] == "A newer message."  # the rest of the form is still saved


def test_autosave_returns_the_status_fragment(client: TestClient, executive: User,
                                              database: Database) -> None:
    response = save_message(client, initiative="Autosaved initiative", autosave="1")
    assert response.status_code == 200
    assert 'id="message-status"' in response.text
    assert "Saved" in response.text
    assert "<html" not in response.text
    assert "<form" not in response.text
    data, starts_on = stored(database, executive)
    assert data["initiative"] == "Autosaved initiative"
    assert starts_on == START


def test_htmx_save_with_an_error_returns_the_form(client: TestClient, executive: User) -> None:
    token = csrf_from(client, "/plan")
    response = client.post("/plan/message", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "initiative": "x", "message": "b" * 290,
        "starts_on": START.isoformat()})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="message-form"')
    assert "10 characters over the limit" in response.text


# --- items --------------------------------------------------------------------------------

def test_add_an_item(client: TestClient, executive: User, database: Database) -> None:
    save_message(client)
    response = add_item(client, 5, network="x", format="video", source="other",
                        source_other="Board memo", draft="Watch this.", status="drafted")
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?view=list&notice=item-saved"
    [saved] = stored_items(database, executive)
    assert plan.ITEM_ID_RE.fullmatch(saved["id"])
    assert {k: v for k, v in saved.items() if k != "id"} == {
        "date": day(5), "network": "x", "format": "video", "source": "other",
        "source_other": "Board memo", "draft": "Watch this.", "status": "drafted"}
    assert "The item was saved." in client.get(response.headers["location"]).text


def test_source_other_text_is_dropped_for_a_listed_source(client: TestClient, executive: User,
                                                          database: Database) -> None:
    save_message(client)
    assert add_item(client, 1, source="video", source_other="ignored").status_code == 303
    assert stored_items(database, executive)[0]["source_other"] == ""


def test_new_item_form_prefills_a_day_in_the_window(client: TestClient,
                                                    executive: User) -> None:
    save_message(client)
    response = client.get(f"/plan/items/new?day={day(10)}")
    assert response.status_code == 200
    assert f'name="date" type="date" value="{day(10)}"' in response.text
    assert f'min="{day(0)}" max="{day(89)}"' in response.text


@pytest.mark.parametrize("bad_day", [day(90), day(-1), "2030-02-30", "soon"])
def test_new_item_form_ignores_a_day_outside_the_window(client: TestClient, executive: User,
                                                        bad_day: str) -> None:
    save_message(client)
    response = client.get("/plan/items/new", params={"day": bad_day})
    assert response.status_code == 200
    assert f'name="date" type="date" value="{day(0)}"' in response.text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("date", day(90), "Pick a day between"),
    ("date", day(-1), "Pick a day between"),
    ("date", "2030-02-30", "Enter the date as YYYY-MM-DD"),
    ("network", "myspace", "Choose a network from the list."),
    ("format", "hologram", "Choose a format from the list."),
    ("source", "rumour", "Choose a source from the list."),
    ("status", "viral", "Choose a status from the list."),
    ("source_other", "", "Say what the source is."),
])
def test_structural_error_is_not_stored(client: TestClient, executive: User,
                                        database: Database, field: str, value: str,
                                        message: str) -> None:
    save_message(client)
    overrides = {field: value, "draft": "My carefully typed draft"}
    if field == "source_other":
        overrides["source"] = "other"
    response = add_item(client, 3, **overrides)
    assert response.status_code == 422
    assert message in response.text
    assert "Not saved yet" in response.text
    assert ">My carefully typed draft</textarea>" in response.text
    assert 'action="/plan/items"' in response.text  # still the new-item form
    assert stored_items(database, executive) == []


def test_a_draft_too_long_to_save_is_refused(client: TestClient, executive: User,
                                            database: Database) -> None:
    save_message(client)
    response = add_item(client, 3, network="youtube", draft="h" * 20_001)
    assert response.status_code == 422
    assert "This draft is far too long to save" in response.text
    assert stored_items(database, executive) == []


def test_a_message_too_long_to_save_is_refused(client: TestClient, executive: User,
                                              database: Database) -> None:
    save_message(client, message="Kept.")
    response = save_message(client, message="i" * 20_001, starts_on=day(7))
    assert response.status_code == 422
    assert "far too long to save" in response.text
    data, starts_on = stored(database, executive)
    assert (data["message"], starts_on) == ("Kept.", START)


def test_htmx_item_save_redirects_with_hx_redirect(client: TestClient, executive: User,
                                                   database: Database) -> None:
    save_message(client)
    token = csrf_from(client, "/plan/items/new")
    response = client.post("/plan/items", headers={"HX-Request": "true"},
                           data={"csrf_token": token, **item_form(4)})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/plan?view=list&notice=item-saved"
    assert len(stored_items(database, executive)) == 1
    response = client.post("/plan/items", headers={"HX-Request": "true"},
                           data={"csrf_token": token, **item_form(95)})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="item-form"')


def test_last_day_of_the_window_is_accepted(client: TestClient, executive: User,
                                            database: Database) -> None:
    save_message(client)
    assert add_item(client, 89).status_code == 303
    assert add_item(client, 0).status_code == 303
    assert sorted(i["date"] for i in stored_items(database, executive)) == [day(0), day(89)]


def test_over_limit_draft_for_x_is_stored_and_reported(client: TestClient, executive: User,
                                                       database: Database) -> None:
    save_message(client)
    draft = "c" * 281
    response = add_item(client, 2, network="x", draft=draft)
    assert response.status_code == 422
    assert "1 character over the limit" in response.text
    assert "Saved, but see the note on the draft." in response.text
    assert f">{draft}</textarea>" in response.text
    [saved] = stored_items(database, executive)
    assert saved["draft"] == draft
    # The form now edits the stored item, so saving again does not add a second one.
    assert f'action="/plan/items/{saved["id"]}"' in response.text
    page = client.get(f"/plan/items/{saved['id']}")
    assert page.status_code == 200
    assert "1 character over the limit" in page.text


def test_linkedin_accepts_3000_characters(client: TestClient, executive: User,
                                          database: Database) -> None:
    save_message(client)
    assert add_item(client, 2, network="linkedin", draft="d" * 3000).status_code == 303
    assert add_item(client, 3, network="linkedin", draft="d" * 3001).status_code == 422
    assert sorted(len(i["draft"]) for i in stored_items(database, executive)) == [3000, 3001]


def test_edit_replaces_the_item_in_place(client: TestClient, executive: User,
                                         database: Database) -> None:
    fill_plan(client, days=(1, 2, 3))
    item_id = item_id_on(database, executive, 2)
    page = client.get(f"/plan/items/{item_id}")
    assert page.status_code == 200
    assert ">Draft for day 2.</textarea>" in page.text
    response = post(client, f"/plan/items/{item_id}",
                    item_form(40, network="threads", draft="Rewritten.", status="scheduled"))
    assert response.status_code == 303
    items = stored_items(database, executive)
    assert len(items) == 3
    edited = next(i for i in items if i["id"] == item_id)
    assert (edited["date"], edited["network"], edited["draft"], edited["status"]) == (
        day(40), "threads", "Rewritten.", "scheduled")
    assert not any(i["date"] == day(2) for i in items)


def test_edit_with_a_structural_error_changes_nothing(client: TestClient, executive: User,
                                                     database: Database) -> None:
    fill_plan(client, days=(1,))
    before = stored_items(database, executive)
    item_id = before[0]["id"]
    response = post(client, f"/plan/items/{item_id}", item_form(120, draft="Typed again"))
    assert response.status_code == 422
    assert ">Typed again</textarea>" in response.text
    assert stored_items(database, executive) == before


@pytest.mark.parametrize("item_id", ["0badc0de", "nothere", "../plan"])
def test_unknown_item_is_not_found(client: TestClient, executive: User, item_id: str) -> None:
    fill_plan(client, days=(1,))
    assert client.get(f"/plan/items/{item_id}").status_code == 404
    assert post(client, f"/plan/items/{item_id}", item_form(2)).status_code == 404
    assert post(client, f"/plan/items/{item_id}/delete").status_code == 404


def test_delete_an_item(client: TestClient, executive: User, database: Database) -> None:
    fill_plan(client, days=(1, 2))
    item_id = item_id_on(database, executive, 1)
    response = post(client, f"/plan/items/{item_id}/delete")
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?view=list&notice=item-deleted"
    assert [i["date"] for i in stored_items(database, executive)] == [day(2)]
    assert client.get(f"/plan/items/{item_id}").status_code == 404
    assert post(client, f"/plan/items/{item_id}/delete").status_code == 404


def test_a_plan_holds_at_most_60_items(client: TestClient, executive: User,
                                       database: Database) -> None:
    save_message(client)
    token = csrf_from(client, "/plan")
    for n in range(plan.MAX_ITEMS):
        response = client.post("/plan/items", data={"csrf_token": token,
                                                    **item_form(n % plan.DAYS)})
        assert response.status_code == 303, n
    response = add_item(client, 5, draft="One too many")
    assert response.status_code == 422
    assert f"A plan holds at most {plan.MAX_ITEMS} items." in response.text
    assert ">One too many</textarea>" in response.text
    assert len(stored_items(database, executive)) == plan.MAX_ITEMS
    # Editing one of the 60 is still allowed.
    item_id = stored_items(database, executive)[0]["id"]
    assert post(client, f"/plan/items/{item_id}", item_form(7)).status_code == 303
    assert len(stored_items(database, executive)) == plan.MAX_ITEMS


# --- coverage, calendar and list ----------------------------------------------------------

def test_coverage_counts_per_source_and_network(client: TestClient, executive: User) -> None:
    save_message(client)
    add_item(client, 1, source="news-story", network="linkedin")
    add_item(client, 2, source="news-story", network="x")
    add_item(client, 3, source="employee-example", network="linkedin")
    add_item(client, 4, source="other", source_other="Board memo", network="threads")
    page = client.get("/plan").text
    sources = counts(page, "coverage-sources")
    assert sources == dict.fromkeys(plan.SOURCE_LABELS.values(), 0) | {
        "News story": 2, "Employee example": 1, "Other": 1}
    networks = counts(page, "coverage-networks")
    assert networks == {n.label: 0 for n in plan.NETWORKS} | {
        "LinkedIn": 2, "X": 1, "Threads": 1}
    assert "4 items planned; plan at least 6." in page


def test_gap_of_more_than_14_days_is_listed(client: TestClient, executive: User) -> None:
    fill_plan(client, days=(0, 30, 44, 58, 72, 86))
    page = client.get("/plan").text
    gaps = page[page.index('id="coverage-gaps"'):page.index('aria-labelledby="items-h"')]
    assert "30 days without an item" in gaps
    assert f'href="/plan/items/new?day={day(0)}"' in gaps
    assert gaps.count("<li>") == 1


def test_no_gaps_when_items_are_at_most_14_days_apart(client: TestClient,
                                                      executive: User) -> None:
    fill_plan(client, days=EVEN_DAYS)
    page = client.get("/plan").text
    assert 'id="coverage-gaps"' not in page
    assert "No gap of more than two weeks." in page


def test_an_empty_plan_is_one_long_gap(client: TestClient, executive: User) -> None:
    save_message(client)
    page = client.get("/plan").text
    assert 'id="coverage-gaps"' in page
    assert "89 days without an item" in page


def test_calendar_shows_items_on_their_days(client: TestClient, executive: User,
                                            database: Database) -> None:
    fill_plan(client, days=(3, 17))
    add_item(client, 17, network="x", format="poll")
    cells = calendar_cells(client.get("/plan").text)
    assert len(cells) == 13 * 7  # 90 days from a Monday fill 13 weeks
    first, second = item_id_on(database, executive, 3), item_id_on(database, executive, 17)
    for n, cell in enumerate(cells):
        links = re.findall(r'href="/plan/items/([0-9a-f]{8})"', cell)
        if n == 3:
            assert links == [first]
        elif n == 17:
            assert first not in links
            assert len(links) == 2
            assert second in links
            assert "X · Poll" in cell
        else:
            assert links == []
            if n < plan.DAYS:
                assert f'href="/plan/items/new?day={day(n)}"' in cell
            else:
                assert "calendar-outside" in cell.split(">", 1)[0]


def test_list_view_shows_drafts(client: TestClient, executive: User,
                                database: Database) -> None:
    fill_plan(client, days=(3, 9))
    page = client.get("/plan?view=list").text
    listing = section(page, "plan-list")
    assert "Draft for day 3." in listing
    assert "Draft for day 9." in listing
    assert listing.index("Draft for day 3.") < listing.index("Draft for day 9.")
    row = list_row(page, item_id_on(database, executive, 9))
    assert "Draft for day 9." in row
    assert "LinkedIn" in row
    assert "News story" in row


def test_list_view_flags_an_over_limit_draft(client: TestClient, executive: User,
                                             database: Database) -> None:
    save_message(client)
    add_item(client, 4, network="x", draft="e" * 300)
    page = client.get("/plan?view=list").text
    row = list_row(page, item_id_on(database, executive, 4))
    assert 'class="row-reject"' in page
    assert "20 characters over the limit" in row


# --- the live counter ---------------------------------------------------------------------

def count_draft(client: TestClient, network: str, draft: str) -> Any:
    token = csrf_from(client, "/plan/items/new")
    return client.post("/plan/items-counter", headers={"X-CSRF-Token": token,
                                                       "HX-Request": "true"},
                       data={"network": network, "draft": draft})


def test_counter_counts_against_the_network_limit(client: TestClient, executive: User) -> None:
    save_message(client)
    response = count_draft(client, "x", "See https://example.com/" + "a" * 100)
    assert response.status_code == 200
    assert "<html" not in response.text
    # only the counter's content: the element that listens for typing stays in the page
    assert 'id="count-draft"' in response.text and 'id="draft-counter"' not in response.text
    # "See " is 4 and a link is 23 whatever its length.
    assert "27 / 280" in response.text
    response = count_draft(client, "x", "f" * 281)
    assert "281 / 280" in response.text
    assert 'data-state="over"' in response.text
    response = count_draft(client, "linkedin", "f" * 281)
    assert "281 / 3,000" in response.text
    assert 'data-state="ok"' in response.text
    response = count_draft(client, "linkedin", "f" * 3001)
    assert "3,001 / 3,000" in response.text
    assert 'data-state="over"' in response.text


def test_counter_for_an_unknown_network_shows_nothing(client: TestClient,
                                                      executive: User) -> None:
    response = count_draft(client, "myspace", "hello")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "counter-figure" not in response.text


def test_counter_needs_the_csrf_token(client: TestClient, executive: User) -> None:
    response = client.post("/plan/items-counter", data={"network": "x", "draft": "hi"})
    assert response.status_code == 403


# --- exports ------------------------------------------------------------------------------

def test_ics_export(client: TestClient, executive: User, database: Database) -> None:
    fill_plan(client, days=(0, 5, 89))
    add_item(client, 5, network="x", status="scheduled")
    response = client.get("/plan/export.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["content-disposition"] == (
        'attachment; filename="podium-90-day-plan.ics"')
    assert response.headers["cache-control"] == "no-store"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    items = stored_items(database, executive)
    assert len(events) == len(items) == 4
    by_uid = {str(e["UID"]): e for e in events}
    for item in items:
        event = by_uid[f"{item['id']}@podium"]
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date)
        assert not isinstance(start, dt.datetime)
        assert start.isoformat() == item["date"]


def test_ics_export_of_an_empty_plan(client: TestClient, executive: User) -> None:
    response = client.get("/plan/export.ics")
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_csv_export(client: TestClient, executive: User) -> None:
    fill_plan(client, days=(1, 2))
    add_item(client, 3, draft='=HYPERLINK("http://evil")', source="other",
             source_other="@mention")
    response = client.get("/plan/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="podium-90-day-plan.csv"')
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == list(CSV_HEADER)
    assert len(rows) == 1 + 3
    assert rows[1] == [day(1), "LinkedIn", "Text post", "News story", "Idea", "Draft for day 1."]
    assert rows[3][-1] == '\'=HYPERLINK("http://evil")'
    assert rows[3][3] == "'@mention"


# --- hostile text -------------------------------------------------------------------------

def assert_escaped(html: str) -> None:
    assert RAW_SCRIPT not in html
    assert ESCAPED_SCRIPT in html
    assert "{{7*7}}" in html


def test_hostile_text_is_escaped_everywhere(client: TestClient, new_client: Callable[[], Any],
                                            make_user: Callable[..., User],
                                            executive: User, database: Database) -> None:
    assert save_message(client, initiative=HOSTILE, message=HOSTILE).status_code == 303
    for offset in EVEN_DAYS:
        response = add_item(client, offset, source="other", source_other=HOSTILE,
                            draft=HOSTILE)
        assert response.status_code == 303
    item_id = stored_items(database, executive)[0]["id"]

    for path in ("/plan", "/plan?view=calendar", "/plan?view=list", f"/plan/items/{item_id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_escaped(response.text)
    calendar = "".join(calendar_cells(client.get("/plan").text))
    assert ESCAPED_SCRIPT in calendar  # the source's own label, in the calendar
    listing = section(client.get("/plan?view=list").text, "plan-list")
    assert ESCAPED_SCRIPT in listing

    assert post(client, "/plan/submit").headers["location"] == "/plan?notice=submitted"
    add_item(client, 1, draft=HOSTILE + " changed")
    versions = client.get("/plan/versions/1")
    assert versions.status_code == 200
    assert_escaped(versions.text)

    trainer = make_user(Role.trainer)
    other = new_client()
    login(other, trainer.email)
    queue = other.get("/manage/reviews").text
    version_id = re.search(r'href="/manage/reviews/(\d+)"', queue).group(1)  # type: ignore[union-attr]
    review = other.get(f"/manage/reviews/{version_id}")
    assert review.status_code == 200
    assert_escaped(review.text)


def test_hostile_typed_values_are_escaped_when_shown_back(client: TestClient,
                                                          executive: User) -> None:
    save_message(client)
    response = add_item(client, 200, source="other", source_other=HOSTILE, draft=HOSTILE)
    assert response.status_code == 422
    assert_escaped(response.text)
    response = save_message(client, message=HOSTILE * 5)
    assert response.status_code == 422
    assert_escaped(response.text)


# --- access -------------------------------------------------------------------------------

PAGES = ("/plan", "/plan/items/new", "/plan/export.ics", "/plan/export.csv")


@pytest.mark.parametrize("role", [Role.trainer, Role.hr, Role.admin])
@pytest.mark.parametrize("path", PAGES)
def test_staff_cannot_use_the_planner(client: TestClient, login_as: Callable[[Role], User],
                                      role: Role, path: str) -> None:
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", [Role.trainer, Role.hr])
def test_staff_cannot_post_to_the_planner(client: TestClient, login_as: Callable[[Role], User],
                                          database: Database, role: Role) -> None:
    login_as(role)
    assert post(client, "/plan/message", {"initiative": "x", "message": "y",
                                          "starts_on": START.isoformat()}).status_code == 403
    assert post(client, "/plan/items", item_form(1)).status_code == 403
    with database.session() as session:
        assert session.exec(select(Workbook)).all() == []


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    response = client.get(path, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_an_executive_cannot_touch_another_executives_items(
        client: TestClient, new_client: Callable[[], TestClient],
        make_user: Callable[..., User], executive: User, database: Database) -> None:
    fill_plan(client, days=(1, 2))
    theirs = item_id_on(database, executive, 1)
    before = stored(database, executive)

    intruder = make_user(Role.executive)
    other = new_client()
    login(other, intruder.email)
    save_message(other, initiative="Mine")
    assert other.get(f"/plan/items/{theirs}").status_code == 404
    response = post(other, f"/plan/items/{theirs}", item_form(3, draft="Hijacked"))
    assert response.status_code == 404
    assert post(other, f"/plan/items/{theirs}/delete").status_code == 404
    assert "Draft for day 1." not in other.get("/plan?view=list").text
    assert "Hijacked" not in other.get("/plan?view=list").text

    assert stored(database, executive) == before
    assert stored(database, intruder)[0].get("items", []) == []
