from __future__ import annotations

import re

from sqlmodel import select

from app.admin import service
from app.models import Cohort, Role, User
from tests.conftest import csrf_from

GOOD = (
    "email,full name,role,department,cohort\n"
    "ceo@acme.example,Chris Chief,executive,Board,EMEA 2027-Q1\n"
    "cfo@acme.example,Fran Finance,Executive,Finance,EMEA 2027-Q1;Finance leaders\n"
    "coach@acme.example,Cara Coach,trainer,Comms,\n"
)
BAD = (
    "email,full name,role,department,cohort\n"
    "ceo@acme.example,Chris Chief,executive,Board,EMEA 2027-Q1\n"
    "not-an-email,Bad Email,executive,Board,\n"
    "cto@acme.example,Tess Tech,wizard,IT,\n"
    "CEO@acme.example,Chris Again,executive,Board,\n"
    "cmo@acme.example,Mo Marketing,executive,Marketing,\n"
)


def _upload(client, text: str | bytes, name: str = "people.csv"):
    token = csrf_from(client, "/admin/users/import")
    data = text.encode() if isinstance(text, str) else text
    return client.post("/admin/users/import", data={"csrf_token": token},
                       files={"file": (name, data, "text/csv")})


def _emails(database) -> list[str]:
    with database.session() as s:
        return sorted(s.exec(select(User.email).where(User.role != Role.admin)).all())


def test_clean_file_imports_at_once_with_a_report(client, login_as, database):
    login_as(Role.admin)
    response = _upload(client, GOOD)
    assert response.status_code == 200
    assert "Imported 3 rows." in response.text
    assert _emails(database) == ["ceo@acme.example", "cfo@acme.example", "coach@acme.example"]
    with database.session() as s:
        cfo = service.get_user_by_email(s, "cfo@acme.example")
        assert cfo.role == Role.executive and cfo.department == "Finance"
        assert sorted(service.cohort_names_for(s, [cfo.id])[cfo.id]) == [
            "EMEA 2027-Q1", "Finance leaders"]
        assert cfo.password_hash is None
        assert len(s.exec(select(Cohort)).all()) == 2


def test_file_with_errors_imports_nothing_and_explains_each_row(client, login_as, database):
    login_as(Role.admin)
    response = _upload(client, BAD)
    assert response.status_code == 400
    text = response.text
    assert "Nothing has been imported." in text
    assert "Not a valid email address" in text
    assert "Unknown role &#39;wizard&#39;" in text
    assert "Duplicate: the same email is on line 2." in text
    assert "Import the 2 valid rows only" in text
    assert _emails(database) == []
    rows = re.findall(r'<tr class="row-(\w+)">\s*<td>(\d+)</td>', text)
    assert rows == [("create", "2"), ("reject", "3"), ("reject", "4"), ("reject", "5"),
                    ("create", "6")]


def test_admin_can_confirm_the_valid_rows(client, login_as, database):
    login_as(Role.admin)
    first = _upload(client, BAD)
    hidden = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', first.text, re.S)
    assert hidden
    token = csrf_from(client, "/admin/users/import")
    import html

    response = client.post("/admin/users/import", data={
        "csrf_token": token, "text": html.unescape(hidden.group(1)), "confirm": "valid-only"})
    assert response.status_code == 200
    assert "Imported 2 rows." in response.text
    assert _emails(database) == ["ceo@acme.example", "cmo@acme.example"]


def test_reimport_updates_existing_accounts(client, login_as, make_user, database):
    login_as(Role.admin)
    existing = make_user(Role.executive, email="ceo@acme.example", full_name="Old Name",
                         department="Old")
    response = _upload(client, GOOD)
    assert "Imported 3 rows." in response.text
    assert "name → Chris Chief" in response.text
    with database.session() as s:
        user = s.get(User, existing.id)
        assert (user.full_name, user.department) == ("Chris Chief", "Board")
        assert user.password_hash is not None  # the password is kept
    again = _upload(client, GOOD)
    assert again.text.count(">Unchanged<") == 3


def test_unreadable_files_are_refused_with_a_message(client, login_as, database):
    login_as(Role.admin)
    raw = "email,full name,role\nj\xf6rg@x.example,J\xf6rg,executive\n".encode("latin-1")
    latin1 = _upload(client, raw)
    assert latin1.status_code == 400 and "not UTF-8" in latin1.text
    no_columns = _upload(client, "mail,name\na@b.example,A\n")
    assert no_columns.status_code == 400 and "missing column(s) email, role" in no_columns.text
    empty = _upload(client, "")
    assert empty.status_code == 400
    assert _emails(database) == []


def test_semicolon_separated_files_and_bom_are_understood(client, login_as, database):
    login_as(Role.admin)
    text = "\ufeffEmail;Full name;Role;Department;Cohort\nsemi@acme.example;Semi Colon;hr;HR;\n"
    response = _upload(client, text)
    assert "Imported 1 row." in response.text
    with database.session() as s:
        assert service.get_user_by_email(s, "semi@acme.example").role == Role.hr


def test_hostile_cells_are_escaped_in_the_report(client, login_as):
    login_as(Role.admin)
    response = _upload(client, "email,full name,role\n<b>x,<script>alert(1)</script>,admin\n")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
