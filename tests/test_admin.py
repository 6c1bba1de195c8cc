from __future__ import annotations

from sqlmodel import select

from app.admin import service
from app.models import Cohort, CohortMember, Role, User
from tests.conftest import PASSWORD, form_post, login


def test_list_search_filter_and_page_users(client, login_as, make_user):
    login_as(Role.admin)
    for i in range(30):
        make_user(Role.executive, email=f"exec{i:02d}@acme.example", full_name=f"Exec {i:02d}",
                  department="Sales" if i % 2 else "Finance", password=None)
    make_user(Role.trainer, email="coach@acme.example", full_name="Zoe Coach")

    first = client.get("/admin/users")
    assert first.status_code == 200
    assert "32 users" in first.text
    assert "Page 1 of 2" in first.text
    second = client.get("/admin/users?page=2")
    assert "Page 2 of 2" in second.text
    assert "Zoe Coach" in second.text

    search = client.get("/admin/users?q=coach")
    assert "1 user<" in search.text and "Zoe Coach" in search.text
    assert "Exec 01" not in search.text
    sales = client.get("/admin/users?q=sales&role=executive")
    assert "15 users" in sales.text
    # the HTMX search gets only the results block
    fragment = client.get("/admin/users?q=coach", headers={"HX-Request": "true",
                                                           "HX-Target": "results"})
    assert "Zoe Coach" in fragment.text and "<html" not in fragment.text


def test_search_treats_wildcards_literally(client, login_as, make_user):
    login_as(Role.admin)
    make_user(full_name="Percent Person")
    response = client.get("/admin/users?q=%25")
    assert "0 users" in response.text


def test_create_user_and_sign_in(client, new_client, login_as, database):
    login_as(Role.admin)
    with database.session(write=True) as s:
        cohort = service.create_cohort(s, name="Q1")
    response = form_post(client, "/admin/users/new", {
        "email": "New.Person@Example.com", "full_name": "  New   Person ", "role": "trainer",
        "department": "Comms", "password": "initial password", "cohorts": [str(cohort.id)]})
    assert response.status_code == 303
    with database.session() as s:
        user = s.exec(select(User).where(User.email == "new.person@example.com")).one()
        assert (user.full_name, user.role, user.department) == ("New Person", Role.trainer, "Comms")
        assert service.user_cohort_ids(s, user.id) == [cohort.id]
    page = client.get(response.headers["location"])
    assert "The account was created." in page.text
    browser = new_client()
    login(browser, "new.person@example.com", "initial password")


def test_create_user_errors_keep_what_was_typed(client, login_as, make_user, database):
    login_as(Role.admin)
    make_user(email="taken@example.com")
    response = form_post(client, "/admin/users/new", {
        "email": "taken@example.com", "full_name": "", "role": "emperor",
        "department": "Strategy <b>", "password": "short"})
    assert response.status_code == 400
    text = response.text
    assert "Another account already uses this email." in text
    assert "Enter the person&#39;s full name." in text
    assert "Unknown role" in text
    assert "Use at least 8 characters." in text
    assert 'value="taken@example.com"' in text
    assert 'value="Strategy &lt;b&gt;"' in text  # kept, and escaped
    with database.session() as s:
        assert len(s.exec(select(User)).all()) == 2  # the admin and the existing user


def test_change_role_and_cohorts(client, login_as, make_user, database):
    login_as(Role.admin)
    user = make_user(Role.executive)
    with database.session(write=True) as s:
        a = service.create_cohort(s, name="A")
        b = service.create_cohort(s, name="B")
    response = form_post(client, f"/admin/users/{user.id}", {
        "email": user.email, "full_name": user.full_name, "role": "hr", "department": "People",
        "cohorts": [str(a.id), str(b.id)]})
    assert response.status_code == 303
    with database.session() as s:
        assert s.get(User, user.id).role == Role.hr
        assert sorted(service.user_cohort_ids(s, user.id)) == sorted([a.id, b.id])
    form_post(client, f"/admin/users/{user.id}", {
        "email": user.email, "full_name": user.full_name, "role": "hr", "department": "People",
        "cohorts": [str(b.id)]})
    with database.session() as s:
        assert service.user_cohort_ids(s, user.id) == [b.id]


