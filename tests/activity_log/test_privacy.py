"""Who sees whose log: trainers only the executives they coach (404 otherwise), HR only
aggregates on its page and in its export, never a person's numbers or name."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl

from app.models import Role
from app.reports.activity import EXPORT_HEADERS
from tests.activity_log import dataset
from tests.activity_log.conftest import add_entry, monday, reviewed_by
from tests.conftest import login
from tests.courses_data import small_spec


def test_a_trainer_sees_the_logs_of_the_executives_they_coach_only(
        client, make_user, database):
    trainer = make_user(Role.trainer)
    reviewed, classmate, stranger = (make_user(Role.executive, full_name=name) for name in
                                     ("Rita Reviewed", "Cora Cohort", "Sam Stranger"))
    reviewed_by(database, reviewed, trainer)
    from app.admin import service as admin_service
    with database.session(write=True) as s:
        cohort = admin_service.create_cohort(s, name="Spring")
        for person in (trainer, classmate):
            admin_service.add_user_to_cohorts(s, user=person, cohort_ids=[cohort.id])
    add_entry(database, reviewed, monday(1), comments=17, ssi_total=63.0)
    add_entry(database, stranger, monday(1), comments=23)
    login(client, trainer.email)

    listing = client.get("/manage/activity")
    assert listing.status_code == 200
    assert "Rita Reviewed" in listing.text
    assert "Cora Cohort" in listing.text
    assert "Sam Stranger" not in listing.text

    page = client.get(f"/manage/activity/{reviewed.id}")
    assert page.status_code == 200
    assert "Rita Reviewed: activity log" in page.text
    assert re.search(r"<td class=\"num\">17</td>", page.text)
    assert re.search(r'id="fig-ssi">63<', page.text)
    assert 'id="entry-form"' not in page.text  # read-only
    assert client.get(f"/manage/activity/{classmate.id}").status_code == 200
    assert client.get(f"/manage/activity/{stranger.id}").status_code == 404
    assert client.get(f"/manage/activity/{trainer.id}").status_code == 404  # not an executive
    assert client.get("/manage/activity/999999").status_code == 404


def test_another_trainer_does_not_see_what_they_do_not_coach(new_client, make_user,
                                                              database):
    coach, other = make_user(Role.trainer), make_user(Role.trainer)
    executive = make_user(Role.executive)
    reviewed_by(database, executive, coach)
    c = new_client()
    login(c, other.email)
    assert c.get(f"/manage/activity/{executive.id}").status_code == 404
    assert "Executive Person" not in c.get("/manage/activity").text


def test_executives_and_hr_cannot_open_a_coached_log(new_client, make_user, database):
    executive = make_user(Role.executive)
    for role in (Role.executive, Role.hr):
        c = new_client()
        login(c, make_user(role).email)
        assert c.get(f"/manage/activity/{executive.id}").status_code == 403
        assert c.get("/manage/activity").status_code == 403


def test_hr_sees_aggregates_and_never_a_person(client, make_user, database):
    data = dataset.build(database, make_user, dt.date.today())
    hr = make_user(Role.hr)
    login(client, hr.email)
    page = client.get("/reports/activity?weeks=4")
    assert page.status_code == 200
    text = page.text
    assert "Individual numbers are never shown here or in the export" in text
    north = re.search(r'<th scope="row">North</th>(.*?)</tr>', text, re.S)[1]
    cells = re.findall(r'<td class="num">([^<]*)', north)
    assert cells == ["4", "31%", "0.38", "0.12", "0", "0", "0", "60"]
    tiny = re.search(r'<th scope="row">Tiny</th>(.*?)</tr>', text, re.S)[1]
    assert "Not shown: fewer than 3 executives." in tiny
    assert re.search(r'id="fig-executives">7<', text)
    assert "Share of executives active per week</title>" in text
    assert "Active executive-weeks by cohort</title>" in text
    for user in data.users.values():
        assert user.full_name not in text
        assert user.email not in text
    assert client.get("/reports").status_code == 200
    assert 'href="/reports/activity"' in client.get("/reports").text
    assert client.get("/reports/activity?weeks=7").status_code == 200  # the default period
    assert client.get("/activity").status_code == 403


def test_only_hr_and_admins_see_the_aggregates(new_client, make_user):
    for role, status in ((Role.executive, 403), (Role.trainer, 403), (Role.admin, 200)):
        c = new_client()
        login(c, make_user(role).email)
        assert c.get("/reports/activity").status_code == status


def test_the_export_carries_cohort_aggregates_not_the_row_s_own_numbers(
        client, make_user, database, load_course, enrol):
    data = dataset.build(database, make_user, dt.date.today())
    course = load_course(small_spec())
    for key in ("A", "B", "E", "G"):
        enrol(course, data.users[key])
    login(client, make_user(Role.hr).email)

    response = client.get("/reports/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[-len(EXPORT_HEADERS):] == EXPORT_HEADERS
    by_email = {row[0]: row[-len(EXPORT_HEADERS):] for row in body}
    # A and B are both in North: the same cohort figures on both rows, whatever each did.
    # Over the export's 12 weeks: active weeks A 3 + B 2 + C 1 of 48 = 12.5%; posts per
    # week A 3/12, B 4/12, C 0, D 0 (median 0.125); comments A 6/12, B 100/12, C 1/12, D 0
    # (median 0.29); written with one decimal
    north = ["4", "12.5", "0.1", "0.3", "0", "0", "0", "60"]
    assert by_email["a@corp.example"] == north
    assert by_email["b@corp.example"] == north
    assert by_email["e@corp.example"] == [""] * 8  # Tiny: two executives, withheld
    assert by_email["g@corp.example"] == [""] * 8  # no cohort
    assert all(cell not in ("100", "8.3") for row in body for cell in row[-8:])  # B's own

    response = client.get("/reports/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    sheet_rows = [[c.value for c in row] for row in book["Completion"].iter_rows()]
    book.close()
    assert sheet_rows[0][-8:] == EXPORT_HEADERS
    xlsx = {row[0]: row[-8:] for row in sheet_rows[1:]}
    assert xlsx["a@corp.example"] == [4, 12.5, 0.1, 0.3, 0, 0, 0, 60]
    assert xlsx["e@corp.example"] == [None] * 8
