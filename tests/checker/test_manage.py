"""Trainers keep phrases and customers/partners; HR and admins keep closed periods: each
change counts at once, bad input is answered next to the field, every change is audited,
and nobody else may touch them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from app.db import Database
from app.models import AuditEntry, CheckerPhrase, ClosedPeriod, Role, User
from tests.checker.conftest import post
from tests.conftest import login


def actions(database: Database) -> list[str]:
    with database.session() as session:
        return [action for action in session.exec(
            select(AuditEntry.action).order_by(col(AuditEntry.id)))
            if action.startswith(("checker.", "closed-period."))]


def phrase_id(database: Database, phrase: str) -> int:
    with database.session() as session:
        row = session.exec(select(CheckerPhrase).where(CheckerPhrase.phrase == phrase)).one()
        assert row.id is not None
        return row.id


def test_a_trainers_phrase_counts_at_once(new_client: Callable[[], TestClient],
                                          make_user: Callable[..., User],
                                          database: Database) -> None:
    trainer, executive = new_client(), new_client()
    login(trainer, make_user(Role.trainer).email)
    login(executive, make_user(Role.executive).email)

    def findings() -> str:
        return post(executive, "/check", {"draft": "Unser Projekt Falke startet.",
                                          "networks": ["linkedin"]}, htmx=True).text

    assert "Projekt Falke" not in findings()
    response = post(trainer, "/manage/checker/phrases", {
        "phrase": "projekt falke", "severity": "stop", "explanation": "Code name.",
        "lesson_slug": "when-a-post-goes-wrong", "section": ""})
    assert response.status_code == 303
    assert 'data-severity="stop"' in findings() and "“projekt falke”: Code name." in findings()

    pid = phrase_id(database, "projekt falke")
    page = trainer.get(f"/manage/checker/phrases/{pid}")
    assert page.status_code == 200 and 'value="projekt falke"' in page.text
    response = post(trainer, f"/manage/checker/phrases/{pid}", {
        "phrase": "Projekt Falke", "severity": "info", "explanation": "Now public."})
    assert response.status_code == 303
    assert 'data-severity="info"' in findings() and "Now public." in findings()

    assert post(trainer, f"/manage/checker/phrases/{pid}/delete").status_code == 303
    assert "Projekt Falke" not in findings()
    assert actions(database) == ["checker.phrase-saved", "checker.phrase-saved",
                                 "checker.phrase-deleted"]


def test_organisations(client: TestClient, login_as: Callable[[Role], User],
                       database: Database) -> None:
    login_as(Role.trainer)
    assert post(client, "/manage/checker/organisations",
                {"name": "Contoso", "kind": "partner"}).status_code == 303
    page = client.get("/manage/checker")
    assert "Contoso" in page.text
    response = post(client, "/manage/checker/organisations", {"name": "CONTOSO",
                                                              "kind": "customer"})
    assert response.status_code == 422 and "“Contoso” is on the list already." in response.text
    response = post(client, "/manage/checker/organisations", {"name": "Globex", "kind": "x"})
    assert response.status_code == 422 and "Choose customer or partner." in response.text
    assert 'value="Globex"' in response.text  # kept as typed
    assert "checker.organisation-added" in actions(database)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"phrase": "", "severity": "stop"}, "phrase", "Enter the phrase to look for"),
    ({"phrase": "x" * 201, "severity": "stop"}, "phrase", "Keep the phrase to 200"),
    ({"phrase": "Falke", "severity": "fatal"}, "severity", "Choose info, caution or stop."),
    ({"phrase": "Falke", "severity": "info", "lesson_slug": "nope"}, "lesson_slug",
     "Choose a lesson from the list."),
    ({"phrase": "Falke", "severity": "info", "explanation": "e" * 501}, "explanation",
     "Keep the explanation to 500"),
])
def test_bad_phrases(client: TestClient, login_as: Callable[[Role], User],
                     data: dict[str, str], field: str, message: str) -> None:
    login_as(Role.trainer)
    response = post(client, "/manage/checker/phrases", data)
    assert response.status_code == 422
    assert f'id="f-{field}-error">{message}' in response.text


def test_duplicate_phrase_in_another_case(client: TestClient, login_as: Callable[[Role], User],
                                          database: Database) -> None:
    login_as(Role.trainer)
    assert post(client, "/manage/checker/phrases",
                {"phrase": "Straße", "severity": "info"}).status_code == 303
    response = post(client, "/manage/checker/phrases", {"phrase": "STRASSE", "severity": "stop"})
    assert response.status_code == 422 and "“Straße” is on the list already." in response.text
    # a phrase may be saved again as itself
    pid = phrase_id(database, "Straße")
    assert post(client, f"/manage/checker/phrases/{pid}",
                {"phrase": "Straße", "severity": "stop"}).status_code == 303


def test_closed_periods(client: TestClient, login_as: Callable[[Role], User],
                        database: Database) -> None:
    login_as(Role.hr)
    response = post(client, "/manage/closed-periods", {
        "label": "Q4 results", "starts_on": "2027-01-10", "ends_on": "2027-01-31"})
    assert response.status_code == 303
    page = client.get("/manage/closed-periods")
    assert "Q4 results" in page.text
    with database.session() as session:
        period = session.exec(select(ClosedPeriod)).one()
    response = post(client, f"/manage/closed-periods/{period.id}", {
        "label": "Q4 results (moved)", "starts_on": "2027-01-12", "ends_on": "2027-01-12"})
    assert response.status_code == 303  # one day is a period
    assert post(client, f"/manage/closed-periods/{period.id}/delete").status_code == 303
    assert actions(database) == ["closed-period.saved", "closed-period.saved",
                                 "closed-period.deleted"]
    assert client.get(f"/manage/closed-periods/{period.id}").status_code == 404


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"label": "Q4", "starts_on": "2027-01-31", "ends_on": "2027-01-10"}, "ends_on",
     "The last day is before the first day."),
    ({"label": "", "starts_on": "2027-01-10", "ends_on": "2027-01-31"}, "label",
     "Name the period"),
    ({"label": "Q4", "starts_on": "31/01/2027", "ends_on": "2027-01-31"}, "starts_on",
     "Enter a date as YYYY-MM-DD."),
    ({"label": "Q4", "starts_on": "2027-01-10", "ends_on": "2027-02-30"}, "ends_on",
     "Enter a date as YYYY-MM-DD."),
    ({"label": "Q4", "starts_on": "2027-01-10", "ends_on": "2029-01-10"}, "ends_on",
     "A closed period lasts at most a year."),
])
def test_bad_periods(client: TestClient, login_as: Callable[[Role], User], database: Database,
                     data: dict[str, str], field: str, message: str) -> None:
    login_as(Role.admin)
    response = post(client, "/manage/closed-periods", data)
    assert response.status_code == 422
    assert f'id="f-{field}-error">{message}' in response.text
    assert f'value="{data["starts_on"]}"' in response.text  # kept as typed
    with database.session() as session:
        assert session.exec(select(ClosedPeriod)).all() == []


@pytest.mark.parametrize(("role", "lists", "periods"), [
    (Role.executive, 403, 403), (Role.trainer, 200, 403), (Role.hr, 403, 200),
    (Role.admin, 200, 200),
])
def test_who_may_keep_what(client: TestClient, login_as: Callable[[Role], User], role: Role,
                           lists: int, periods: int) -> None:
    login_as(role)
    assert client.get("/manage/checker").status_code == lists
    assert client.get("/manage/closed-periods").status_code == periods
    phrase = post(client, "/manage/checker/phrases", {"phrase": "Falke", "severity": "stop"})
    assert phrase.status_code == (303 if lists == 200 else 403)
    period = post(client, "/manage/closed-periods", {
        "label": "Q4", "starts_on": "2027-01-10", "ends_on": "2027-01-31"})
    assert period.status_code == (303 if periods == 200 else 403)


def test_unknown_ids_are_404(client: TestClient, login_as: Callable[[Role], User]) -> None:
    login_as(Role.admin)
    assert client.get("/manage/checker/phrases/999").status_code == 404
    assert post(client, "/manage/checker/phrases/999/delete").status_code == 404
    assert post(client, "/manage/checker/organisations/999/delete").status_code == 404
    assert client.get("/manage/closed-periods/999").status_code == 404
    assert client.get("/manage/checker/phrases/99999999999").status_code == 404


def test_csrf_is_required(client: TestClient, login_as: Callable[[Role], User]) -> None:
    login_as(Role.trainer)
    response = client.post("/manage/checker/phrases", data={"phrase": "x", "severity": "info"})
    assert response.status_code == 403
