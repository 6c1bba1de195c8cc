"""The checks run next to the persona's core messages and each 90-day plan item's draft;
a plan item whose draft has a "Stop" finding is marked scheduled only once cleared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.models import Role, User
from tests.checker.conftest import add_phrase, post
from tests.conftest import login
from tests.planner.test_routes import item_form, save_message, stored_items

STOP_DRAFT = "Bald zeigen wir euch Projekt Falke."


@pytest.fixture
def executive(login_as: Callable[[Role], User], database: Database) -> User:
    add_phrase(database, "Projekt Falke", "stop", "Internal code name.")
    return login_as(Role.executive)


def test_stop_finding_needs_a_clearance_to_schedule(client: TestClient, executive: User,
                                                    database: Database) -> None:
    save_message(client)
    response = post(client, "/plan/items", item_form(3, draft=STOP_DRAFT, status="scheduled"))
    assert response.status_code == 422
    assert "This draft has a “Stop” finding" in response.text
    assert "“Projekt Falke”: Internal code name." in response.text  # shown next to the draft
    assert stored_items(database, executive) == []

    # ticked without a name: the name is asked for
    response = post(client, "/plan/items", item_form(3, draft=STOP_DRAFT, status="scheduled",
                                                     cleared="1", cleared_by=" "))
    assert response.status_code == 422
    assert "Say who you cleared it with" in response.text
    assert stored_items(database, executive) == []

    response = post(client, "/plan/items", item_form(
        3, draft=STOP_DRAFT, status="scheduled", cleared="1", cleared_by="Ana Lopez, Legal"))
    assert response.status_code == 303
    [item] = stored_items(database, executive)
    assert item["status"] == "scheduled" and item["cleared_by"] == "Ana Lopez, Legal"
    page = client.get(f"/plan/items/{item['id']}")
    assert 'value="Ana Lopez, Legal"' in page.text and "Internal code name." in page.text


def test_other_states_and_clean_drafts_are_never_blocked(client: TestClient, executive: User,
                                                         database: Database) -> None:
    save_message(client)
    assert post(client, "/plan/items",
                item_form(3, draft=STOP_DRAFT, status="drafted")).status_code == 303
    assert post(client, "/plan/items",
                item_form(4, draft="A clean post.", status="scheduled")).status_code == 303
    statuses = sorted(i["status"] for i in stored_items(database, executive))
    assert statuses == ["drafted", "scheduled"]
    # the drafted item shows its finding on its page, and asks for nothing
    item_id = next(i["id"] for i in stored_items(database, executive)
                   if i["status"] == "drafted")
    page = client.get(f"/plan/items/{item_id}")
    assert "Internal code name." in page.text and "This draft has a" not in page.text


def test_live_counter_brings_the_findings(client: TestClient, executive: User) -> None:
    save_message(client)
    response = post(client, "/plan/items-counter", {
        "network": "x", "draft": "Projekt Falke #a #b #c", "date": ""}, htmx=True)
    assert response.status_code == 200
    assert 'id="count-draft"' in response.text
    assert 'id="draft-findings"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "Internal code name." in response.text
    assert "at most 2 on X" in response.text


def test_persona_core_messages_are_checked(client: TestClient, executive: User) -> None:
    messages = {"core_messages-1": "Every depot we electrify takes vans off the road.",
                "core_messages-2": "Wir erwarten ein Rekordquartal mit Projekt Falke.",
                "core_messages-3": "Our drivers know the city best."}
    response = post(client, "/persona/steps/messages", {**messages, "action": "save"})
    assert response.status_code == 200
    page = client.get("/persona/steps/messages")
    findings = page.text[page.text.index('id="message-findings"'):]
    assert "Core message 2" in findings and "Core message 1" not in findings
    assert "“Projekt Falke”: Internal code name." in findings
    assert "reads as a statement about future results" in findings
    # the autosave answers with the findings out of band
    autosaved = post(client, "/persona/steps/messages/autosave", {
        **messages, "core_messages-2": "Nothing to flag."}, htmx=True)
    assert autosaved.status_code == 200
    assert 'id="message-findings" aria-live="polite" hx-swap-oob="true"' in autosaved.text
    assert "Core message 2" not in autosaved.text


def test_an_existing_item_is_scheduled_only_once_cleared(client: TestClient, executive: User,
                                                         database: Database) -> None:
    save_message(client)
    assert post(client, "/plan/items",
                item_form(3, draft=STOP_DRAFT, status="idea")).status_code == 303
    [item] = stored_items(database, executive)
    path = f"/plan/items/{item['id']}"
    response = post(client, path, item_form(3, draft=STOP_DRAFT, status="scheduled"))
    assert response.status_code == 422 and "This draft has a “Stop” finding" in response.text
    assert stored_items(database, executive)[0]["status"] == "idea"  # unchanged
    response = post(client, path, item_form(3, draft=STOP_DRAFT, status="scheduled",
                                            cleared="1", cleared_by="Legal team"))
    assert response.status_code == 303
    assert stored_items(database, executive)[0]["status"] == "scheduled"


def test_another_executives_item_is_not_found(client: TestClient, executive: User,
                                              make_user: Callable[..., User],
                                              new_client: Callable[[], TestClient],
                                              database: Database) -> None:
    save_message(client)
    assert post(client, "/plan/items",
                item_form(3, draft=STOP_DRAFT, status="drafted")).status_code == 303
    item_id = stored_items(database, executive)[0]["id"]
    other = new_client()
    login(other, make_user(Role.executive).email)
    assert other.get(f"/plan/items/{item_id}").status_code == 404
    assert post(other, f"/plan/items/{item_id}", item_form(
        3, draft=STOP_DRAFT, status="scheduled", cleared="1",
        cleared_by="Me")).status_code == 404
