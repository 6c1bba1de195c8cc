"""What the HTTP benchmarks share: serving an app with uvicorn in its own process group, a
small cookie-keeping client, and wrk driven by a generated Lua script.

The Lua script holds a *pool* of ready-made requests (method, path, headers, body). wrk
calls ``request()`` once per request on each of its threads; thread ``k`` of ``T`` takes
the pool's entries ``k, k+T, k+2T, …`` in turn and starts again at its first one when it
has sent them all. A pool of one entry is the same request every time; a pool of 64
sessions spreads the requests over 64 people; a pool of (person, lesson) pairs sized
above the requests wrk will send never repeats one. The script counts answers whose
status is not the expected one (wrk itself counts only 4xx/5xx, so a 303 to ``/login``
would look like success), how many requests each thread sent past the end of its share
(``repeats``), and prints wrk's exact percentiles from ``done()``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from types import FrameType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable  # the project's virtualenv: run the bench with .venv/bin/python

HOST = "127.0.0.1"
SESSION_COOKIE = "podium_session"

CSRF_INPUT_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_HEADER_RE = re.compile(r'hx-headers=\'\{"X-CSRF-Token": "([^"]+)"\}\'')
ERROR_LINE_RE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b")
SETUP_TIMEOUT_S = 600  # one setup command (`podium db upgrade`, `podium demo`, …)
STARTUP_TIMEOUT_S = 60  # until a server answers (the machine may be shared)
HTTP_TIMEOUT_S = 30  # one request of the setup and the checks
STOP_TIMEOUT_S = 10  # SIGTERM, then SIGKILL


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- arguments


def parse_duration(text: str) -> int:
    """wrk-style duration (``10``, ``10s``, ``2m``) in whole seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([sm]?)\s*", text)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 10s, 2m)")
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


def parse_duration_or_zero(text: str) -> int:
    return 0 if text.strip() in {"0", "0s"} else parse_duration(text)


def redact(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def podium_command(*args: str) -> list[str]:
    """``podium ARGS`` with the bench's interpreter, importing ``app`` from this tree
    (``-c`` puts the working directory, the project root, first on ``sys.path``)."""
    return [PYTHON, "-c", "import sys; from app.cli import main; sys.argv[0] = 'podium'; main()",
            *args]


def run_checked(command: list[str], env: dict[str, str], what: str, *,
                stdin: str | None = None, timeout: int = SETUP_TIMEOUT_S) -> str:
    """Run a setup command from the project root; its stdout, or BenchError."""
    try:
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True,
                                text=True, timeout=timeout, check=False, input=stdin)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} took longer than {timeout} s") from exc
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n"
                         f"{result.stdout[-2000:]}{result.stderr[-4000:]}")
    return result.stdout


def app_env(database_url: str) -> dict[str, str]:
    """The environment of the app's processes: development settings on this database, no
    background jobs in the web processes; the caller's other PODIUM_* variables dropped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(PODIUM_ENV="development", PODIUM_DATABASE_URL=database_url,
               PODIUM_WORKER_IN_PROCESS="false",  # measure requests, not background jobs
               PYTHONDONTWRITEBYTECODE="1")
    return env


def production_env(database_url: str) -> dict[str, str]:
    """How a deployment runs the app (``PODIUM_ENV=production``: templates read once, no
    static-file watching, JSON logs), for the servers a bench measures. Setting up the
    demo content needs ``app_env``: `podium demo` runs in development only. Cookies are
    not marked Secure: the bench talks plain HTTP on loopback."""
    env = app_env(database_url)
    env.update(PODIUM_ENV="production", PODIUM_SECRET_KEY=secrets.token_urlsafe(48),
               PODIUM_BASE_URL="http://127.0.0.1", PODIUM_COOKIE_SECURE="false")
    return env


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
    """The app under uvicorn (uvloop, httptools) on a free loopback port; stopped when the
    block ends, however it ends."""
    port = free_port()
    command = [PYTHON, "-m", "uvicorn", spec.app, "--factory", *spec.extra, "--host", HOST,
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

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class Browser:
    """Just enough of a browser for the setup: one host, a cookie jar, no redirects."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                body: str | None = None, headers: dict[str, str] | None = None) -> Reply:
        all_headers = {"User-Agent": "podium-bench", **(headers or {})}
        if self.cookies and "Cookie" not in all_headers:
            all_headers["Cookie"] = self.cookie_header()
        if form is not None:
            body = urllib.parse.urlencode(form)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT_S)
        try:
            conn.request(method, path, body=body.encode() if body is not None else None,
                         headers=all_headers)
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
    """The session-bound CSRF token a page carries (the forms' hidden input, or the
    ``hx-headers`` of ``<body>`` that HTMX and the page's scripts send)."""
    match = CSRF_INPUT_RE.search(page.body) or CSRF_HEADER_RE.search(page.body)
    if match is None:
        raise BenchError(f"no CSRF token in {what}")
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


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise BenchError(f"{what} answered {reply.status}, not {status}:\n{reply.body[:1500]}")
    return reply


