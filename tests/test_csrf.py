from __future__ import annotations

from sqlmodel import select

from app.models import Cohort, Role
from tests.conftest import CSRF_RE, PASSWORD, csrf_from, login


def test_login_without_token_is_refused(client, make_user):
    user = make_user()
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Reload the page and try again" in response.text
    assert client.cookies.get("podium_session") is None


def test_missing_token_changes_nothing(client, login_as, database):
    login_as(Role.admin)
    response = client.post("/admin/cohorts", data={"name": "Sneaky"})
    assert response.status_code == 403
    with database.session() as s:
        assert s.exec(select(Cohort)).all() == []


def test_token_of_another_session_is_refused(client, new_client, login_as, make_user, database):
    login_as(Role.admin)
    other = new_client()
    login(other, make_user(Role.admin).email)
    foreign_token = csrf_from(other, "/admin/cohorts")
    response = client.post("/admin/cohorts", data={"name": "Sneaky", "csrf_token": foreign_token})
    assert response.status_code == 403
    with database.session() as s:
        assert s.exec(select(Cohort)).all() == []


def test_header_token_works_for_htmx_requests(client, login_as, database):
    login_as(Role.admin)
    token = csrf_from(client, "/admin/cohorts")
    response = client.post("/admin/cohorts", data={"name": "Via HTMX"},
                           headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/admin/cohorts")
    with database.session() as s:
        assert [c.name for c in s.exec(select(Cohort)).all()] == ["Via HTMX"]


def test_page_exposes_token_to_htmx_in_hx_headers(client, login_as):
    login_as(Role.admin)
    page = client.get("/admin/users").text
    # the token is masked afresh for each page: the form's and HTMX's are the same on a page
    token = CSRF_RE.search(page).group(1)  # type: ignore[union-attr]
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page


def test_token_changes_with_the_session(client, make_user):
    before = csrf_from(client, "/login")
    login(client, make_user().email)
    after = csrf_from(client, "/account")
    assert before != after
