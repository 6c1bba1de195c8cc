"""Hand-run benchmark of Podium's hottest pages against a bare FastAPI baseline.

In one run, on loopback, with wrk (``-t2 -c64 --latency``, 10 s by default):

* ``lesson``   GET  /courses/executive-enablement/lessons/trust-and-transparency
               as the signed-in demo executive;
* ``complete`` POST /courses/executive-enablement/lessons/<slug>/complete
               with ``HX-Request: true`` and ``X-CSRF-Token`` (idempotent);
* ``baseline`` GET  /articles/1 of ``bench/baseline_app.py``: one SQLModel ``session.get``
               and a Jinja2 page of about the lesson page's size.

Both apps run under uvicorn with 2 workers (uvloop, httptools), in a temporary directory
with a fresh database. Prints a table (req/s, p50, p99 and the ratios to the baseline)
and writes JSON to ``bench/results/<timestamp>.json``. See ``bench/README.md``.

    .venv/bin/python bench/lesson_page.py [-d 10s] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from types import FrameType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
RESULTS_DIR = BENCH_DIR / "results"

HOST = "127.0.0.1"
COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
EXECUTIVE_EMAIL = "executive@demo.podium.example"
SESSION_COOKIE = "podium_session"
BASELINE_PATH = "/articles/1"

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
ERROR_LINE_RE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b")
SETUP_TIMEOUT_S = 300  # each of `podium db upgrade` and `podium demo`
STARTUP_TIMEOUT_S = 30  # until a server answers
HTTP_TIMEOUT_S = 30  # one request of the sign-in and the checks
STOP_TIMEOUT_S = 10  # SIGTERM, then SIGKILL
STALLED_SHARE = 0.8  # busy connections below this share of -c: flagged as stalled


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


# --------------------------------------------------------------------------- arguments


def parse_duration(text: str) -> int:
    """wrk-style duration (``10``, ``10s``, ``2m``) in whole seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([sm]?)\s*", text)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 10s, 2m)")
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


def parse_duration_or_zero(text: str) -> int:
    return 0 if text.strip() in {"0", "0s"} else parse_duration(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the lesson page and mark-complete against a bare baseline.")
    parser.add_argument("-d", "--duration", type=parse_duration, default=10,
                        help="measured wrk run per target (default 10s)")
    parser.add_argument("-c", "--connections", type=int, default=64)
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per app")
    parser.add_argument("--warmup", type=parse_duration_or_zero, default=2,
                        help="unrecorded wrk run before each target (default 2s; 0 to skip)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every target this many times, report medians")
    parser.add_argument("--timeout", type=parse_duration, default=10,
                        help="wrk --timeout: slower responses count as errors (default 10s)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL of an EMPTY database the run may fill and write "
                             "to (default: a fresh SQLite file in a temporary directory)")
    parser.add_argument("--lesson", default=LESSON, help="slug of the lesson page to GET")
    parser.add_argument("--complete-lesson", default=LESSON,
                        help="slug of the lesson to mark complete")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--keep-tmp", action="store_true",
                        help="keep the temporary directory (databases, server logs)")
    args = parser.parse_args(argv)
    if args.connections < args.threads or min(args.threads, args.workers, args.rounds) < 1:
        parser.error("need connections >= threads >= 1, workers >= 1 and rounds >= 1")
    return args


def redact(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def run_checked(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True,
                                text=True, timeout=SETUP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} took longer than {SETUP_TIMEOUT_S} s") from exc
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n"
                         f"{result.stdout[-2000:]}{result.stderr[-4000:]}")


@dataclass(frozen=True)
class AppSpec:
    """How to serve one app with uvicorn."""

    name: str
    app: str  # uvicorn factory, module:function
    env: dict[str, str]
    ready_path: str
    extra: tuple[str, ...] = ()


