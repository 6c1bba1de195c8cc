"""Profile Podium's hot paths in one process, with pyinstrument, and count their queries.

The app is called as an ASGI application on one event loop, and the thread-pool hop
(``anyio.to_thread.run_sync``) runs inline, so the profile holds every frame a request
runs (middleware, dependencies, the handler, the template) in one thread: CPU time per
request, not waiting. A fresh SQLite database (or ``--database-url``, an empty throwaway
PostgreSQL database) gets the demo content; the demo executive signs in.

    .venv/bin/python bench/profile_hot_paths.py [--target lesson] [-n 300] [--html out.html]
        [--floor]   # bench/floor_app.py: adds floor-public, floor and floor-write

Prints the queries per request and the milliseconds of CPU per request of each target,
then pyinstrument's text profile of the chosen target (``--target all`` profiles none and
just prints the table).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
EXECUTIVE = "executive@demo.podium.example"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """Just enough of a browser: cookies, form posts, one request at a time."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> Reply:
        body = urlencode(form).encode() if form is not None else b""
        raw_headers = [(b"host", b"127.0.0.1"), (b"user-agent", b"profile")]
        if form is not None:
            raw_headers.append((b"content-type", b"application/x-www-form-urlencoded"))
            raw_headers.append((b"content-length", str(len(body)).encode()))
        for name, value in (headers or {}).items():
            raw_headers.append((name.lower().encode(), value.encode()))
        if self.cookies:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            raw_headers.append((b"cookie", cookie.encode()))
        path_only, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path_only,
                 "raw_path": path_only.encode(), "query_string": query.encode(),
                 "headers": raw_headers, "client": ("127.0.0.1", 50000),
                 "server": ("127.0.0.1", 8000), "root_path": ""}
        sent = False
        reply = Reply(0, {}, b"")
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                reply.status = message["status"]
                for name, value in message["headers"]:
                    key, val = name.decode().lower(), value.decode()
                    if key == "set-cookie":
                        cname, _, rest = val.partition("=")
                        self.cookies[cname] = rest.split(";", 1)[0]
                    reply.headers[key] = val
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        reply.body = b"".join(chunks)
        return reply


