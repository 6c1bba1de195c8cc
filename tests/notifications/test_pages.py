"""The bell and the notifications page: the unread count on every page, the list newest
first with pages, opening one (marks it read, goes to its link), marking all read; only
one's own, only with the form's CSRF token, only signed in."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from app.models import Notification, Role, User, utcnow
from app.notifications.service import notify
from tests.conftest import csrf_from, login
from tests.notifications.conftest import notifications_of


def _notify(database, user: User, count: int = 1, *, start: int = 1) -> list[int]:
    """``count`` notifications for ``user``, one a minute: "Course <n>" is newer for a
    higher n. Their ids."""
    base = utcnow() - timedelta(days=1)
    ids = []
    with database.session(write=True) as session:
        for n in range(start, start + count):
            ids.append(notify(session, user_id=user.id, kind="enrolled",
                              params={"course": f"Course {n:02d}", "due_date": None},
                              link=f"/courses/c{n}", now=base + timedelta(minutes=n)))
    return ids


def _bell(page: str) -> str:
    match = re.search(r'<a href="/notifications" class="bell"[^>]*aria-label="([^"]*)"', page)
    assert match, "no bell on the page"
    return match.group(1)


def _courses_listed(page: str) -> list[str]:
    return re.findall(r'<span class="notification-line">You were enrolled in (Course \d+)\.',
                      page)


def _open(client: TestClient, notification_id: int, **headers: str):
    return client.post(f"/notifications/{notification_id}/open",
                       data={"csrf_token": csrf_from(client, "/notifications")},
                       headers=headers)


def _read(database, notification_id: int) -> bool:
    with database.session() as session:
        return session.get(Notification, notification_id).read_at is not None


# --- the bell --------------------------------------------------------------------------------

def test_the_bell_counts_unread_notifications_on_every_page(client, database, login_as):
    user = login_as(Role.executive)
    assert _bell(client.get("/").text) == "Notifications"
    assert 'class="bell-count"' not in client.get("/").text
    first, *_ = _notify(database, user, 3)
    for path in ("/", "/account", "/notifications", "/account/notifications"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert _bell(page.text) == "Notifications, 3 unread", path
        assert '<span class="bell-count" aria-hidden="true">3</span>' in page.text, path
    assert _open(client, first).status_code == 303
    assert _bell(client.get("/account").text) == "Notifications, 2 unread"


def test_the_bell_counts_only_ones_own(client, database, login_as, make_user):
    user = login_as(Role.trainer)
    _notify(database, make_user(Role.executive), 4)
    _notify(database, user, 1)
    assert _bell(client.get("/account").text) == "Notifications, 1 unread"


def test_the_bell_shows_99_plus_above_99(client, database, login_as):
    user = login_as(Role.executive)
    _notify(database, user, 100)
    page = client.get("/account").text
    assert _bell(page) == "Notifications, 100 unread"
    assert '<span class="bell-count" aria-hidden="true">99+</span>' in page


# --- the list ----------------------------------------------------------------------------------

def test_the_page_lists_newest_first_with_pages(client, database, login_as, make_user):
    user = login_as(Role.executive)
    _notify(database, make_user(Role.executive), 2, start=90)  # someone else's
    _notify(database, user, 35)
    first = client.get("/notifications")
    assert first.status_code == 200
    assert _courses_listed(first.text) == [f"Course {n:02d}" for n in range(35, 5, -1)]
    assert "35 unread of 35" in first.text
    assert "Page 1 of 2" in first.text
    assert '<a href="/notifications?page=2" rel="next">' in first.text
    assert 'rel="prev"' not in first.text
    second = client.get("/notifications?page=2")
    assert _courses_listed(second.text) == [f"Course {n:02d}" for n in range(5, 0, -1)]
    assert "Page 2 of 2" in second.text
    assert '<a href="/notifications?page=1" rel="prev">' in second.text
    assert 'rel="next"' not in second.text
    beyond = client.get("/notifications?page=7")  # past the end: the last page
    assert _courses_listed(beyond.text) == _courses_listed(second.text)
    for bad in ("0", "-1", "two"):
        assert client.get(f"/notifications?page={bad}").status_code == 400


def test_an_empty_page_says_so(client, login_as):
    login_as(Role.hr)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Nothing yet." in page.text
    assert "Mark all as read" not in page.text
    assert 'class="pager"' not in page.text


def test_unread_ones_are_marked_for_screen_readers(client, database, login_as):
    user = login_as(Role.executive)
    first, _second = _notify(database, user, 2)
    _open(client, first)
    page = client.get("/notifications").text
    assert page.count('<span class="visually-hidden">Unread: </span>') == 1
    assert page.count('class="notification notification-unread"') == 1


# --- opening one -------------------------------------------------------------------------------

def test_opening_marks_read_and_goes_to_the_link(client, database, login_as):
    user = login_as(Role.executive)
    first, second = _notify(database, user, 2)
    response = _open(client, second)
    assert response.status_code == 303
    assert response.headers["location"] == "/courses/c2"
    assert _read(database, second) and not _read(database, first)
    again = _open(client, second)  # opening a read one goes there again
    assert again.status_code == 303 and again.headers["location"] == "/courses/c2"
    htmx = _open(client, first, **{"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/courses/c1"
    assert _read(database, first)


def test_someone_elses_notification_is_not_found(client, database, login_as, make_user):
    login_as(Role.executive)
    other = make_user(Role.executive)
    [theirs] = _notify(database, other)
    response = _open(client, theirs)
    assert response.status_code == 404
    assert "location" not in response.headers
    assert not _read(database, theirs)
    for missing in (theirs + 1000, 0, 2**63):
        assert _open(client, missing).status_code == 404
    token = csrf_from(client, "/notifications")
    assert client.post("/notifications/abc/open",
                       data={"csrf_token": token}).status_code == 404


def test_opening_needs_the_csrf_token(client, database, login_as, new_client):
    user = login_as(Role.executive)
    [mine] = _notify(database, user)
    assert client.post(f"/notifications/{mine}/open").status_code == 403
    assert client.post(f"/notifications/{mine}/open",
                       data={"csrf_token": "0" * 64}).status_code == 403
    stranger = new_client()  # a token from another browser is no good either
    foreign = csrf_from(stranger, "/login")
    assert client.post(f"/notifications/{mine}/open",
                       data={"csrf_token": foreign}).status_code == 403
    assert not _read(database, mine)


# --- marking all read --------------------------------------------------------------------------

def test_mark_all_read(client, database, login_as, make_user):
    user = login_as(Role.executive)
    other = make_user(Role.executive)
    _notify(database, user, 3)
    [theirs] = _notify(database, other)
    page = client.get("/notifications").text
    assert 'action="/notifications/read-all"' in page
    response = client.post("/notifications/read-all",
                           data={"csrf_token": csrf_from(client, "/notifications")})
    assert response.status_code == 303
    assert response.headers["location"] == "/notifications?notice=all-read"
    assert all(n.read_at is not None for n in notifications_of(database, user))
    assert not _read(database, theirs)
    after = client.get(response.headers["location"]).text
    assert "Every notification is marked as read." in after
    assert "0 unread of 3" in after
    assert 'action="/notifications/read-all"' not in after
    assert _bell(after) == "Notifications"


def test_mark_all_read_needs_the_csrf_token(client, database, login_as):
    user = login_as(Role.executive)
    _notify(database, user, 2)
    assert client.post("/notifications/read-all").status_code == 403
    assert client.post("/notifications/read-all",
                       headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert all(n.read_at is None for n in notifications_of(database, user))


# --- signed out --------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client, database, make_user):
    user = make_user(Role.executive)
    [mine] = _notify(database, user)
    for path in ("/notifications", "/account/notifications"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=" + path.replace("/", "%2F")
    token = csrf_from(client, "/login")
    for path in (f"/notifications/{mine}/open", "/notifications/read-all"):
        assert client.post(path, data={"csrf_token": token}).status_code == 401
    assert not _read(database, mine)
    login(client, user.email)
    assert _bell(client.get("/").text) == "Notifications, 1 unread"
