"""The executive's own log: recording and editing a week, messages next to the fields
with what was typed kept, the plan's published items counted for them, and the page's
charts with the numbers as a table."""

from __future__ import annotations

import re

from sqlmodel import select

from app.models import ActivityEntry, Role
from tests.activity_log.conftest import give_plan, label, monday, plan_item
from tests.conftest import form_post

PAGE = "/activity"


def _entries(database, user=None):
    with database.session() as s:
        query = select(ActivityEntry)
        if user is not None:
            query = query.where(ActivityEntry.user_id == user.id)
        return list(s.exec(query.order_by(ActivityEntry.week_start)).all())


def _save(client, **values):
    return form_post(client, PAGE, values, page=PAGE)


def _row(page: str, week: str) -> list[str]:
    """The cells of the table row of ``week``, as text."""
    match = re.search(rf'<tr id="week-{week}">(.*?)</tr>', page, re.S)
    assert match, week
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.S)]


def test_an_executive_records_a_week_and_edits_it(client, login_as, database):
    user = login_as(Role.executive)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Your trainer sees your log; HR sees only cohort and department aggregates, " \
           "never your numbers" in page.text
    assert f'value="{label()}"' in page.text  # this week by default

    response = _save(client, week=label(1), posts_linkedin="2", posts_x="1", comments="5",
                     connections="12", conversations="2", opportunities="1", ssi_total="61.5")
    assert response.status_code == 303
    assert response.headers["location"] == f"/activity?week={label(1)}&notice=activity-saved"
    [entry] = _entries(database, user)
    assert (entry.week_start, entry.posts_linkedin, entry.posts_x, entry.posts_other,
            entry.comments, entry.connections, entry.conversations, entry.opportunities,
            entry.ssi_total) == (monday(1), 2, 1, 0, 5, 12, 2, 1, 61.5)

    page = client.get(response.headers["location"]).text
    assert "Your week was saved." in page
    assert 'name="comments" type="text" inputmode="numeric" value="5"' in page
    assert _row(page, label(1)) == ["Week of " + _day_month(monday(1)), "0", "0", "3", "5",
                                    "12", "2", "1", "61.5", "Yes"]

    # the same week again replaces it: one entry per executive and week
    assert _save(client, week=label(1), posts_linkedin="4").status_code == 303
    [entry] = _entries(database, user)
    assert (entry.posts_linkedin, entry.posts_x, entry.comments, entry.ssi_total) == \
        (4, 0, 0, None)


def _day_month(day) -> str:
    from app.content import moments
    return moments.day_month(day)


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(client, login_as,
                                                                    database):
    login_as(Role.executive)
    response = _save(client, week=label(2), posts_linkedin="-2", comments="lots",
                     posts_x="900", ssi_total="140", ssi_brand="30", connections="8")
    assert response.status_code == 422
    page = response.text
    assert _entries(database) == []
    for field, message in (("posts_linkedin", "Enter 0 or more."),
                           ("comments", "Enter a whole number"),
                           ("posts_x", "900 in one week looks like a typing mistake"),
                           ("ssi_total", "LinkedIn shows this as a number from 0 to 100."),
                           ("ssi_brand", "from 0 to 25")):
        assert re.search(rf'<p class="field-error" id="f-{field}-error">[^<]*{message}', page)
    for field, typed in (("posts_linkedin", "-2"), ("comments", "lots"), ("posts_x", "900"),
                         ("connections", "8"), ("ssi_total", "140")):
        assert re.search(rf'name="{field}" [^>]*value="{typed}"', page), field
    assert '<details class="activity-ssi" id="ssi" open>' in page

    future = _save(client, week=label(-1), comments="1")
    assert future.status_code == 422
    assert "This week has not started yet" in future.text
    old = _save(client, week=label(60), comments="1")
    assert "last twelve months" in old.text
    assert f'value="{label(60)}"' in old.text
    mismatch = _save(client, week=label(0), ssi_total="90", ssi_brand="10", ssi_people="10",
                     ssi_insights="10", ssi_relationships="10")
    assert "add up to 40, but the total says 90" in mismatch.text
    assert _entries(database) == []


