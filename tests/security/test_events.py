"""Sign-in events reach the security log as one structured line each: who, what, when,
from where, with the request's id; never a password; no line break from user input."""

from __future__ import annotations

import json
import logging

import pytest

from app.models import Role
from app.security.events import EventFormatter, record
from tests.conftest import PASSWORD, csrf_from, form_post, login


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict] = []
        self.lines: list[str] = []
        self.json = EventFormatter(as_json=True)

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(dict(record.podium_event))  # type: ignore[attr-defined]
        self.lines.append(self.json.format(record))


@pytest.fixture
def security_log():  # type: ignore[no-untyped-def]
    handler = Collector()
    logger = logging.getLogger("podium.security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _names(log: Collector) -> list[str]:
    return [e["event"] for e in log.events]


def test_sign_in_success_failure_lockout_and_sign_out(client, make_user, security_log):
    user = make_user(Role.executive, email="ann@acme.example")
    for _ in range(5):
        client.post("/login", data={"csrf_token": csrf_from(client), "email": user.email,
                                    "password": "Not-The-Secret-9"})
    client.post("/login", data={"csrf_token": csrf_from(client), "email": user.email,
                                "password": PASSWORD},
                headers={"User-Agent": "Tester/1.0", "X-Request-ID": "req-42"})
    assert _names(security_log) == ["sign-in.failed"] * 5 + ["sign-in.locked-out"]
    failed = security_log.events[0]
    assert failed["email"] == "ann@acme.example" and failed["reason"] == "wrong-password"
    assert failed["user_id"] == user.id and failed["client"] == "testclient"
    locked = security_log.events[-1]
    assert locked["request_id"] == "req-42" and locked["user_agent"] == "Tester/1.0"
    assert locked["retry_after_seconds"] == 30
    assert all(PASSWORD not in line and "Not-The-Secret-9" not in line
               for line in security_log.lines)

    other = make_user(Role.trainer)
    login(client, other.email)
    assert security_log.events[-1]["event"] == "sign-in.succeeded"
    assert security_log.events[-1]["user_id"] == other.id
    form_post(client, "/logout", {}, page="/account")
    assert security_log.events[-1] == {**security_log.events[-1], "event": "sign-out",
                                       "user_id": other.id}
    unknown = client.post("/login", data={"csrf_token": csrf_from(client),
                                          "email": "nobody@acme.example", "password": "x"})
    assert unknown.status_code == 400
    assert security_log.events[-1]["reason"] == "unknown-account"
    assert security_log.events[-1]["user_id"] is None


def test_password_and_account_changes_are_events(client, login_as, make_user, security_log):
    admin = login_as(Role.admin)
    person = make_user(Role.executive)
    form_post(client, f"/admin/users/{person.id}/password", {"password": "a fresh phrase"},
              page=f"/admin/users/{person.id}")
    form_post(client, f"/admin/users/{person.id}", {
        "email": person.email, "full_name": person.full_name, "role": "trainer",
        "department": "Board"}, page=f"/admin/users/{person.id}")
    form_post(client, f"/admin/users/{person.id}/active", {"active": "0"},
              page=f"/admin/users/{person.id}")
    form_post(client, f"/admin/users/{person.id}/active", {"active": "1"},
              page=f"/admin/users/{person.id}")
    events = [e for e in security_log.events if e["event"] != "sign-in.succeeded"]
    assert [e["event"] for e in events] == ["password.set-by-admin", "account.role-changed",
                                            "account.disabled", "account.enabled"]
    assert all(e["user_id"] == person.id and e["actor_id"] == admin.id for e in events)
    assert events[1]["role_from"] == "executive" and events[1]["role_to"] == "trainer"
    form_post(client, "/account/password", {"current_password": PASSWORD,
                                            "new_password": "another phrase 2",
                                            "confirm_password": "another phrase 2"})
    assert security_log.events[-1]["event"] == "password.changed"
    assert security_log.events[-1]["user_id"] == admin.id


def test_no_line_break_or_control_character_gets_through(security_log):
    record("sign-in.failed", email="x@y.example\r\n2026-01-01 INFO sign-in.succeeded\x1b[2J")
    [line] = security_log.lines
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    entry = json.loads(line)
    assert entry["email"] == "x@y.example\\x0d\\x0a2026-01-01 INFO sign-in.succeeded\\x1b[2J"
    readable = EventFormatter(as_json=False)
    rec = logging.LogRecord("podium.security", logging.INFO, __file__, 1, "e", None, None)
    rec.podium_event = {"time": "t", "event": "e", "email": "a\nb"}  # type: ignore[attr-defined]
    assert readable.format(rec) == "t INFO    e email=a\\x0ab"


def test_the_production_format_is_one_json_object_per_line(client, make_user, security_log):
    user = make_user(Role.executive)
    login(client, user.email)
    entry = json.loads(security_log.lines[-1])
    assert entry["event"] == "sign-in.succeeded" and entry["level"] == "info"
    assert entry["time"].endswith("Z") and len(entry["request_id"]) >= 16
    assert set(entry) >= {"time", "level", "event", "user_id", "request_id", "client",
                          "user_agent"}
