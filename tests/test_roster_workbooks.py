"""The trainer's course roster shows each executive's persona and plan status (never
their text)."""

from __future__ import annotations

from app.models import Role
from app.workbooks import service as workbooks
from tests.conftest import login
from tests.courses_data import small_spec


def test_roster_shows_persona_and_plan_status(client, make_user, load_course, enrol,
                                              database):  # type: ignore[no-untyped-def]
    course = load_course(small_spec())
    drafting, submitted, idle = (make_user(Role.executive) for _ in range(3))
    for user in (drafting, submitted, idle):
        enrol(course, user)
    with database.session(write=True) as session:
        book = workbooks.open_for_update(session, user_id=drafting.id, kind="persona")
        workbooks.save_draft(session, workbook=book, data={"role": "<i>Secret CEO</i>"})
        book = workbooks.open_for_update(session, user_id=submitted.id, kind="plan")
        workbooks.save_draft(session, workbook=book, data={"initiative": "Hidden plan"})
        workbooks.submit(session, workbook=book)
    login(client, make_user(Role.trainer).email)
    page = client.get(f"/manage/courses/{course.slug}")
    assert page.status_code == 200
    rows = {user.id: page.text.split(user.email, 1)[1].split("</tr>", 1)[0]
            for user in (drafting, submitted, idle)}
    assert "In progress" in rows[drafting.id]
    assert "In review" in rows[submitted.id]
    assert rows[idle.id].count("Not started") == 2
    assert "Secret CEO" not in page.text and "Hidden plan" not in page.text