@dataclass
class Server:
    """A uvicorn process group of our own, stopped by its id."""

    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_text()[-chars:]

    def errors(self) -> tuple[int, list[str]]:
        """How many tracebacks the server logged, and their distinct exception lines."""
        text = self.log_text()
        kinds = sorted({line[:200] for line in text.splitlines()
                        if ERROR_LINE_RE.match(line)})
        return text.count("Traceback (most recent call last)"), kinds[:5]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)  # the master and its workers
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # graceful shutdown waits for stuck requests
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def serve(spec: AppSpec, *, workers: int, log_path: Path) -> Iterator[Server]:
    port = free_port()
    command = [str(VENV_BIN / "uvicorn"), spec.app, "--factory", *spec.extra, "--host", HOST,
               "--port", str(port), "--workers", str(workers), "--no-access-log"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=spec.env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = Server(spec.name, port, log_path, process)
    try:
        wait_until_ready(server, spec.ready_path)
        yield server
    finally:
        server.stop()


def wait_until_ready(server: Server, path: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} server exited with {server.process.returncode}:\n"
                             f"{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"{server.name} server did not answer within {STARTUP_TIMEOUT_S} s:\n"
                     f"{server.log_tail()}")


# --------------------------------------------------------------------------- HTTP client


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: str


@dataclass
class Browser:
    """Just enough of a browser for signing in: one host, a cookie jar, no redirects."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        all_headers = {"User-Agent": "podium-bench", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.getheaders(),
                          response.read().decode("utf-8", errors="replace"))
        finally:
            conn.close()
        for name, value in reply.headers:
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[key] = morsel.value
                    else:
                        self.cookies.pop(key, None)
        return reply

    def cookie_header(self) -> str:
        return "; ".join(f"{key}={value}" for key, value in self.cookies.items())


def csrf_token(page: Reply, what: str) -> str:
    match = CSRF_RE.search(page.body)
    if match is None:
        raise BenchError(f"no csrf_token input in {what}")
    return match.group(1)


def sign_in(browser: Browser, email: str, password: str) -> None:
    login = browser.request("GET", "/login")
    if login.status != 200:
        raise BenchError(f"GET /login answered {login.status}")
    reply = browser.request("POST", "/login", form={
        "email": email, "password": password, "csrf_token": csrf_token(login, "/login"),
        "next": "/"})
    if reply.status not in (302, 303) or SESSION_COOKIE not in browser.cookies:
        raise BenchError(f"sign-in as {email} failed: POST /login answered {reply.status} "
                         f"without a {SESSION_COOKIE} cookie")


# --------------------------------------------------------------------------- wrk

LUA_TEMPLATE = """-- generated by bench/lesson_page.py
wrk.method = {method}
{headers}
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local non200_total = 0
  for _, thread in ipairs(threads) do
    non200_total = non200_total + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT {{\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, " ..
    "\\"p50_us\\": %d, \\"p90_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d, " ..
    "\\"mean_us\\": %d, \\"connect_errors\\": %d, \\"read_errors\\": %d, " ..
    "\\"write_errors\\": %d, \\"timeouts\\": %d, \\"non200\\": %d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(90)),
    math.floor(latency:percentile(99)), math.floor(latency.max), math.floor(latency.mean),
    e.connect, e.read, e.write, e.timeout, non200_total))
