"""Throttling that a slow spray cannot pass: failures count per account, per client
(whatever the accounts), and for everyone (an alarm); a throttled sign-in is a 429 with
Retry-After; only trusted proxies may say who the client is."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.main import create_app
from app.models import AuditEntry, Role
from tests.conftest import PASSWORD, csrf_from, make_settings


def _sign_in(client, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"csrf_token": csrf_from(client), "email": email,
                                       "password": password, "next": "/"}, headers=headers)


def test_a_spray_over_many_accounts_is_slowed_down(app, client, make_user):
    people = [make_user(Role.executive) for _ in range(11)]
    answers = [_sign_in(client, person.email, f"guess-{n}").status_code
               for person in people[:10] for n in range(4)]  # 4 each: under the account limit
    assert answers[:20] == [400] * 20  # the per-client limit is 20 failures
    assert set(answers[20:]) == {429}
    throttled = _sign_in(client, people[10].email, PASSWORD)  # even the right password waits
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "Too many failed attempts. Try again in" in throttled.text
    assert 'value="' + people[10].email + '"' in throttled.text  # the address is kept
    # a client at another address is not held back
    with TestClient(app, base_url="https://testserver", follow_redirects=False,
                    client=("198.51.100.9", 50000)) as elsewhere:
        assert _sign_in(elsewhere, people[10].email, PASSWORD).status_code == 303


@pytest.fixture
def behind_proxy(database_url, database):  # type: ignore[no-untyped-def]
    """The app behind a proxy it trusts (the test client's address)."""
    settings = make_settings(database_url, trusted_proxies="testclient")
    with TestClient(create_app(settings, database), base_url="https://testserver",
                    follow_redirects=False) as proxied:
        yield proxied


def test_only_a_trusted_proxy_says_who_the_client_is(client, behind_proxy, make_user):
    user = make_user(Role.executive)
    for n in range(20):
        _sign_in(behind_proxy, f"guess{n}@acme.example", "bad",
                 **{"X-Forwarded-For": "203.0.113.5"})
    # 203.0.113.5 is throttled; 198.51.100.7 is not
    assert _sign_in(behind_proxy, user.email, PASSWORD,
                    **{"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert _sign_in(behind_proxy, user.email, PASSWORD,
                    **{"X-Forwarded-For": "198.51.100.7"}).status_code == 303
    # an untrusted client cannot escape its own limit by naming another address
    for n in range(20):
        _sign_in(client, f"other{n}@acme.example", "bad", **{"X-Forwarded-For": f"10.0.0.{n}"})
    assert _sign_in(client, user.email, PASSWORD,
                    **{"X-Forwarded-For": "192.0.2.1"}).status_code == 429


def test_a_spray_across_clients_raises_the_alarm_once(database_url, database, make_user,
                                                      caplog):
    settings = make_settings(database_url, trusted_proxies="testclient",
                             login_spray_threshold=5)
    user = make_user(Role.executive)
    with TestClient(create_app(settings, database), base_url="https://testserver",
                    follow_redirects=False) as proxied, \
            caplog.at_level(logging.ERROR):
        for n in range(9):
            _sign_in(proxied, f"target{n}@acme.example", "bad",
                     **{"X-Forwarded-For": f"203.0.113.{n + 1}"})
        assert _sign_in(proxied, user.email, PASSWORD).status_code == 303
    with database.session() as s:
        alarms = s.exec(select(AuditEntry).where(
            AuditEntry.action == "sign-in.spray-suspected")).all()
    assert len(alarms) == 1
    assert '"failures": 6' in alarms[0].details
