"""Input that used to end in a server error now gets an answer: NUL and other control
characters (PostgreSQL cannot store NUL), names equal but for case outside ASCII."""

from __future__ import annotations

from sqlmodel import select

from app.models import Cohort, Role, User
from app.security.inputs import clean_text, clean_urlencoded
from tests.conftest import PASSWORD, csrf_from, form_post


def test_the_rule():
    assert clean_text("A\x00B\x07C\x1b[31m\x7fD\tE\nF\r") == "ABC[31mD\tE\nF\r"
    assert clean_urlencoded(b"q=caf%C3%A9&x=1") == b"q=caf%C3%A9&x=1"  # untouched
    assert clean_urlencoded(b"q=A%00B&%01k=v%0A") == b"q=AB&k=v%0A"


def test_nul_in_the_login_email_is_a_failed_sign_in(client, make_user):
    user = make_user(Role.executive, email="known@acme.example")
    response = client.post("/login", data={"csrf_token": csrf_from(client),
                                           "email": "known@acme.example\x00",
                                           "password": PASSWORD, "next": "/"})
    # the NUL is dropped before anything reads the form: the address is the user's
    assert response.status_code == 303
    assert user.email == "known@acme.example"
    stranger = client.post("/login", data={"csrf_token": csrf_from(client),
                                           "email": "\x00\x01", "password": "x"})
    assert stranger.status_code in (303, 400)


def test_certificates_with_nul_are_not_found(client):
    assert client.get("/certificates/A%00B").status_code == 404
    response = client.get("/certificates?code=A%00B")
    assert response.status_code in (200, 404)
    assert "Something went wrong" not in response.text


def test_a_path_with_a_control_character_names_no_page(client, login_as):
    login_as(Role.admin)
    for path in ("/admin/users/1%00", "/admin%0A/users", "/%7F"):
        response = client.get(path)
        assert response.status_code == 404, path


def test_admin_text_with_nul_is_stored_without_it(client, login_as, database):
    login_as(Role.admin)
    response = form_post(client, "/admin/users/new", {
        "email": "ne\x00w@acme.example", "full_name": "Ada\x00 Lovelace\x07",
        "role": "executive", "department": "Fin\x00ance", "password": PASSWORD},
        page="/admin/users/new")
    assert response.status_code == 303
    with database.session() as s:
        user = s.exec(select(User).where(User.email == "new@acme.example")).one()
        assert (user.full_name, user.department) == ("Ada Lovelace", "Finance")
    assert client.get("/admin/users?q=Ada%00").status_code == 200
    created = form_post(client, "/admin/cohorts", {"name": "Nord\x00"}, page="/admin/cohorts")
    assert created.status_code == 303
    with database.session() as s:
        assert [c.name for c in s.exec(select(Cohort))] == ["Nord"]


def test_a_user_agent_with_control_characters_is_stored_clean(client, make_user, database):
    from app.models import AuthSession

    user = make_user(Role.executive)
    response = client.post("/login", data={"csrf_token": csrf_from(client), "email": user.email,
                                           "password": PASSWORD, "next": "/"},
                           headers={"User-Agent": "Evil\x01Browser/1.0"})
    assert response.status_code == 303
    with database.session() as s:
        assert s.exec(select(AuthSession.user_agent)).one() == "EvilBrowser/1.0"


def test_cohorts_equal_but_for_case_outside_ascii_are_one(client, login_as, database):
    login_as(Role.admin)
    first = form_post(client, "/admin/cohorts", {"name": "Équipe Nord"}, page="/admin/cohorts")
    assert first.status_code == 303
    for twin in ("Équipe Nord", "équipe nord", "ÉQUIPE NORD", "E\u0301quipe Nord"):
        again = form_post(client, "/admin/cohorts", {"name": twin}, page="/admin/cohorts")
        assert again.status_code == 400, twin
        assert "A cohort with this name already exists." in again.text
        assert f'value="{twin}"' in again.text  # what was typed is kept
    with database.session() as s:
        assert [c.name for c in s.exec(select(Cohort))] == ["Équipe Nord"]


def test_names_that_fold_longer_than_their_key_column(client, login_as, database):
    """Folding lengthens some names ("ß" is "ss", "ﷺ" eighteen letters): a key past its
    column's 120 characters was a PostgreSQL error. Long keys end with a digest."""
    login_as(Role.admin)
    for name in ("ß" * 120, "\ufdfa" * 7):
        created = form_post(client, "/admin/cohorts", {"name": name}, page="/admin/cohorts")
        assert created.status_code == 303, name
    twin = form_post(client, "/admin/cohorts", {"name": "\u1e9e" * 120},  # capital ẞ
                     page="/admin/cohorts")
    assert twin.status_code == 400
    assert "A cohort with this name already exists." in twin.text
    other = form_post(client, "/admin/cohorts", {"name": "ß" * 119 + "x"},
                      page="/admin/cohorts")
    assert other.status_code == 303  # same first 87 letters of the key, another name
    with database.session() as s:
        keys = [c.name_key for c in s.exec(select(Cohort).order_by(Cohort.id))]
    assert [len(key) for key in keys] == [120, 120, 120]
    assert len(set(keys)) == 3


def test_days_beyond_the_calendar_are_a_message_not_an_overflow(client, login_as,
                                                                load_course):
    """"Up to and including 9999-12-31" was one day past the last date Python has: an
    OverflowError on HR's dashboard, the exports and the audit trail. Typed days are kept
    within 1900-2999, with a message next to the field."""
    from tests.courses_data import small_spec

    login_as(Role.admin)
    load_course(small_spec())
    message = "Enter a date between 1900-01-01 and 2999-12-31."
    for day in ("9999-12-31", "0001-01-01", "3000-01-01"):
        dashboard = client.get("/reports", params={"enrolled_to": day})
        assert dashboard.status_code == 400, day
        assert message in dashboard.text
        export = client.get("/reports/export.csv", params={"enrolled_from": day})
        assert export.status_code == 400, day
        audit = client.get("/admin/audit", params={"until": day})
        assert audit.status_code == 400, day
        assert message in audit.text
        token = csrf_from(client, "/manage/courses/pilot")
        enrol = client.post("/manage/courses/pilot/enrol",
                            data={"csrf_token": token, "emails": "", "due_date": day})
        assert enrol.status_code == 400, day
        assert message in enrol.text
    assert client.get("/reports", params={"enrolled_to": "2999-12-31"}).status_code == 200
    # only the ISO form: "20261204" and "2026-W49-5" are dates to Python, not to the page
    week = client.get("/admin/audit", params={"since": "2026-W49-5"})
    assert "Enter a date as YYYY-MM-DD." in week.text
