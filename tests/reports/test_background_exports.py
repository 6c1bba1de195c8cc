"""XLSX workbooks of large views, prepared by a background job: asked for with a POST (a
GET never starts a job), built by the real job engine (the local runner on SQLite,
Procrastinate on PostgreSQL), stored in the database, announced by a notification and
its email, downloaded by the person who asked and nobody else, and removed when they
expire. "Large" is set to a few rows here (``BACKGROUND_ROWS``), not 10,000."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from app.config import Settings
from app.db import Database
from app.jobs.registry import JobEnv
from app.models import AuditEntry, ReportExport, ReportExportPart, Role, User, utcnow
from app.reports import background
from app.worker import tasks
from tests.conftest import CSRF_RE, csrf_from, form_post, login
from tests.notifications.conftest import (
    check_email,
    line_of,
    only_email,
    only_notification,
)
from tests.reports.conftest import BRAND, EMAILS, Dataset
from tests.reports.test_exports import EXPECTED_XLSX, HEADERS, XLSX_TYPE, project, read_xlsx

BEING_PREPARED = "Your workbook is being prepared; we will notify you when it is ready."
NO_QUIZZES = [h for h in HEADERS if not h.startswith("Best quiz score")]


@pytest.fixture
def few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Views of more than 3 rows are "large" (the whole dataset has 9)."""
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 3)


def hr_user(database: Database) -> User:
    with database.session() as session:
        return session.exec(select(User).where(User.email == "hr@corp.example")).one()


def exports_in(database: Database) -> list[ReportExport]:
    with database.session() as session:
        return list(session.exec(select(ReportExport).order_by(col(ReportExport.id))).all())


def ask(client, **filters: str):  # type: ignore[no-untyped-def]
    """Press "Prepare XLSX" on the dashboard of this view (no JavaScript)."""
    return form_post(client, "/reports/exports", filters, page="/reports")


def workbook_rows(content: bytes) -> list[list[object]]:
    values, types, _ = read_xlsx(content)
    assert not any("f" in row for row in types)  # never a formula
    return values


