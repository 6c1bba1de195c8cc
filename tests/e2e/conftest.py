"""Browser tests: the app served by uvicorn on a free loopback port, driven by Playwright
in Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn

from app.db import Database
from app.demo import DEMO_PASSWORD, load_demo
from app.main import create_app
from tests.conftest import make_settings

CHROMIUM = os.environ.get("PODIUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, database: Database, **overrides: object) -> Iterator[str]:
    """The app with these settings, served by uvicorn on a free loopback port (plain http,
    so the session cookie cannot be Secure here); yields its address."""
    port = _free_port()
    address = f"http://127.0.0.1:{port}"
    settings = make_settings(database_url, **{"cookie_secure": False, "base_url": address,
                                              **overrides})
    app = create_app(settings, database)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield address
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="session")
def live_server(database_url: str, database: Database) -> Iterator[str]:
    with serve(database_url, database) as address:
        yield address


@pytest.fixture
def dev_server(database_url: str, database: Database) -> Iterator[str]:
    """Podium as `make run` serves it: development mode, emails in the admins' mailbox,
    background jobs run in the server's own process (for one test only, so its worker
    never touches another test's jobs)."""
    with serve(database_url, database, env="development", worker_in_process=True) as address:
        yield address


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield instance
        instance.close()


# Console errors that are not the page's: a resource the test's own navigation cut short,
# and htmx's report of a live request (a counter, an autosave) aborted because the page
# was left or submitted while it was in flight. htmx logs "htmx:afterRequest" with every
# failed request; the failures that matter still show as htmx:sendError, htmx:timeout or
# htmx:responseError.
EXPECTED_CONSOLE_ERRORS = ("Failed to load resource", "htmx:sendAbort", "htmx:afterRequest")


@contextmanager
def browser_page(browser, base_url: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context on ``base_url``; JavaScript errors fail the test (HTTP
    statuses are asserted by the tests themselves)."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith(EXPECTED_CONSOLE_ERRORS)
            else None)
    yield page
    context.close()
    assert errors == [], f"browser errors: {errors}"


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with browser_page(browser, live_server) as page:
        yield page


EXECUTIVE = "executive@demo.podium.example"
TRAINER = "trainer@demo.podium.example"


@pytest.fixture
def demo(database: Database, settings) -> None:  # type: ignore[no-untyped-def]
    """The demo accounts and the shipped course, as `make run` loads them."""
    with database.session(write=True) as session:
        load_demo(session, settings)


def open_menu(page) -> None:  # type: ignore[no-untyped-def]
    """Open the Menu where the header has folded its links and "Sign out" into one (below
    1024 px, and below 1200 px for admins and executives, whose links need a wider row)."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()


def follow_nav(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click a link of the main navigation (through the Menu where it is folded)."""
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    """Sign out with the header's button (through the Menu where it is folded)."""
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()


def sign_in(page, email: str = EXECUTIVE) -> None:  # type: ignore[no-untyped-def]
    """Sign in from the login page as a demo account and land on the home page."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
