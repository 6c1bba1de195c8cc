"""Full-page screenshots of every role's pages at 390, 768 and 1280 px, into a folder.

The pages are those of the every-page browser test (tests/e2e/test_every_page.py), found
the same way, on the same data: a fresh SQLite database in a temporary folder with the demo
(as `make run` loads it) and an essay waiting for the trainer. Uses Debian's Chromium
(PODIUM_CHROMIUM to use another). Files are named <role>/<width>-<nn>-<page>.png.

    .venv/bin/python bench/screenshots.py /tmp/shots
    .venv/bin/python bench/screenshots.py /tmp/shots --role admin --width 390
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from sqlmodel import select  # noqa: E402

from app import migrate  # noqa: E402
from app.db import Database  # noqa: E402
from app.demo import load_demo  # noqa: E402
from app.models import Role, User  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from tests.e2e.test_every_page import (  # noqa: E402
    EMAILS,
    ROLE_PAGES,
    WIDTHS,
    _essay_course,
    walk,
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--role", choices=[r.value for r in ROLE_PAGES], action="append")
    parser.add_argument("--width", type=int, choices=WIDTHS, action="append")
    args = parser.parse_args()
    roles = [Role(r) for r in args.role] if args.role else list(ROLE_PAGES)
    widths = tuple(args.width) if args.width else WIDTHS

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="podium-shots-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'podium.db'}"
        migrate.upgrade(url)
        database = Database(url)
        settings = make_settings(url)
        with database.session(write=True) as session:
            load_demo(session, settings)
            executive = session.exec(select(User).where(
                User.email == EMAILS[Role.executive])).one()
            _essay_course(session, executive)
        with serve(url, database) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                 headless=True)
            for role in roles:
                order = list(ROLE_PAGES[role])
                folder = args.folder / role.value
                folder.mkdir(parents=True, exist_ok=True)

                def shoot(page, name: str, path: str, width: int,  # type: ignore[no-untyped-def]
                          folder: Path = folder, order: list[str] = order,
                          who: str = role.value) -> list[object]:
                    response = page.goto(path, wait_until="networkidle")
                    number = order.index(name) + 1
                    target = folder / f"{width}-{number:02d}-{_slug(name)}.png"
                    page.screenshot(path=str(target), full_page=True)
                    status = response.status if response else "-"
                    print(f"{status} {who:9} {width:4}px {path}  ->  {target}")
                    return []

                walk(browser, base, role, visit=shoot, widths=widths)
            browser.close()
        database.dispose()


if __name__ == "__main__":
    main()