def inline_threads() -> None:
    """Run ``anyio.to_thread.run_sync`` on the calling thread (for the profile only)."""
    import anyio.from_thread
    import anyio.to_thread
    import starlette.concurrency

    async def run_sync(func: Callable[..., Any], *args: Any, **_kw: Any) -> Any:
        return func(*args)

    def run_from_thread(func: Callable[..., Any], *args: Any) -> Any:
        # One request at a time: what a handler awaits (a free lock) never suspends.
        coroutine = func(*args)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value
        raise RuntimeError("the profile runs one request at a time: nothing may wait")

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
    anyio.from_thread.run = run_from_thread  # type: ignore[assignment]
    anyio.from_thread.run_sync = lambda func, *args: func(*args)  # type: ignore[assignment]
    async def run_in_threadpool(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    starlette.concurrency.run_in_threadpool = run_in_threadpool  # type: ignore[assignment]
    import fastapi.concurrency
    import fastapi.dependencies.utils
    import fastapi.routing

    for module in (fastapi.routing, fastapi.dependencies.utils, fastapi.concurrency):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = starlette.concurrency.run_in_threadpool  # type: ignore[attr-defined]


async def main_async(args: argparse.Namespace) -> None:
    from sqlalchemy import event

    from app.config import get_settings
    from app.demo import DEMO_PASSWORD
    from app.main import create_app

    inline_threads()
    if args.floor:  # Podium's app with the floor pages of hot_paths.py added
        from floor_app import FLOOR_PATH, PUBLIC_FLOOR_PATH, WRITE_FLOOR_PATH
        from floor_app import create_app as create_floor_app

        app = create_floor_app()
    else:
        app = create_app(get_settings())
    queries = 0

    @event.listens_for(app.state.db.engine, "before_cursor_execute")
    def _count(*_a: Any) -> None:
        nonlocal queries
        queries += 1

    if app.state.db.is_sqlite:  # SQLite's BEGIN goes to the driver directly: counted here
        event.listen(app.state.db.engine, "begin", _count)

    async with app.router.lifespan_context(app):
        client = Client(app)
        login = await client.request("GET", "/login")
        token = CSRF_RE.search(login.text).group(1)  # type: ignore[union-attr]
        reply = await client.request("POST", "/login", form={
            "email": EXECUTIVE, "password": DEMO_PASSWORD, "csrf_token": token})
        assert reply.status == 303, reply.status
        lesson_path = f"/courses/{COURSE}/lessons/{LESSON}"
        page = await client.request("GET", lesson_path)
        assert page.status == 200, page.status
        csrf = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
        hx = {"HX-Request": "true", "X-CSRF-Token": csrf}
        targets: dict[str, Callable[[], Any]] = {
            "lesson": lambda: client.request("GET", lesson_path),
            "course": lambda: client.request("GET", f"/courses/{COURSE}"),
            "home": lambda: client.request("GET", "/"),
            "complete": lambda: client.request("POST", lesson_path + "/complete",
                                               form={}, headers=hx),
            "heartbeat": lambda: client.request("POST", lesson_path + "/time",
                                                form={"seconds": "15"}, headers=hx),
        }
        if args.floor:
            targets = {"floor-public": lambda: client.request("GET", PUBLIC_FLOOR_PATH),
                       "floor": lambda: client.request("GET", FLOOR_PATH),
                       "floor-write": lambda: client.request("POST", WRITE_FLOOR_PATH,
                                                             form={}, headers=hx),
                       **targets}
        course_page = await client.request("GET", f"/courses/{COURSE}")
        quiz = re.search(rf'href="/courses/{COURSE}/quizzes/([a-z0-9-]+)"', course_page.text)
        if quiz is not None:
            quiz_path = f"/courses/{COURSE}/quizzes/{quiz.group(1)}"
            started = await client.request("POST", quiz_path + "/attempts",
                                           form={"csrf_token": csrf})
            attempt_path = started.headers.get("location", "")
            attempt = await client.request("GET", attempt_path)
            question = re.search(r'/answers/(\d+)"', attempt.text)
            if attempt.status == 200 and question is not None:
                qid = question.group(1)
                flip = iter(range(10**9))
                targets["quiz"] = lambda: client.request("GET", quiz_path)  # in progress
                targets["attempt"] = lambda: client.request("GET", attempt_path)
                targets["answer"] = lambda: client.request(
                    "POST", f"{attempt_path}/answers/{qid}",
                    form={f"q{qid}": str(next(flip) % 2)}, headers=hx)
                targets["answer-same"] = lambda: client.request(
                    "POST", f"{attempt_path}/answers/{qid}", form={f"q{qid}": "0"},
                    headers=hx)
        targets["persona"] = lambda: client.request(
            "POST", "/persona/steps/role/autosave",
            form={"role": f"Chief Executive {next(counter)}"}, headers=hx)
        counter = iter(range(10**9))
        if args.extra:
            for spec in args.extra:
                name, method, path = spec.split(":", 2)
                targets[name] = (lambda m=method, p=path: client.request(
                    m, p, **({"form": {}, "headers": hx} if m == "POST" else {})))
        print(f"{'target':<12}{'status':>7}{'queries':>9}{'ms CPU/req':>12}{'ms wall/req':>12}"
              f"{'bytes':>9}")
        for name, call in targets.items():
            first = await call()
            queries = 0
            started, wall = time.process_time(), time.perf_counter()
            for _ in range(args.n):
                reply = await call()
            per_request = (time.process_time() - started) * 1000 / args.n
            wall_per_request = (time.perf_counter() - wall) * 1000 / args.n
            print(f"{name:<12}{reply.status:>7}{queries / args.n:>9.1f}{per_request:>12.2f}"
                  f"{wall_per_request:>12.2f}{len(first.body):>9}")
        if args.target != "all":
            from pyinstrument import Profiler

            call = targets[args.target]
            profiler = Profiler(interval=0.0002, async_mode="disabled")
            profiler.start()
            for _ in range(args.n):
                await call()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False,
                                       short_mode=False, time="percent_of_total"))
            if args.flat:
                print(profiler.output_text(unicode=False, color=False, flat=True,
                                           time="percent_of_total"))
            if args.html:
                Path(args.html).write_text(profiler.output_html())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="lesson")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--html")
    parser.add_argument("--floor", action="store_true",
                        help="serve bench/floor_app.py and add its pages as the targets "
                             "floor-public, floor and floor-write")
    parser.add_argument("--flat", action="store_true", help="also the flat (self time) list")
    parser.add_argument("--extra", nargs="*", help="name:METHOD:/path targets to add")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="podium-profile-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env["PODIUM_ENV"] = "development"
    env["PODIUM_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/profile.db"
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(VENV_BIN / "podium"), *command], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    # the app as deployed (templates read once, no static watching); the demo needs
    # development, the app itself does not
    os.environ.update(env, PODIUM_ENV="production", PODIUM_SECRET_KEY=secrets.token_urlsafe(48),
                      PODIUM_BASE_URL="http://127.0.0.1", PODIUM_COOKIE_SECURE="false")
    sys.path.insert(0, str(PROJECT_ROOT))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