end
"""


def lua_string(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) > 126 for ch in value):
        raise BenchError(f"unexpected character in a header value: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_lua(path: Path, method: str, headers: dict[str, str]) -> Path:
    lines = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}"
                      for k, v in headers.items())
    path.write_text(LUA_TEMPLATE.format(method=lua_string(method), headers=lines))
    return path


@dataclass(frozen=True)
class Target:
    name: str
    app: AppSpec
    method: str
    path: str
    headers: dict[str, str]
    script: Path


@dataclass(frozen=True)
class Measurement:
    target: str
    round: int
    requests: int
    duration_s: float
    req_per_s: float
    p50_ms: float | None  # None: not one response in the run
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    # Little's law: req/s x mean latency. Well below the connections means some of them
    # waited the whole run for an answer (wrk reports no latency for those).
    busy_connections: float
    errors: int  # wrk's connect/read/write errors and timeouts
    non200: int
    server_tracebacks: int  # logged by the server while it served this target
    server_exceptions: list[str]
    bytes_per_response: float | None


def wrk_command(target: Target, port: int, args: argparse.Namespace, seconds: int) -> list[str]:
    return ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
            f"--timeout={args.timeout}s", "--latency", "-s", str(target.script),
            f"http://{HOST}:{port}{target.path}"]


def run_wrk(target: Target, port: int, args: argparse.Namespace, seconds: int,
            ) -> tuple[dict[str, int], str]:
    command = wrk_command(target, port, args, seconds)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                timeout=seconds + args.timeout + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk on {target.name} did not finish in time") from exc
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_RESULT ")),
                None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk on {target.name} failed (exit {result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return json.loads(line.removeprefix("BENCH_RESULT ")), result.stdout


def to_measurement(target: Target, round_no: int, raw: dict[str, int],
                   server: Server) -> Measurement:
    duration_s = raw["duration_us"] / 1e6
    requests = raw["requests"]

    def ms(key: str) -> float | None:
        return raw[key] / 1000 if requests else None

    tracebacks, exceptions = server.errors()
    return Measurement(
        target=target.name, round=round_no, requests=requests,
        duration_s=round(duration_s, 3), req_per_s=round(requests / duration_s, 1),
        p50_ms=ms("p50_us"), p90_ms=ms("p90_us"), p99_ms=ms("p99_us"), max_ms=ms("max_us"),
        busy_connections=round(requests / duration_s * raw["mean_us"] / 1e6, 1),
        errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"]
        + raw["timeouts"],
        non200=raw["non200"], server_tracebacks=tracebacks, server_exceptions=exceptions,
        bytes_per_response=round(raw["bytes"] / requests, 1) if requests else None,
    )


# --------------------------------------------------------------------------- preparation


def app_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(PODIUM_ENV="development", PODIUM_DATABASE_URL=database_url,
               PODIUM_WORKER_IN_PROCESS="false",  # measure requests, not background jobs
               PYTHONDONTWRITEBYTECODE="1")
    return env


def demo_password(env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c",
         "from app.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        raise BenchError(f"could not read app.demo.DEMO_PASSWORD:\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def check(reply: Reply, what: str) -> None:
    if reply.status != 200:
        raise BenchError(f"{what} answered {reply.status}, not 200:\n{reply.body[:1500]}")


def probe(target: Target, port: int) -> Reply:
    """One request exactly as wrk will send it; it must answer 200."""
    reply = Browser(port).request(target.method, target.path, headers=target.headers)
    check(reply, f"{target.name}: {target.method} {target.path}")
    return reply


def lesson_paths(args: argparse.Namespace) -> tuple[str, str]:
    return (f"/courses/{COURSE}/lessons/{args.lesson}",
            f"/courses/{COURSE}/lessons/{args.complete_lesson}/complete")


def check_app(server: Server, args: argparse.Namespace, password: str) -> int:
    """Sign in as the demo executive and check that the lesson page and mark-complete
    answer 200 (mark-complete twice: the second time takes the idempotent path, as every
    measured request will). Returns the size of the lesson page as it will be measured."""
    browser = Browser(server.port)
    sign_in(browser, EXECUTIVE_EMAIL, password)
    lesson_path, complete_path = lesson_paths(args)
    page = browser.request("GET", lesson_path)
    check(page, f"GET {lesson_path} (signed in as {EXECUTIVE_EMAIL})")
    htmx = {"HX-Request": "true", "X-CSRF-Token": csrf_token(page, lesson_path)}
    for attempt in ("first", "second"):
        check(browser.request("POST", complete_path, headers=htmx),
              f"{attempt} POST {complete_path} with HX-Request")
    page = browser.request("GET", lesson_path)
    check(page, f"GET {lesson_path} after completing")
    return len(page.body.encode())


def signed_in_target(name: str, spec: AppSpec, server: Server, tmp: Path,
                     args: argparse.Namespace, password: str) -> Target:
    """A target of the app with a session signed in just now, and its wrk script.

    A fresh session per target keeps the measured path the same in every run: the app
    refreshes a session's last-seen time (a write) on its first request after 60 s, so a
    session signed in earlier would take that path at a moment that depends on how long
    the setup took."""
    browser = Browser(server.port)
    sign_in(browser, EXECUTIVE_EMAIL, password)
    lesson_path, complete_path = lesson_paths(args)
    page = browser.request("GET", lesson_path)
    check(page, f"GET {lesson_path} (signed in as {EXECUTIVE_EMAIL})")
    headers = {"Cookie": browser.cookie_header()}
    method, path = "GET", lesson_path
    if name == "complete":
        # The CSRF token is bound to the session cookie set at sign-in.
        headers |= {"HX-Request": "true", "X-CSRF-Token": csrf_token(page, lesson_path)}
        method, path = "POST", complete_path
    return Target(name, spec, method, path, headers,
                  write_lua(tmp / f"{name}.lua", method, headers))


# --------------------------------------------------------------------------- report

Summary = dict[str, dict[str, Any]]


def median_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def summarise(measurements: list[Measurement]) -> Summary:
    summary: Summary = {}
    for name in TARGET_ORDER:
        rows = [m for m in measurements if m.target == name]
        summary[name] = {
            "req_per_s": round(statistics.median(m.req_per_s for m in rows), 1),
            "p50_ms": median_or_none([m.p50_ms for m in rows]),
            "p99_ms": median_or_none([m.p99_ms for m in rows]),
            "errors": sum(m.errors for m in rows),
            "non200": sum(m.non200 for m in rows),
            "server_tracebacks": sum(m.server_tracebacks for m in rows),
            "rounds_without_responses": sum(1 for m in rows if m.requests == 0),
            "busy_connections": min(m.busy_connections for m in rows),
        }
    return summary


def ratios(summary: Summary) -> Summary:
    """Each target against the baseline: req/s ratio (< 1 is slower), latency ratios
    (> 1 is slower); None where a side has no value."""
    base = summary["baseline"]
    result: Summary = {}
    for name in ("lesson", "complete"):
        row: dict[str, float | None] = {}
        for key in ("req_per_s", "p50_ms", "p99_ms"):
            mine, theirs = summary[name][key], base[key]
            row[key] = round(mine / theirs, 3) if mine and theirs else None
        result[f"{name}/baseline"] = row
    return result


def fmt(value: float | None, width: int = 0, precision: int = 2, suffix: str = "") -> str:
    text = "-" if value is None else f"{value:,.{precision}f}{suffix}"
    return f"{text:>{width}}"


def format_table(summary: Summary, ratio: Summary, title: str, connections: int) -> str:
    header = (f"{'target':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'wrk err':>9}"
              f"{'non-200':>9}{'srv err':>9}")
    lines = [title, "", header, "-" * len(header)]
    for name, row in summary.items():
        note = ""
        if row["rounds_without_responses"]:
            note = "  NO RESPONSES (hung)"
        elif row["busy_connections"] < STALLED_SHARE * connections:
            note = f"  STALLED: only ~{row['busy_connections']:.0f} connections answered"
        lines.append(f"{name:<20}{fmt(row['req_per_s'], 10, 1)}{fmt(row['p50_ms'], 10)}"
                     f"{fmt(row['p99_ms'], 10)}{row['errors']:>9}{row['non200']:>9}"
                     f"{row['server_tracebacks']:>9}{note}")
    lines.append("")
    for name, row in ratio.items():
        target = name.split("/")[0]
        unreliable = (row["req_per_s"] is not None
                      and summary[target]["busy_connections"] < STALLED_SHARE * connections)
        lines.append(f"{name:<20}{fmt(row['req_per_s'], 10, 3, 'x')}"
                     f"{fmt(row['p50_ms'], 10, 2, 'x')}{fmt(row['p99_ms'], 10, 2, 'x')}"
                     + ("  (stalled: latencies of answered requests only)" if unreliable
                        else ""))
    lines += ["", "ratios: req/s below 1 = fewer requests than the baseline; p50/p99 above 1 "
                  "= slower. srv err = tracebacks in the server log."]
    return "\n".join(lines)


def write_results(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- the run

TARGET_ORDER = ("baseline", "lesson", "complete")


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (Debian: apt-get install -y wrk)")
    started = datetime.now(UTC)
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    try:
        return measure(args, started, tmp)
    finally:
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(args: argparse.Namespace, started: datetime, tmp: Path) -> int:
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = app_env(database_url)
    log(f"database {redact(database_url)}; temporary directory {tmp}")
    for step in (["db", "upgrade"], ["demo"]):
        log("podium " + " ".join(step))
        run_checked([str(VENV_BIN / "podium"), *step], env, "podium " + " ".join(step))

    podium = AppSpec("podium", "app.main:create_app", env, "/login")
    password = demo_password(env)
    with serve(podium, workers=args.workers, log_path=tmp / "podium-setup.log") as server:
        log(f"podium serving on {HOST}:{server.port}; signing in and checking the targets")
        page_bytes = check_app(server, args, password)

    baseline_db = tmp / "baseline.db"
    run_checked([str(VENV_BIN / "python"), str(BENCH_DIR / "baseline_app.py"), "--seed",
                 str(baseline_db), "--page-bytes", str(page_bytes)], env, "seeding the baseline")
    baseline_spec = AppSpec("baseline", "baseline_app:create_app",
                            {**env, "BENCH_BASELINE_DB": str(baseline_db)}, BASELINE_PATH,
                            ("--app-dir", str(BENCH_DIR)))
    baseline = Target("baseline", baseline_spec, "GET", BASELINE_PATH, {},
                      write_lua(tmp / "baseline.lua", "GET", {}))

    targets: dict[str, Target] = {}
    measurements: list[Measurement] = []
    outputs: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for round_no in range(1, args.rounds + 1):
        for name in TARGET_ORDER:
            spec = baseline_spec if name == "baseline" else podium
            # A fresh server per target: one that wedges its server cannot spoil the next.
            log_path = tmp / f"{name}-round{round_no}.log"
            with serve(spec, workers=args.workers, log_path=log_path) as server:
                target = targets[name] = (
                    baseline if name == "baseline"
                    else signed_in_target(name, podium, server, tmp, args, password))
                sizes[name] = len(probe(target, server.port).body.encode())
                if args.warmup:
                    run_wrk(target, server.port, args, args.warmup)
                log(f"round {round_no}/{args.rounds}: {target.method} {target.path} "
                    f"for {args.duration} s")
                raw, output = run_wrk(target, server.port, args, args.duration)
                if server.process.poll() is not None:
                    raise BenchError(f"{name} server died during the run:\n{server.log_tail()}")
            m = to_measurement(target, round_no, raw, server)  # after stop: the whole log
            measurements.append(m)
            outputs[f"{name}#{round_no}"] = output
            log(f"  {m.req_per_s:,.1f} req/s, p50 {fmt(m.p50_ms)} ms, p99 {fmt(m.p99_ms)} ms,"
                f" busy connections {m.busy_connections}/{args.connections}, wrk errors "
                f"{m.errors}, non-200 {m.non200}, server tracebacks {m.server_tracebacks}")

    summary = summarise(measurements)
    ratio = ratios(summary)
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    rounds = f"median of {args.rounds} rounds" if args.rounds > 1 else "1 round"
    title = (f"Podium lesson page vs baseline, {kind}: wrk -t{args.threads} -c{args.connections}"
             f" -d{args.duration}s, {args.workers} uvicorn workers, {rounds}")
    result_file = write_results(args.results_dir / f"{started:%Y%m%dT%H%M%SZ}.json", {
        "started_at": started.isoformat(timespec="seconds"),
        "database": kind,
        "database_url": redact(database_url),
        "settings": {"duration_s": args.duration, "connections": args.connections,
                     "threads": args.threads, "workers": args.workers,
                     "warmup_s": args.warmup, "rounds": args.rounds,
                     "wrk_timeout_s": args.timeout},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": sys.version.split()[0]},
        "targets": {t.name: {"method": t.method, "path": t.path,
                             "response_bytes": sizes.get(t.name),
                             "wrk": " ".join(wrk_command(t, 0, args, args.duration))}
                    for t in targets.values()},
        "summary": summary,
        "ratios": ratio,
        "measurements": [asdict(m) for m in measurements],
        "wrk_output": outputs,
    })
    print()
    print(format_table(summary, ratio, title, args.connections))
    print(f"\nresponse bytes: {sizes}\nJSON: {result_file}")
    for m in measurements:
        if m.server_exceptions:
            print(f"{m.target} round {m.round} server exceptions: "
                  + " | ".join(m.server_exceptions), file=sys.stderr)
    bad = [name for name, row in summary.items()
           if row["errors"] or row["non200"] or row["server_tracebacks"]
           or row["busy_connections"] < STALLED_SHARE * args.connections]
    if bad:
        print(f"WARNING: errors, non-200 responses or stalled connections for: {', '.join(bad)}",
              file=sys.stderr)
        return 1
    return 0


def _terminate(signum: int, _frame: FrameType | None) -> None:
    print("bench: terminated; stopping the servers", file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: servers stop


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (a shell's `&`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
