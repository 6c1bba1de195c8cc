"""Each person's time zone (the account page) and the organisation's default."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from app.models import Role, User
from tests.conftest import form_post, make_settings


def _last_sign_in(page: str) -> str:
    match = re.search(r'<dt>Last sign-in</dt><dd><time datetime="([^"]+)"[^>]*>([^<]+)</time>',
                      page)
    assert match, page
    return match.group(2)


def _stored_zone(database, user_id: int) -> str | None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user.time_zone


def test_saving_a_zone_shows_times_in_it(client, login_as, database):
    user = login_as(Role.executive)
    # Sign-in at 23:30 UTC: already the next day in Berlin.
    with database.session(write=True) as s:
        row = s.get(User, user.id)
        row.last_login_at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
        s.add(row)
    page = client.get("/account").text
    assert _last_sign_in(page) == "31 Dec 2026, 23:30"
    assert '<option value="" selected>Organisation default (UTC)</option>' in page

    response = form_post(client, "/account/time-zone", {"time_zone": "Europe/Berlin"})
    assert response.status_code == 303
    assert response.headers["location"] == "/account?notice=time-zone-saved"
    assert _stored_zone(database, user.id) == "Europe/Berlin"
    page = client.get(response.headers["location"]).text
    assert "Your time zone was saved" in page
    assert _last_sign_in(page) == "1 Jan 2027, 00:30"
    assert '<option value="Europe/Berlin" selected>' in page
    assert "in Europe/Berlin now" in page

    # Back to the organisation's zone.
    assert form_post(client, "/account/time-zone", {"time_zone": ""}).status_code == 303
    assert _stored_zone(database, user.id) is None
    assert _last_sign_in(client.get("/account").text) == "31 Dec 2026, 23:30"


def test_a_zone_not_in_the_list_is_refused_next_to_the_field(client, login_as, database):
    user = login_as(Role.trainer)
    response = form_post(client, "/account/time-zone", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert re.search(r'<p class="field-error" id="f-time_zone-error">Choose a time zone from '
                     r'the list', response.text)
    assert 'aria-invalid="true"' in response.text
    assert _stored_zone(database, user.id) is None


def test_the_organisation_default_applies_to_everyone_without_a_zone(app, client, login_as,
                                                                     database):
    app.state.settings = make_settings(app.state.settings.database_url, time_zone="Asia/Tokyo")
    user = login_as(Role.hr)
    with database.session(write=True) as s:
        row = s.get(User, user.id)
        row.last_login_at = datetime(2026, 12, 4, 16, 28, tzinfo=UTC)
        s.add(row)
    page = client.get("/account").text
    assert _last_sign_in(page) == "5 Dec 2026, 01:28"
    assert "Organisation default (Asia/Tokyo)" in page


def test_an_unknown_organisation_zone_stops_startup(database_url):
    with pytest.raises(ValidationError, match="PODIUM_TIME_ZONE"):
        make_settings(database_url, time_zone="Europe/Atlantis")


def test_emails_show_times_in_the_recipients_zone(database_url, database, make_user):
    from app.content import moments
    from app.invitations import service as invitations
    from tests.accounts.conftest import content_of, emails_to

    settings = make_settings(database_url, time_zone="America/New_York")
    admin = make_user(Role.admin)
    newcomer = make_user(Role.executive, email="newcomer@example.com", password=None)
    with database.session(write=True) as s:
        invitation = invitations.invite(s, settings, user=s.get(User, newcomer.id),
                                        invited_by=s.get(User, admin.id))
        expires = invitation.expires_at
    local = moments.when(expires, moments.zone("America/New_York"))
    assert local != moments.when(expires, moments.zone("UTC"))
    [email] = emails_to(database, "newcomer@example.com")
    content = content_of(settings, email)
    assert f"until {local} (America/New_York)" in content.text
    assert f"until {local} (America/New_York)" in content.html