# --------------------------------------------------------------------------- wrk


@dataclass(frozen=True)
class Request:
    """One request exactly as wrk will send it (wrk adds Host and Content-Length)."""

    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None

    def send(self, port: int) -> Reply:
        return Browser(port).request(self.method, self.path, headers=self.headers,
                                     body=self.body)


LUA_TEMPLATE = """-- generated by bench/_wrk.py: {count} requests, each thread its share in turn
local threads_total = {threads}
local expected = {expected}
local pool = {{
{entries}
}}

local threads = {{}}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  last_bad = 0
  sent = 0
  mine = {{}}
  local step = threads_total
  local first = id + 1
  if #pool < threads_total then  -- fewer entries than threads: every thread takes all
    step, first = 1, 1
  end
  for i = first, #pool, step do
    local e = pool[i]
    mine[#mine + 1] = wrk.format(e[1], e[2], e[3], e[4])
  end
  share = #mine
  position = 0
end

function request()
  position = position + 1
  if position > share then position = 1 end
  sent = sent + 1
  return mine[position]
end

function response(status, headers, body)
  if status ~= expected then
    non200 = non200 + 1
    last_bad = status
  end
end

function done(summary, latency, requests)
  local non200_total, sent_total, repeats_total, bad = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    non200_total = non200_total + thread:get("non200")
    local s, n = thread:get("sent"), thread:get("share")
    sent_total = sent_total + s
    if s > n then repeats_total = repeats_total + s - n end
    if thread:get("last_bad") ~= 0 then bad = thread:get("last_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT {{\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, " ..
    "\\"p50_us\\": %d, \\"p90_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d, " ..
    "\\"mean_us\\": %d, \\"connect_errors\\": %d, \\"read_errors\\": %d, " ..
    "\\"write_errors\\": %d, \\"timeouts\\": %d, \\"non200\\": %d, \\"last_bad_status\\": %d, " ..
    "\\"sent\\": %d, \\"repeats\\": %d}}\\n",
    summary.requests, summary.duration, summary.bytes,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(90)),
    math.floor(latency:percentile(99)), math.floor(latency.max), math.floor(latency.mean),
    e.connect, e.read, e.write, e.timeout, non200_total, bad, sent_total, repeats_total))
end
"""


def lua_string(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) > 126 for ch in value):
        raise BenchError(f"unexpected character in a request: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lua_entry(request: Request) -> str:
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                        for k, v in request.headers.items())
    body = "nil" if request.body is None else lua_string(request.body)
    return (f"  {{{lua_string(request.method)}, {lua_string(request.path)}, "
            f"{{{headers}}}, {body}}},")


def write_lua(path: Path, pool: Sequence[Request], *, threads: int, expected: int) -> Path:
    if not pool:
        raise BenchError(f"no requests for {path.name}")
    path.write_text(LUA_TEMPLATE.format(
        count=len(pool), threads=threads, expected=expected,
        entries="\n".join(_lua_entry(r) for r in pool)))
    return path


