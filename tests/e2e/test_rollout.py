"""Rollout in the browser, on Podium as `make run` serves it: the demo admin invites a
new executive, opens the development mailbox and follows the link; the executive sets a
password and lands on the home page; later they use "Forgot your password?" and sign in
with the new one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import browser_page, sign_in, sign_out

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.podium.example"
NEW = "priya.sharma@acme.example"
FIRST_PASSWORD = "rollout first phrase"
SECOND_PASSWORD = "rollout second phrase"


def _open_newest_email(admin, subject: str) -> str:  # type: ignore[no-untyped-def]
    """In the mailbox, open the newest email with this subject; its one link, as shown."""
    admin.goto("/admin/mailbox")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Mailbox")
    admin.get_by_role("link", name=subject).first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(subject)
    return admin.locator("#mail-text a").first.get_attribute("href") or ""


def test_invite_accept_forget_and_reset(browser, dev_server, demo):  # type: ignore[no-untyped-def]
    with browser_page(browser, dev_server) as admin:
        sign_in(admin, ADMIN)
        admin.goto("/admin/users")
        admin.get_by_role("link", name="Invite someone").click()
        admin.get_by_label("Email").fill(NEW)
        admin.get_by_label("Full name").fill("Priya Sharma")
        admin.get_by_label("Role").select_option(label="Executive")
        admin.get_by_label("Department").fill("Finance")
        admin.get_by_role("button", name="Send the invitation").click()
        admin.wait_for_url("**/admin/users?notice=invited")
        expect(admin.get_by_role("status")).to_contain_text("The invitation was sent.")
        row = admin.locator("#results tbody tr", has_text="Priya Sharma")
        expect(row).to_contain_text("Invited")
        expect(row.get_by_role("button", name="Resend the invitation to Priya Sharma")
               ).to_be_visible()

        admin.get_by_role("link", name="Mailbox").click()
        link = _open_newest_email(admin, "Robin Admin invited you to Podium")
        assert link.startswith(f"{dev_server}/invitations/"), link

        with browser_page(browser, dev_server) as invitee:
            invitee.goto(link)
            expect(invitee.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Sharma")
            invitee.locator("#f-password").fill(FIRST_PASSWORD)
            invitee.locator("#f-confirm_password").fill("something else")
            invitee.get_by_role("button", name="Set password and sign in").click()
            expect(invitee.locator("#f-confirm_password-error")).to_have_text(
                "The two passwords differ.")
            invitee.locator("#f-password").fill(FIRST_PASSWORD)
            invitee.locator("#f-confirm_password").fill(FIRST_PASSWORD)
            invitee.get_by_role("button", name="Set password and sign in").click()
            invitee.wait_for_url(re.compile(r"/\?notice=welcome$"))
            expect(invitee.get_by_role("heading", name="Welcome, Priya")).to_be_visible()

            # later, signed out, the password is forgotten
            sign_out(invitee)
            invitee.wait_for_url("**/login?notice=logged-out")
            invitee.get_by_label("Email").fill(NEW)
            invitee.get_by_role("link", name="Forgot your password?").click()
            expect(invitee.get_by_label("Email")).to_have_value(NEW)
            invitee.get_by_role("button", name="Send the link").click()
            expect(invitee.get_by_role("heading", level=1)).to_have_text("Check your email")

            # the reset email is written by the background job in the server's process
            for _ in range(40):
                admin.goto("/admin/mailbox")
                if admin.get_by_role("link", name="Reset your Podium password").count():
                    break
                admin.wait_for_timeout(250)
            reset = _open_newest_email(admin, "Reset your Podium password")
            assert reset.startswith(f"{dev_server}/password/reset/"), reset

            invitee.goto(reset)
            expect(invitee.get_by_role("heading", level=1)).to_have_text(
                "Choose a new password")
            invitee.locator("#f-password").fill(SECOND_PASSWORD)
            invitee.locator("#f-confirm_password").fill(SECOND_PASSWORD)
            invitee.get_by_role("button", name="Save the new password").click()
            invitee.wait_for_url("**/login?notice=password-changed")
            invitee.get_by_label("Email").fill(NEW)
            invitee.get_by_label("Password").fill(SECOND_PASSWORD)
            invitee.get_by_role("button", name="Sign in").click()
            invitee.wait_for_url(f"{dev_server}/")
            expect(invitee.get_by_role("heading", name="Welcome, Priya")).to_be_visible()
            # the bell is there, and the link of the reset email works only once
            expect(invitee.get_by_role("link", name=re.compile("^Notifications"))).to_be_visible()
            invitee.goto(reset)
            expect(invitee.get_by_role("heading", level=1)).to_have_text(
                "This link no longer works")

        admin.goto("/admin/users?q=priya")
        expect(admin.locator("#results tbody tr", has_text="Priya Sharma")).to_contain_text(
            "Active")