def test_pillars_alone_give_the_total(client, login_as, database):
    login_as(Role.executive)
    assert _save(client, week=label(0), ssi_brand="10", ssi_people="11.5",
                 ssi_insights="12", ssi_relationships="13").status_code == 303
    [entry] = _entries(database)
    assert entry.ssi_total == 46.5


def test_published_plan_items_count_on_their_own_without_double_counting(
        client, login_as, database):
    user = login_as(Role.executive)
    week = monday(1)
    give_plan(database, user, [
        plan_item("aaaaaaa1", week, network="linkedin"),
        plan_item("aaaaaaa2", week + __import__("datetime").timedelta(days=3), network="x"),
        plan_item("aaaaaaa3", week, network="instagram"),
        plan_item("aaaaaaa4", week, status="scheduled"),  # planned, not published
        plan_item("aaaaaaa5", monday(0), status="drafted"),
    ], starts_on=monday(3))
    page = client.get(f"{PAGE}?week={label(1)}").text
    assert "3 published from your plan</strong>" in page
    assert "(LinkedIn 1, other networks 1, X 1)" in page
    assert "count only the posts that are not items of your" in page
    assert _save(client, week=label(1), posts_linkedin="1").status_code == 303
    [entry] = _entries(database, user)
    assert (entry.posts_linkedin, entry.plan_posts) == (1, 3)  # kept apart
    page = client.get(PAGE).text
    # planned 4, published from the plan 3, other posts 1: posts 4 in the chart
    assert _row(page, label(1))[1:4] == ["4", "3", "1"]
    assert _row(page, label(0))[1:3] == ["1", "0"]
    assert "4 of 4 · 100%" in page  # the plan chart: posts of planned items


def test_a_week_with_only_plan_items_counts_for_the_streak(client, login_as, database):
    user = login_as(Role.executive)
    give_plan(database, user, [plan_item("bbbbbbb1", monday(1)),
                               plan_item("bbbbbbb2", monday(2))], starts_on=monday(4))
    assert _save(client, week=label(3), comments="2").status_code == 303
    page = client.get(PAGE).text
    assert re.search(r'id="fig-streak">3<', page)
    assert re.search(r'id="fig-longest">3<', page)
    assert re.search(r'id="fig-recorded">1<', page)


def test_the_page_charts_the_log_with_the_numbers_as_a_table(client, login_as, database):
    login_as(Role.executive)
    for weeks_ago, ssi in ((3, "52"), (2, "55.5"), (1, "58")):
        assert _save(client, week=label(weeks_ago), comments=str(weeks_ago),
                     ssi_total=ssi).status_code == 303
    page = client.get(PAGE).text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 3
    assert "Posts against your 90-day plan, per week</title>" in page
    assert "Your activity per week</title>" in page
    assert "Your Social Selling Index</title>" in page
    assert re.search(r"SSI from .* \(3 points\): 52 at the start, 58 at the end", page)
    assert '<table class="table table-compact" id="activity-table">' in page
    assert '<table class="table table-compact" id="ssi-table">' in page
    assert _row(page, label(2))[-2:] == ["55.5", "Yes"]
    assert re.search(r'id="fig-ssi">58<', page)
    assert "<script" not in page.split('id="charts-h"')[1].split("</section>")[0]


def test_the_week_asked_for_must_be_one_that_can_be_recorded(client, login_as):
    login_as(Role.executive)
    assert client.get(f"{PAGE}?week={label(2)}").status_code == 200
    assert client.get(f"{PAGE}?week={label(-2)}").status_code == 404
    assert client.get(f"{PAGE}?week=2026-W99").status_code == 404


def test_only_executives_have_a_log(client, login_as, database, make_user):
    other = make_user(Role.executive)
    from tests.activity_log.conftest import add_entry
    add_entry(database, other, monday(1), comments=37)
    me = login_as(Role.executive)
    page = client.get(PAGE).text
    assert ">37<" not in page
    assert _save(client, week=label(1), comments="1").status_code == 303
    assert [e.comments for e in _entries(database, other)] == [37]
    assert [e.comments for e in _entries(database, me)] == [1]


def test_other_roles_get_no_log_page(new_client, make_user):
    from tests.conftest import login
    for role in (Role.trainer, Role.hr, Role.admin):
        c = new_client()
        login(c, make_user(role).email)
        assert c.get(PAGE).status_code == 403
        assert form_post(c, PAGE, {"week": label(1)}).status_code == 403
