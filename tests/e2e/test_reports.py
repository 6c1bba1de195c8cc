"""The demo HR user narrows the completion dashboard to one cohort, reads the charts and
downloads the cohort's XLSX report, which opens with openpyxl with the expected rows."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from app.demo import SAMPLE_LEARNERS, SECOND_COHORT
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

HR = "hr@demo.podium.example"


def test_hr_filters_by_cohort_and_downloads_xlsx(page, demo, tmp_path):  # type: ignore[no-untyped-def]
    cohort = sorted((s for s in SAMPLE_LEARNERS if SECOND_COHORT in s.cohorts),
                    key=lambda s: s.full_name.casefold())
    completed = [s for s in cohort if s.share_done == 1.0]
    sign_in(page, HR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.wait_for_url("**/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Completion dashboard")
    expect(page.locator("#fig-enrolled")).to_have_text(str(1 + len(SAMPLE_LEARNERS)))

    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Cohort").select_option(label=SECOND_COHORT)
    filters.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*/reports\?.*cohort=\d+"))
    expect(page.locator("#fig-enrolled")).to_have_text(str(len(cohort)))
    expect(page.locator("#fig-completed")).to_have_text(str(len(completed)))
    expect(filters.get_by_label("Cohort")).to_have_value(re.compile(r"\d+"))

    # The charts are drawn, named, and say their numbers in words too.
    chart = page.locator("#chart-cohort svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text(f"{len(completed)} of {len(cohort)}")
    expect(page.locator("#chart-funnel svg[role=img]")).to_contain_text("Completed")
    page.locator("#chart-cohort summary").click()
    expect(page.locator("#chart-cohort table")).to_contain_text(SECOND_COHORT)

    rows = page.locator("#learners tbody tr")
    expect(rows).to_have_count(len(cohort))
    expect(rows.first).to_contain_text(cohort[0].full_name)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download XLSX").click()
    download = waiting.value
    assert re.fullmatch(r"podium-completion-all-courses-\d{8}-\d{4}\.xlsx",
                        download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    header, body = table[0], table[1:]
    assert header[:5] == ["Email", "Name", "Department", "Cohorts", "Course"]
    assert [row[0] for row in body] == [s.email for s in cohort]
    status = header.index("Status")
    percent = header.index("Percent complete")
    persona = header.index("Persona status")
    for row, sample in zip(body, cohort, strict=True):
        assert SECOND_COHORT in row[3]
        assert row[status] == ("Completed" if sample.share_done == 1.0 else
                               "Not started" if sample.share_done == 0 else "In progress")
        assert isinstance(row[percent], int | float)
        assert row[persona] == {None: "Not started", "approved": "Approved",
                                "in-progress": "In progress",
                                "in-review": "In review"}[sample.persona]


def _workbook_emails(download, tmp_path) -> list[str]:  # type: ignore[no-untyped-def]
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    table = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    assert table[0][:2] == ["Email", "Name"]
    return sorted(row[0] for row in table[1:])


def _check_pages_fit_and_are_accessible(page, database) -> None:  # type: ignore[no-untyped-def]
    """The dashboard with its "Prepare XLSX" button, the page that offers to prepare a
    workbook, and a workbook's page (ready, then failed), as the every-page test checks
    pages: no sideways scroll, no failed request, no serious axe-core violation."""
    from sqlalchemy import update
    from sqlmodel import select

    from app.models import ReportExport, Role
    from tests.e2e.test_every_page import AXE, Walker

    with database.session() as session:
        export_id = session.exec(select(ReportExport.id)).first()
    walker = Walker(page, Role.hr, AXE.read_text())
    pages = {"dashboard, large view": "/reports", "prepare a workbook": "/reports/export.xlsx",
             "workbook, ready": f"/reports/exports/{export_id}"}
    failures = []
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            failures += walker.check(name, path, width)
    with database.session(write=True) as session:
        session.exec(update(ReportExport).values(  # type: ignore[call-overload]
            status="failed", error="Something went wrong while preparing the workbook."))
    failures += walker.check("workbook, failed", f"/reports/exports/{export_id}", 390)
    assert failures == [], "\n".join(map(str, failures))


def test_hr_prepares_a_large_workbook_in_the_background(browser, dev_server, demo, tmp_path,
                                                         database, monkeypatch):  # type: ignore[no-untyped-def]
    """Over the threshold (3 rows here) "Prepare XLSX" queues a job; the server's own
    worker builds it; with HTMX the message appears in place and turns into the download
    link, without JavaScript the workbook's page does the same on "Check again"."""
    from app.reports import background
    from tests.e2e.conftest import browser_page

    monkeypatch.setattr(background, "BACKGROUND_ROWS", 3)
    everyone = sorted([HR.replace("hr@", "executive@")] + [s.email for s in SAMPLE_LEARNERS])

    with browser_page(browser, dev_server) as page:
        sign_in(page, HR)
        page.goto("/reports")
        expect(page.get_by_role("link", name="Download XLSX")).to_have_count(0)
        page.get_by_role("button", name="Prepare XLSX").click()
        status = page.locator("#export-status")
        expect(status).to_contain_text(
            "Your workbook is being prepared; we will notify you when it is ready.")
        expect(status).to_contain_text("Your workbook is ready", timeout=30_000)  # polls
        with page.expect_download() as waiting:
            status.get_by_role("link", name=re.compile(r"^Download podium-completion-")).click()
        assert re.fullmatch(r"podium-completion-all-courses-\d{8}-\d{4}\.xlsx",
                            waiting.value.suggested_filename)
        assert _workbook_emails(waiting.value, tmp_path) == everyone
        page.goto("/notifications")
        expect(page.locator(".notification-line").first).to_contain_text("is ready to download")
        _check_pages_fit_and_are_accessible(page, database)

    context = browser.new_context(base_url=dev_server, java_script_enabled=False)
    try:
        page = context.new_page()
        context.set_default_timeout(10_000)
        sign_in(page, HR)
        page.goto("/reports")
        page.get_by_role("button", name="Prepare XLSX").click()
        page.wait_for_url(re.compile(r".*/reports/exports/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Completion workbook")
        for _ in range(60):
            if page.get_by_text("Your workbook is ready").count():
                break
            expect(page.get_by_text("Your workbook is being prepared")).to_be_visible()
            page.wait_for_timeout(500)
            page.get_by_role("link", name="Check again").click()
        with page.expect_download() as waiting:
            page.get_by_role("link", name=re.compile(r"^Download podium-completion-")).click()
        assert _workbook_emails(waiting.value, tmp_path) == everyone
    finally:
        context.close()
