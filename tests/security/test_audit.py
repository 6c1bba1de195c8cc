"""The audit trail: what admins, trainers and the system did, to whom, kept as entries
that the app only ever adds; a page for admins with filters, and a CSV download."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from fastapi.routing import APIRoute
from sqlmodel import select

from app.models import AuditEntry, Role
from app.security import context
from tests.conftest import form_post


def _entries(database) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_admin_actions_are_recorded_with_who_and_from_where(client, login_as, make_user,
                                                            database):
    admin = login_as(Role.admin)
    person = make_user(Role.executive, full_name="Nia Okoro", email="nia@acme.example")
    before = len(_entries(database))
    form_post(client, f"/admin/users/{person.id}", {
        "email": person.email, "full_name": "Nia Okoro", "role": "hr", "department": "People"},
        page=f"/admin/users/{person.id}")
    form_post(client, f"/admin/users/{person.id}/active", {"active": "0"},
              page=f"/admin/users/{person.id}")
    form_post(client, "/admin/cohorts", {"name": "=HYPERLINK(1)"}, page="/admin/cohorts")
    entries = _entries(database)[before:]
    assert [e.action for e in entries] == ["account.updated", "account.role-changed",
                                          "account.disabled", "cohort.created"]
    assert all(e.actor_id == admin.id for e in entries)
    assert all(e.actor_label == f"{admin.full_name} <{admin.email}>" for e in entries)
    assert all(e.client == "testclient" and len(e.request_id) >= 16 for e in entries)
    assert entries[0].target_label == "Nia Okoro <nia@acme.example>"
    assert '"department": "Board → People"' in entries[0].details
    assert '"from": "executive", "to": "hr"' in entries[1].details


def test_the_page_filters_and_the_csv_matches(client, login_as, make_user, database):
    login_as(Role.admin)
    people = [make_user(Role.executive, full_name=f"Person {n}") for n in range(3)]
    for person in people:
        form_post(client, f"/admin/users/{person.id}/active", {"active": "0"},
                  page=f"/admin/users/{person.id}")
    form_post(client, "/admin/cohorts", {"name": "=HYPERLINK(1)"}, page="/admin/cohorts")
    page = client.get("/admin/audit", params={"action": "account.disabled"})
    assert page.status_code == 200
    assert "3 entries" in page.text and "Person 1" in page.text
    assert "HYPERLINK" not in page.text
    only_one = client.get("/admin/audit", params={"target": "Person 2",
                                                   "action": "account.disabled"})
    assert "1 entry" in only_one.text
    today = date.today()
    later = client.get("/admin/audit", params={"since": (today + timedelta(days=1)).isoformat()})
    assert "0 entries" in later.text and "No entries match these filters." in later.text
    bad = client.get("/admin/audit", params={"since": "2026-02-30", "action": "drop table"})
    assert bad.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in bad.text
    assert "Choose an action from the list." in bad.text
    assert 'value="2026-02-30"' in bad.text

    download = client.get("/admin/audit.csv", params={"action": "cohort.created"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Time (UTC)", "Actor", "Action"]
    assert [row[2] for row in rows[1:]] == ["Cohort created"]
    assert rows[1][5] == "'=HYPERLINK(1)"  # a formula is never run by a spreadsheet


def test_only_admins_read_it_and_nothing_changes_it(client, login_as, app):
    login_as(Role.hr)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    methods = {method for route in app.routes if isinstance(route, APIRoute)
               and route.path.startswith("/admin/audit") for method in route.methods}
    assert methods <= {"GET", "HEAD"}  # no way to edit or delete an entry


def test_enrolments_invitations_and_publishes_are_recorded(client, login_as, make_user,
                                                           database, settings, load_course):
    from tests.courses_data import small_spec

    admin = login_as(Role.admin)
    course = load_course(small_spec())
    person = make_user(Role.executive, password=None, full_name="Sam Lee")
    token = context.begin(context.RequestContext(user_id=admin.id, client="cli"))
    try:
        _act(database, settings, admin, person, course)
    finally:
        context.end(token)
    actions = [e.action for e in _entries(database) if e.action != "account.created"]
    assert actions == ["enrolment.created", "enrolment.due-date-changed", "invitation.sent",
                       "invitation.revoked", "enrolment.removed", "course.published"]
    changed = next(e for e in _entries(database) if e.action == "enrolment.due-date-changed")
    assert '"from": "2027-03-01", "to": "2027-04-01"' in changed.details
    published = _entries(database)[-1]
    assert published.target_label == "Pilot course" and '"message": "Retitled"' in published.details


def _act(database, settings, admin, person, course) -> None:  # type: ignore[no-untyped-def]
    """As the admin: enrol, move the due date, invite, revoke, unenrol, publish."""
    from app.authoring.publishing import record
    from app.enrolments.service import enrol_users, unenrol
    from app.invitations.service import invite, revoke
    from app.learning.progress import get_enrolment
    from app.models import User
    from tests.courses_data import small_spec

    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[s.get(User, person.id)], due_date=date(2027, 3, 1))
        enrol_users(s, course=course, users=[s.get(User, person.id)], due_date=date(2027, 4, 1))
        invite(s, settings, user=s.get(User, person.id), invited_by=s.get(User, admin.id))
        revoke(s, user=s.get(User, person.id))
        unenrol(s, enrolment=get_enrolment(s, user_id=person.id, course_id=course.id))
        spec = small_spec()
        spec.modules[0].lessons[0].title = "Hello again"
        record(s, spec, author=s.get(User, admin.id), message="Retitled")


def test_restores_and_report_downloads_are_recorded(client, login_as, make_user, database,
                                                    load_course):
    """A restore changes what trainers will publish; a download takes personal data out of
    the app: both say who, what and with which filters."""
    from tests.authoring.conftest import publish, save_lesson
    from tests.courses_data import small_spec

    course = load_course(small_spec())
    trainer = login_as(Role.trainer)
    assert save_lesson(client, "world", "Changed.").status_code == 303
    assert publish(client, "Changed").status_code == 303
    restored = form_post(client, f"/author/{course.slug}/lessons/world/restore",
                         {"revision": "1"}, page=f"/author/{course.slug}/lessons/world/history")
    assert restored.status_code == 303
    whole = form_post(client, f"/author/{course.slug}/restore", {"revision": "2"},
                      page=f"/author/{course.slug}/history")
    assert whole.status_code == 303
    entries = [e for e in _entries(database) if e.action == "course.restored"]
    assert [(e.actor_id, e.target_label) for e in entries] == [(trainer.id, "Pilot course")] * 2
    assert '"revision": 1, "lesson": "world"' in entries[0].details
    assert entries[1].details == '{"revision": 2}'

    hr = login_as(Role.hr)
    csv_download = client.get("/reports/export.csv", params={"course": course.slug,
                                                             "status": "completed"})
    assert csv_download.status_code == 200
    xlsx_download = client.get("/reports/export.xlsx")
    assert xlsx_download.status_code == 200
    refused = client.get("/reports/export.csv", params={"enrolled_from": "2026-02-30"})
    assert refused.status_code == 400  # nothing was downloaded: nothing recorded
    exported = [e for e in _entries(database) if e.action == "report.exported"]
    assert [(e.actor_id, e.target_id) for e in exported] == [(hr.id, "csv"), (hr.id, "xlsx")]
    assert '"course": "pilot"' in exported[0].details
    assert '"status": "completed"' in exported[0].details
    assert exported[1].target_label == "Completion report (XLSX), all courses"


def test_course_settings_changes_are_recorded_with_what_changed(client, login_as, database,
                                                                load_course):
    from tests.authoring.conftest import submit
    from tests.courses_data import small_spec

    course = load_course(small_spec())
    trainer = login_as(Role.trainer)
    page, action = f"/author/{course.slug}", f"/author/{course.slug}/settings"
    fields = {"title": "Pilot course", "summary": "A short course.", "audience": "Leaders",
              "estimated_hours": "2", "sequential": "on"}
    first = submit(client, page, action, fields)
    assert first.status_code == 303
    again = submit(client, page, action, fields)  # nothing changed: no entry
    assert again.status_code == 303
    refused = submit(client, page, action, {**fields, "title": ""})
    assert refused.status_code == 422  # refused: nothing changed, nothing recorded
    entries = [e for e in _entries(database) if e.action == "course.settings-changed"]
    assert len(entries) == 1
    assert entries[0].actor_id == trainer.id and entries[0].target_label == "Pilot course"
    details = json.loads(entries[0].details)
    assert details["audience"]["to"] == "Leaders"
    assert set(details) <= {"summary", "audience", "estimated_hours", "sequential"}


def test_the_page_is_paged_newest_first(client, login_as, database):
    from app.models import utcnow

    login_as(Role.admin)
    with database.session(write=True) as s:
        s.add_all([AuditEntry(at=utcnow(), actor_label="Podium (system)", action="cohort.created",
                              target_type="cohort", target_id=str(n), target_label=f"C{n}",
                              details="{}", client="", request_id="") for n in range(51)])
    first = client.get("/admin/audit", params={"action": "cohort.created"})
    assert "Page 1 of 2" in first.text
    assert 'href="/admin/audit?action=cohort.created&amp;page=2" rel="next">Older →' in first.text
    second = client.get("/admin/audit", params={"action": "cohort.created", "page": "2"})
    assert "Page 2 of 2" in second.text and 'rel="prev">← Newer' in second.text
