from __future__ import annotations

import re

from sqlmodel import select

from app.admin import service
from app.models import AuditEntry, Cohort, Role, User
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


def _result(client, response):  # type: ignore[no-untyped-def]
    """The page an import redirects to (a GET: refreshing it imports nothing again)."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/admin/users/import/results/\d+", location)
    page = client.get(location)
    assert page.status_code == 200
    return page


def _emails(database) -> list[str]:
    with database.session() as s:
        return sorted(s.exec(select(User.email).where(User.role != Role.admin)).all())


def test_clean_file_imports_at_once_with_a_report(client, login_as, database):
    login_as(Role.admin)
    response = _result(client, _upload(client, GOOD))
    assert ("Import finished: 3 accounts created, 0 updated, 0 unchanged."
            in response.text)
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

    posted = client.post("/admin/users/import", data={
        "csrf_token": token, "text": html.unescape(hidden.group(1)), "confirm": "valid-only"})
    response = _result(client, posted)
    text = response.text
    assert _emails(database) == ["ceo@acme.example", "cmo@acme.example"]
    # the outcome, not the stale preview ("2 to create … 3 rejected")
    assert "to create" not in text and "Check before importing" not in text
    assert "Nothing has been imported." not in text
    assert ("Import finished: 2 accounts created, 0 updated, 0 unchanged; 3 rows were "
            "rejected and not imported.") in text
    created = re.findall(r'<tr class="row-created"><td><a href="/admin/users/(\d+)">([^<]+)</a>'
                         r'</td><td>([^<]*)</td>', text)
    assert [(email, name) for _, email, name in created] == [
        ("ceo@acme.example", "Chris Chief"), ("cmo@acme.example", "Mo Marketing")]
    rejected = re.findall(r"<li>(Line \d+[^<]*)</li>", text)
    rejected = [html.unescape(r) for r in rejected]
    assert len(rejected) == 3
    assert rejected[0].startswith("Line 3, not-an-email: Not a valid email address")
    assert rejected[1].startswith("Line 4, cto@acme.example: Unknown role 'wizard'")
    assert rejected[2] == "Line 5, ceo@acme.example: Duplicate: the same email is on line 2."
    assert "Send 2 invitations" in text
    # a refresh shows the same outcome and imports nothing more
    again = client.get(posted.headers["location"])
    assert again.status_code == 200 and "2 accounts created" in again.text
    assert _emails(database) == ["ceo@acme.example", "cmo@acme.example"]
    with database.session() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "users.imported")).one()
        assert '"created": 2' in entry.details and '"rejected": 3' in entry.details
    audit = client.get("/admin/audit")
    assert "Users imported from CSV" in audit.text


def test_import_results_are_for_admins_and_only_for_imports(client, login_as, new_client,
                                                            make_user, database):
    login_as(Role.admin)
    location = _upload(client, GOOD).headers["location"]
    entry_id = int(location.rsplit("/", 1)[1])
    with database.session() as s:
        other = s.exec(select(AuditEntry.id).where(AuditEntry.action == "account.created")
                       ).first()
    assert client.get(f"/admin/users/import/results/{other}").status_code == 404
    assert client.get(f"/admin/users/import/results/{entry_id + 1000}").status_code == 404
    trainer = new_client()
    from tests.conftest import login

    login(trainer, make_user(Role.trainer).email)
    assert trainer.get(location).status_code == 403


def test_reimport_updates_existing_accounts(client, login_as, make_user, database):
    login_as(Role.admin)
    existing = make_user(Role.executive, email="ceo@acme.example", full_name="Old Name",
                         department="Old")
    response = _result(client, _upload(client, GOOD))
    assert "2 accounts created, 1 updated, 0 unchanged." in response.text
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
    response = _result(client, _upload(client, text))
    assert "Import finished: 1 account created," in response.text
    with database.session() as s:
        assert service.get_user_by_email(s, "semi@acme.example").role == Role.hr


def test_hostile_cells_are_escaped_in_the_report(client, login_as):
    login_as(Role.admin)
    response = _upload(client, "email,full name,role\n<b>x,<script>alert(1)</script>,admin\n")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
