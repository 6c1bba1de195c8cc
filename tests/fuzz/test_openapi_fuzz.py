"""A fuzzer in the test suite: schemathesis generates requests from the app's own OpenAPI
document, for every operation, as each role (signed in, with the CSRF header) and as an
anonymous visitor, and no answer may be a server error.

Seeded and bounded: ``PODIUM_FUZZ_EXAMPLES`` examples per operation (20 by default), valid
and invalid by the schema (schemathesis' positive and negative modes), derandomised, so a
run is repeatable. Each operation is fuzzed in full as the first role that may use it
(visitor, executive, trainer, HR, admin); every other role gets a tenth as many examples,
which check its refusal (or, for an admin on a trainer's page, the same code again).
Cases it found are kept as regular tests (tests/test_parameters.py, tests/security/).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from app.db import Database
from app.demo import DEMO_PASSWORD, load_demo
from app.main import create_app
from app.models import Role
from tests.conftest import CSRF_RE, make_settings
from tests.routes_walk import api_routes
from tests.test_access import _access_rules

EXAMPLES = int(os.environ.get("PODIUM_FUZZ_EXAMPLES", "20"))
REFUSED_EXAMPLES = max(1, EXAMPLES // 10)
ACCOUNTS = {"executive": "executive@demo.podium.example", "trainer": "trainer@demo.podium.example",
            "hr": "hr@demo.podium.example", "admin": "admin@demo.podium.example"}
# Operations that would end the fuzzer's own session (it signs in again when one does).
SESSION_ENDING = {("POST", "/logout"), ("POST", "/account/password")}


@dataclass
class Browser:
    """A signed-in visitor's cookies and CSRF token, renewed when the session ends."""

    app: FastAPI
    email: str | None
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def sign_in(self) -> None:
        with TestClient(self.app, base_url="http://testserver",
                        follow_redirects=False) as client:
            page = client.get("/login")
            if self.email is not None:
                token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
                signed = client.post("/login", data={"email": self.email,
                                                     "password": DEMO_PASSWORD,
                                                     "csrf_token": token})
                assert signed.status_code == 303, signed.text[:300]
                page = client.get("/account")
            self.token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
            self.cookies = dict(client.cookies.items())


@pytest.fixture
def fuzz_app(database_url: str, database: Database) -> FastAPI:
    """Podium in development (its OpenAPI document is served there) with the demo loaded,
    so that operations reach real courses, users and enrolments."""
    settings = make_settings(database_url, env="development", cookie_secure=False)
    with database.session(write=True) as session:
        load_demo(session, settings)
    return create_app(settings, database)


ROLES = ["anonymous", "executive", "trainer", "hr", "admin"]


def _owners(app: FastAPI) -> dict[tuple[str, str], str]:
    """For each operation (method, path), the first role of ROLES its route admits: that
    role fuzzes it in full (an admin may use the trainer's pages, but they run the same
    code for both)."""
    owners = {}
    for path, route in api_routes(app.routes):
        rule = _access_rules(route)[0]
        owner = next(role for role in ROLES if rule == "public" or (
            role != "anonymous" and (rule == "authenticated"
                                     or Role(role) in rule)))  # type: ignore[operator]
        owners |= {(method, path): owner for method in route.methods}
    return owners


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_with_a_server_error(fuzz_app: FastAPI, role: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    browser = Browser(fuzz_app, ACCOUNTS.get(role))
    browser.sign_in()
    owners = _owners(fuzz_app)
    failures: list[str] = []
    calls = 0
    operations = mine = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SESSION_ENDING:
            continue
        operations += 1
        examples = REFUSED_EXAMPLES
        if owners[operation.method.upper(), operation.path] == role:
            examples, mine = EXAMPLES, mine + 1

        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        @hypothesis_settings(max_examples=examples, derandomize=True, deadline=None,
                             database=None, suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            try:
                response = case.call(cookies=browser.cookies,
                                     headers={"X-CSRF-Token": browser.token})
            except Exception as exc:  # an unhandled error reached the client: a 500
                failures.append(f"{case.method} {case.formatted_path} -> "
                                f"{type(exc).__name__}: {exc}"[:300])
                return
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> "
                                f"{response.status_code}: {case.as_curl_command()}")
            elif browser.email and response.status_code == 401:
                browser.sign_in()  # something this role may do ended its own session

        run()
    elapsed = time.monotonic() - started
    print(f"\nfuzz {role}: {operations} operations ({mine} in full), {calls} requests, "
          f"{elapsed:.1f} s, {len(failures)} server errors")
    assert failures == []