def test_a_large_view_is_prepared_in_the_background_and_its_owner_downloads_it(
        dataset: Dataset, hr_client, few_rows: None, database: Database, settings: Settings,
        run_jobs: Callable[..., None], monkeypatch: pytest.MonkeyPatch) -> None:
    hr = hr_user(database)
    # The dashboard offers to prepare the workbook (a form that posts), not a link.
    page = hr_client.get("/reports").text
    button = re.search(r'<form method="post" action="/reports/exports"[^>]*>(.*?)</form>', page,
                       re.S)
    assert button and 'id="export-xlsx"' in button.group(1) and "Prepare XLSX" in page
    assert "/reports/export.xlsx" not in page
    assert "prepared in the background" in page

    # The old link (a bookmark) answers with a page that offers the same; nothing starts.
    offer = hr_client.get("/reports/export.xlsx")
    assert offer.status_code == 200 and offer.headers["content-type"].startswith("text/html")
    assert "This view has 9 rows" in offer.text and 'action="/reports/exports"' in offer.text
    # A POST without the page's token is refused.
    assert hr_client.post("/reports/exports", data={}).status_code == 403
    assert exports_in(database) == []

    # Small parts, so that the file is stored and served in several pieces.
    monkeypatch.setattr(background, "PART_BYTES", 2_000)
    response = ask(hr_client)
    assert response.status_code == 303
    [export] = exports_in(database)
    assert response.headers["location"] == f"/reports/exports/{export.id}"
    assert (export.user_id, export.status, export.format) == (hr.id, "pending", "xlsx")
    # A second click while it is being prepared is the same request (one job).
    again = ask(hr_client)
    assert again.headers["location"] == f"/reports/exports/{export.id}"
    assert len(exports_in(database)) == 1
    assert export.expires_at - export.created_at == timedelta(days=7)
    page = hr_client.get(f"/reports/exports/{export.id}")
    assert page.status_code == 200 and BEING_PREPARED in page.text
    assert f'hx-get="/reports/exports/{export.id}" hx-trigger="every 3s"' in page.text
    assert hr_client.get(f"/reports/exports/{export.id}/download").status_code == 404

    run_jobs()

    [export] = exports_in(database)
    assert (export.status, export.rows, export.error) == ("ready", 9, None)
    with database.session() as session:
        parts = session.exec(select(func.count()).select_from(ReportExportPart)).one()
    assert parts == -(-export.size // 2_000) > 1

    download = f"/reports/exports/{export.id}/download"
    notification = only_notification(database, hr, "report-export")
    assert notification.link == download
    assert line_of(notification) == (f"Your workbook {export.filename} is ready to download "
                                     "(9 rows, kept for 7 days).")
    email = only_email(database, kind="report-export", to=hr)
    check_email(settings, email, user=hr, category="exports",
                subject="Your Podium workbook is ready", link=download,
                reason="you asked for a completion report")

    page = hr_client.get(f"/reports/exports/{export.id}").text
    assert "Your workbook is ready" in page and f'href="{download}"' in page
    assert "hx-trigger" not in page  # no more polling

    response = hr_client.get(download)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert response.headers["content-disposition"] == f'attachment; filename="{export.filename}"'
    assert re.fullmatch(r"podium-completion-all-courses-\d{8}-\d{4}\.xlsx", export.filename)
    assert len(response.content) == export.size
    assert workbook_rows(response.content) == [HEADERS, *EXPECTED_XLSX]
    with database.session() as session:
        audited = session.exec(select(AuditEntry).where(
            AuditEntry.action == "report.exported")).all()
    assert [(e.actor_id, e.target_id) for e in audited] == [(hr.id, "xlsx")]

    # The bell: opening the notification leads to the download.
    token = csrf_from(hr_client, "/notifications")
    opened = hr_client.post(f"/notifications/{notification.id}/open",
                            data={"csrf_token": token})
    assert (opened.status_code, opened.headers["location"]) == (303, download)


def test_nobody_else_sees_or_downloads_it(dataset: Dataset, hr_client, few_rows: None,
                                          database: Database, run_jobs: Callable[..., None],
                                          new_client, make_user) -> None:
    assert ask(hr_client).status_code == 303
    run_jobs()
    [export] = exports_in(database)
    paths = [f"/reports/exports/{export.id}", f"/reports/exports/{export.id}/download"]
    for path in paths:
        assert hr_client.get(path).status_code == 200
    for role, status in ((Role.hr, 404), (Role.admin, 404), (Role.executive, 403)):
        other = new_client()
        login(other, make_user(role).email)
        for path in paths:
            response = other.get(path)
            assert response.status_code == status, (role, path)
            assert export.filename not in response.text
    anonymous = new_client()
    assert anonymous.get(paths[1]).status_code == 303  # to the sign-in page
    for path in (f"/reports/exports/{export.id + 1}", f"/reports/exports/{export.id + 1}/download"):
        assert hr_client.get(path).status_code == 404


def test_the_view_s_filters_are_kept_and_small_views_download_at_once(
        dataset: Dataset, hr_client, database: Database, run_jobs: Callable[..., None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # "Brand basics" has 2 rows: small at the default threshold and at 3 …
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 3)
    page = hr_client.get("/reports", params={"course": BRAND}).text
    assert 'id="export-xlsx" href="/reports/export.xlsx?course=brand"' in page
    response = ask(hr_client, course=BRAND)
    assert (response.status_code, response.headers["location"]) == (
        303, "/reports/export.xlsx?course=brand")
    assert exports_in(database) == []
    direct = hr_client.get("/reports/export.xlsx", params={"course": BRAND})
    assert direct.headers["content-type"] == XLSX_TYPE
    expected = [row for row in project(EXPECTED_XLSX, NO_QUIZZES)
                if row[4] == "Brand basics"]
    assert workbook_rows(direct.content) == [NO_QUIZZES, *expected]

    # … and large at 1: prepared in the background with the same filter.
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 1)
    assert ask(hr_client, course=BRAND).status_code == 303
    run_jobs()
    [export] = exports_in(database)
    assert export.status == "ready" and "-brand-" in export.filename
    content = hr_client.get(f"/reports/exports/{export.id}/download").content
    assert workbook_rows(content) == [NO_QUIZZES, *expected]
    assert [row[0] for row in expected] == [EMAILS["alice"], EMAILS["grace"]]

    # A filter that names nothing is refused as on the dashboard.
    response = ask(hr_client, course="no-such-course")
    assert response.status_code == 400 and "no course with this name" in response.text
    assert len(exports_in(database)) == 1


def test_with_htmx_the_message_appears_in_place_and_polls(
        dataset: Dataset, hr_client, few_rows: None, database: Database,
        run_jobs: Callable[..., None]) -> None:
    page = hr_client.get("/reports").text
    token = CSRF_RE.search(page).group(1)  # type: ignore[union-attr]
    assert 'hx-post="/reports/exports" hx-target="#export-status"' in page
    assert '<div id="export-status"' in page
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    response = hr_client.post("/reports/exports", data={}, headers=htmx)
    assert response.status_code == 202
    assert BEING_PREPARED in response.text and "<html" not in response.text
    [export] = exports_in(database)
    assert f'hx-get="/reports/exports/{export.id}" hx-trigger="every 3s"' in response.text

    polled = hr_client.get(f"/reports/exports/{export.id}", headers={"HX-Request": "true"})
    assert BEING_PREPARED in polled.text and "<html" not in polled.text
    run_jobs()
    polled = hr_client.get(f"/reports/exports/{export.id}", headers={"HX-Request": "true"})
    assert "Your workbook is ready" in polled.text and "hx-trigger" not in polled.text
    assert f'href="/reports/exports/{export.id}/download"' in polled.text

    # A small view: the browser is sent to the file.
    small = hr_client.post("/reports/exports", data={"course": BRAND}, headers=htmx)
    assert (small.status_code, small.headers["HX-Redirect"]) == (
        204, "/reports/export.xlsx?course=brand")


def test_a_failed_job_says_so_and_can_be_asked_again(
        dataset: Dataset, hr_client, few_rows: None, database: Database,
        run_jobs: Callable[..., None], monkeypatch: pytest.MonkeyPatch) -> None:
    hr = hr_user(database)

    def broken(*_args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.reports.exports.write_xlsx", broken)
    assert ask(hr_client, status="completed").status_code == 303
    run_jobs()
    [export] = exports_in(database)
    assert export.status == "failed"
    assert export.error == "Something went wrong while preparing the workbook."
    notification = only_notification(database, hr, "report-export")
    assert notification.link == f"/reports/exports/{export.id}"
    assert line_of(notification) == (f"Your workbook {export.filename} could not be "
                                     "prepared. You can ask for it again.")
    page = hr_client.get(f"/reports/exports/{export.id}").text
    assert "We could not prepare your workbook." in page and "disk full" not in page
    assert 'name="status" value="completed"' in page and "Try again" in page
    assert hr_client.get(f"/reports/exports/{export.id}/download").status_code == 404

    monkeypatch.undo()
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 3)
    again = form_post(hr_client, "/reports/exports", {"status": "completed"},
                      page=f"/reports/exports/{export.id}")
    assert again.status_code == 303
    run_jobs()
    first, second = exports_in(database)
    assert (first.status, second.status, second.rows) == ("failed", "ready", 4)


def test_a_job_interrupted_again_and_again_gives_up(dataset: Dataset, hr_client,
                                                   few_rows: None, database: Database) -> None:
    """A worker that died mid-way leaves the export pending and its job runs again; after
    MAX_ATTEMPTS runs the export is failed rather than retried for ever."""
    assert ask(hr_client).status_code == 303
    [export] = exports_in(database)
    with database.session(write=True) as session:
        session.exec(update(ReportExport).values(  # type: ignore[call-overload]
            attempts=background.MAX_ATTEMPTS))
    background.prepare(database, export_id=export.id or 0)
    [export] = exports_in(database)
    assert export.status == "failed" and "interrupted" in (export.error or "")


def test_expired_workbooks_are_gone_and_cleaned_up_nightly(
        dataset: Dataset, hr_client, few_rows: None, database: Database, settings: Settings,
        run_jobs: Callable[..., None]) -> None:
    assert ask(hr_client).status_code == 303
    assert ask(hr_client, course=BRAND).status_code == 303  # 2 rows, small: no export
    assert ask(hr_client, status="completed").status_code == 303
    run_jobs()
    older, newer = exports_in(database)
    with database.session(write=True) as session:  # asked 8 days ago
        session.exec(update(ReportExport).where(col(ReportExport.id) == older.id)  # type: ignore[call-overload]
                     .values(expires_at=utcnow() - timedelta(days=1)))
    # Past its time it cannot be opened, even before the clean-up.
    assert hr_client.get(f"/reports/exports/{older.id}/download").status_code == 404
    assert hr_client.get(f"/reports/exports/{older.id}").status_code == 404

    tasks.clean_up(JobEnv(settings, database), now=utcnow())  # the nightly job's body
    assert [e.id for e in exports_in(database)] == [newer.id]
    with database.session() as session:
        left = session.exec(select(ReportExportPart.export_id).distinct()).all()
    assert list(left) == [newer.id]
    assert hr_client.get(f"/reports/exports/{newer.id}/download").status_code == 200

    tasks.clean_up(JobEnv(settings, database), now=utcnow() + timedelta(days=8))
    assert exports_in(database) == []
    with database.session() as session:
        assert session.exec(select(func.count()).select_from(ReportExportPart)).one() == 0