@dataclass(frozen=True)
class WrkRun:
    """One wrk invocation."""

    script: Path
    port: int
    threads: int
    connections: int
    seconds: int
    timeout_s: int

    def command(self) -> list[str]:
        return ["wrk", f"-t{self.threads}", f"-c{self.connections}", f"-d{self.seconds}s",
                f"--timeout={self.timeout_s}s", "--latency", "-s", str(self.script),
                f"http://{HOST}:{self.port}/"]


def run_wrk(run: WrkRun, what: str) -> tuple[dict[str, int], str]:
    """wrk's figures (the script's BENCH_RESULT line) and its whole output."""
    try:
        result = subprocess.run(run.command(), capture_output=True, text=True, check=False,
                                timeout=run.seconds + run.timeout_s + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk on {what} did not finish in time") from exc
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_RESULT ")),
                None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk on {what} failed (exit {result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return json.loads(line.removeprefix("BENCH_RESULT ")), result.stdout


@dataclass(frozen=True)
class Figures:
    """What one measured wrk run gave."""

    requests: int
    duration_s: float
    req_per_s: float
    p50_ms: float | None  # None: not one response in the run
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    # Little's law: req/s x mean latency. Well below the connections means some of them
    # waited the whole run for an answer (wrk reports no latency for those): see stalled().
    busy_connections: float
    errors: int  # wrk's connect/read/write errors and timeouts
    non_expected: int  # answers whose status was not the expected one
    last_bad_status: int
    sent: int  # requests the script handed to wrk (answered or not)
    repeats: int  # requests past the end of a thread's share of the pool
    bytes_per_response: float | None

    @classmethod
    def from_wrk(cls, raw: dict[str, int]) -> Figures:
        duration_s = raw["duration_us"] / 1e6
        requests = raw["requests"]

        def ms(key: str) -> float | None:
            return raw[key] / 1000 if requests else None

        return cls(
            requests=requests, duration_s=round(duration_s, 3),
            req_per_s=round(requests / duration_s, 1),
            p50_ms=ms("p50_us"), p90_ms=ms("p90_us"), p99_ms=ms("p99_us"),
            max_ms=ms("max_us"), mean_ms=ms("mean_us"),
            busy_connections=round(requests / duration_s * raw["mean_us"] / 1e6, 1),
            errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"]
            + raw["timeouts"],
            non_expected=raw["non200"], last_bad_status=raw["last_bad_status"],
            sent=raw["sent"], repeats=raw["repeats"],
            bytes_per_response=round(raw["bytes"] / requests, 1) if requests else None)


STALLED_SHARE = 0.8


def stalled(figures: Figures, connections: int) -> bool:
    """No answer at all, or fewer busy connections than STALLED_SHARE of those one would
    expect: each connection loses on average half a request's time at the end of the run
    (the request in flight when wrk stops is not counted)."""
    if figures.requests == 0:
        return True
    if connections == 1 or figures.mean_ms is None:
        return False
    expected = connections * max(0.0, 1 - figures.mean_ms / 1000 / (2 * figures.duration_s))
    return figures.busy_connections < STALLED_SHARE * expected


# --------------------------------------------------------------------------- helpers


def fmt(value: float | None, width: int = 0, precision: int = 2, suffix: str = "") -> str:
    text = "-" if value is None else f"{value:,.{precision}f}{suffix}"
    return f"{text:>{width}}"


def write_results(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def _terminate(signum: int, _frame: FrameType | None) -> None:
    print("bench: terminated; stopping the servers", file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: servers stop


def guarded_main(run: Callable[[], int]) -> int:
    """Run a benchmark so that its servers stop on every way out: exit 2 when it cannot
    be set up (BenchError), 130 on Ctrl-C, 128+15 on SIGTERM."""
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (a shell's `&`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run()
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130