def test_role_change_signs_the_user_out(client, new_client, login_as, make_user):
    login_as(Role.admin)
    user = make_user(Role.executive)
    browser = new_client()
    login(browser, user.email)
    form_post(client, f"/admin/users/{user.id}", {
        "email": user.email, "full_name": user.full_name, "role": "trainer", "department": ""})
    assert browser.get("/").status_code == 303


def test_last_admin_cannot_be_demoted_or_disable_self(client, login_as, database):
    admin = login_as(Role.admin)
    response = form_post(client, f"/admin/users/{admin.id}", {
        "email": admin.email, "full_name": admin.full_name, "role": "executive"})
    assert response.status_code == 400
    assert "only active admin" in response.text
    response = form_post(client, f"/admin/users/{admin.id}/active", {"active": "0"})
    assert response.status_code == 400
    assert "You cannot disable your own account." in response.text
    with database.session() as s:
        refreshed = s.get(User, admin.id)
        assert refreshed.role == Role.admin and refreshed.is_active


def test_disable_and_enable(client, login_as, make_user, database):
    login_as(Role.admin)
    user = make_user()
    assert form_post(client, f"/admin/users/{user.id}/active", {"active": "0"}).status_code == 303
    with database.session() as s:
        assert s.get(User, user.id).is_active is False
    assert "Disabled" in client.get("/admin/users").text
    assert form_post(client, f"/admin/users/{user.id}/active", {"active": "1"}).status_code == 303
    with database.session() as s:
        assert s.get(User, user.id).is_active is True


def test_reset_password_rejects_short_password(client, login_as, make_user):
    login_as(Role.admin)
    user = make_user()
    response = form_post(client, f"/admin/users/{user.id}/password", {"password": "abc"})
    assert response.status_code == 400
    assert "Use at least 8 characters." in response.text


def test_cohorts_create_edit_delete(client, login_as, make_user, database):
    login_as(Role.admin)
    response = form_post(client, "/admin/cohorts", {"name": "EMEA leadership 2027-Q1",
                                                    "start_date": "2027-01-11"})
    assert response.status_code == 303
    dup = form_post(client, "/admin/cohorts", {"name": "emea leadership 2027-q1"})
    assert dup.status_code == 400 and "already exists" in dup.text
    bad = form_post(client, "/admin/cohorts", {"name": "Other", "start_date": "next week"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text and 'value="Other"' in bad.text
    member = make_user()
    with database.session(write=True) as s:
        cohort = s.exec(select(Cohort)).one()
        service.add_user_to_cohorts(s, user=s.get(User, member.id), cohort_ids=[cohort.id])
    page = client.get("/admin/cohorts")
    assert "EMEA leadership 2027-Q1" in page.text and "11 Jan 2027" in page.text
    assert form_post(client, f"/admin/cohorts/{cohort.id}",
                     {"name": "Renamed", "start_date": ""}).status_code == 303
    assert member.full_name in client.get(f"/admin/cohorts/{cohort.id}").text
    assert form_post(client, f"/admin/cohorts/{cohort.id}/delete").status_code == 303
    with database.session() as s:
        assert s.exec(select(Cohort)).all() == []
        assert s.exec(select(CohortMember)).all() == []
        assert s.get(User, member.id) is not None


def test_user_text_is_escaped(client, login_as, make_user):
    login_as(Role.admin)
    make_user(full_name="<script>alert(1)</script>", department="{{ 7*7 }}")
    page = client.get("/admin/users").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and ">49<" not in page


def test_password_never_appears_in_pages(client, login_as):
    login_as(Role.admin)
    response = form_post(client, "/admin/users/new", {
        "email": "bad", "full_name": "X", "role": "executive", "password": "visible secret 1"})
    assert "visible secret 1" not in response.text
    assert PASSWORD not in response.text
