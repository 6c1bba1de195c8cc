"""The audit trail in the browser: the demo admin disables an account, finds it in the
audit trail with the filters, and downloads the entries as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_admin_finds_what_was_done_and_downloads_it(page, demo, tmp_path: Path):  # type: ignore[no-untyped-def]
    sign_in(page, "admin@demo.podium.example")
    page.goto("/admin/users?q=oliver")
    page.locator("#results").get_by_role("link", name="Oliver Grant").click()
    page.get_by_role("button", name="Disable account").click()
    expect(page.get_by_role("status")).to_contain_text("The account was disabled")

    page.goto("/admin/users")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    page.get_by_label("Action").select_option(label="Account disabled")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/admin/audit?*action=account.disabled*")
    rows = page.locator("#audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Robin Admin <admin@demo.podium.example>")
    expect(rows.first).to_contain_text("Account disabled")
    expect(rows.first).to_contain_text("Oliver Grant")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        table = list(csv.reader(file))
    assert table[0][:3] == ["Time (UTC)", "Actor", "Action"]
    assert [row[2] for row in table[1:]] == ["Account disabled"]
    assert "Oliver Grant" in table[1][5]
