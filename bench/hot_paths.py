"""Hand-run benchmark of Podium's hot paths against a bare FastAPI baseline, in one run.

Reads: the lesson page, the course page, the home page, the quiz page and the attempt
page with an attempt in progress. Writes: mark complete (first time, and again), a quiz
answer saved, the reading-time heartbeat, a persona step saved. Each in three shapes:

* ``many``: ``wrk -t2 -c64`` spread over 64 executives (a cohort after a reminder);
* ``one``:  ``wrk -t2 -c64`` as one executive;
* ``c1``:   ``wrk -t1 -c1`` as one executive (the latency one person feels).

The baseline (``bench/baseline_app.py``: one SQLModel ``session.get``, a page of the lesson
page's size) is measured in the same run with 64 connections and with one. Every
measurement gets a fresh server. Prints one table per database with the ratios to the
baseline and the issue's targets (PASS/MISS), and writes JSON to ``bench/results/``.
See ``bench/README.md``.

    .venv/bin/python bench/hot_paths.py [-d 10s] [--only lesson,complete-again]
        [--shapes many,one,c1] [--database-url sqlite --database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _pages as pages
from _pages import Person, Site
from _writes import WriteReport, libpq_url, watch_for
from _wrk import (
    BENCH_DIR,
    PYTHON,
    RESULTS_DIR,
    SESSION_COOKIE,
    AppSpec,
    BenchError,
    Figures,
    Request,
    Server,
    WrkRun,
    app_env,
    expect,
    fmt,
    guarded_main,
    log,
    parse_duration,
    parse_duration_or_zero,
    podium_command,
    redact,
    run_checked,
    run_wrk,
    serve,
    stalled,
    write_lua,
    write_results,
)

COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
BASELINE_PATH = "/articles/1"
SETUP_THREADS = 4  # parallel requests of the setup (priming, probing)
EXECUTIVES = "bench-exec"
SCOUT = "bench-scout"
FIRST_TIME = "bench-first"


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One hot path and what the issue asks of it."""

    name: str
    kind: str  # "read" or "write"
    what: str
    min_ratio: float  # req/s ÷ baseline's (reads: many and one; writes: many)
    max_p99_ratio: float | None = None  # p99 ÷ baseline's, same shapes
    status: int = 200
    writes_nothing: bool = False  # must write no row and take no write lock
    shapes: tuple[str, ...] = ("many", "one", "c1")


TARGETS = {t.name: t for t in (
    Target("lesson", "read", "GET the lesson page", 1.0, 1.5, writes_nothing=True),
    Target("course", "read", "GET the course page", 0.8, writes_nothing=True),
    Target("home", "read", "GET / (the executive's home page)", 0.8, writes_nothing=True),
    Target("quiz", "read", "GET the quiz page, an attempt in progress", 0.8,
           writes_nothing=True),
    Target("attempt", "read", "GET the attempt page (the questions being answered)", 0.8,
           writes_nothing=True),
    Target("complete-first", "write", "POST …/complete (HTMX), a lesson not yet complete",
           0.6, 3.0, shapes=("many", "c1")),
    Target("complete-again", "write", "POST …/complete (HTMX), the lesson already complete",
           0.6, 3.0, writes_nothing=True),
    Target("answer", "write", "POST …/attempts/N/answers/Q (HTMX quiz autosave)", 0.6, 3.0),
    Target("heartbeat", "write", "POST …/lessons/L/time seconds=30 (reading time)", 0.6, 3.0,
           status=204),
    Target("persona", "write", "POST /persona/steps/S/autosave (HTMX)", 0.6, 3.0),
)}
SHAPES = ("many", "one", "c1")
WRITE_MAX_MS = 1000.0  # writes, 64 connections as one executive: no request waits longer
LESSON_C1_P50_MS = 5.0


# --------------------------------------------------------------------------- arguments


def csv_choice(choices: Iterable[str]) -> Callable[[str], list[str]]:
    allowed = list(choices)

    def parse(text: str) -> list[str]:
        names = [n.strip() for n in text.split(",") if n.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"choose among {', '.join(allowed)} (comma-separated), not {text!r}")
        return [n for n in allowed if n in names]  # the canonical order

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Podium's hot paths against a bare baseline (wrk).")
    parser.add_argument("-d", "--duration", type=parse_duration, default=10,
                        help="measured wrk run per target and shape (default 10s)")
    parser.add_argument("--warmup", type=parse_duration_or_zero, default=2,
                        help="unrecorded wrk run before each measured one (default 2s; 0 skips)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure everything this many times, report medians")
    parser.add_argument("--only", type=csv_choice(TARGETS), default=list(TARGETS),
                        help="targets, comma-separated: " + ",".join(TARGETS))
    parser.add_argument("--shapes", type=csv_choice(SHAPES), default=list(SHAPES),
                        help="traffic shapes, comma-separated: many,one,c1")
    parser.add_argument("-c", "--connections", type=int, default=64,
                        help="wrk connections of the shapes many and one (default 64)")
    parser.add_argument("-t", "--threads", type=int, default=2,
                        help="wrk threads of the shapes many and one (default 2)")
    parser.add_argument("--executives", type=int, default=None,
                        help="executives of the shape many (default: = connections)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per app")
    parser.add_argument("--timeout", type=parse_duration, default=10,
                        help="wrk --timeout: slower responses count as errors (default 10s)")
    parser.add_argument("--database-url", action="append", dest="databases",
                        help="'sqlite' (a fresh file, the default) or the URL of an EMPTY "
                             "PostgreSQL database the run may fill; repeat for several")
    parser.add_argument("--course", default=COURSE)
    parser.add_argument("--lesson", default=LESSON,
                        help="reading lesson read, completed again and sent heartbeats")
    parser.add_argument("--quiz", default=None,
                        help="quiz slug (default: the course page's first quiz)")
    parser.add_argument("--first-time-headroom", type=float, default=1.5,
                        help="(lesson, executive) pairs for complete-first: this many times "
                             "the baseline's req/s x seconds (default 1.5)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--keep-tmp", action="store_true",
                        help="keep the temporary directory (databases, Lua, server logs)")
    args = parser.parse_args(argv)
    args.executives = args.executives or args.connections
    args.databases = args.databases or ["sqlite"]
    if args.connections < args.threads or min(args.threads, args.workers, args.rounds) < 1:
        parser.error("need connections >= threads >= 1, workers >= 1 and rounds >= 1")
    if args.executives < 1 or args.first_time_headroom <= 0:
        parser.error("need executives >= 1 and a positive headroom")
    return args


# --------------------------------------------------------------------------- results


@dataclass
class Measurement:
    target: str
    shape: str
    round: int
    figures: Figures
    server_tracebacks: int
    server_exceptions: list[str]
    pool: int  # distinct requests wrk rotated through
    people: int  # distinct executives in them
    writes: WriteReport | None = None
    first_time_rows: int | None = None  # complete-first: lessons really completed


@dataclass
class Row:
    """The medians of a target in one shape (over the rounds), and its verdict."""

    target: str
    shape: str
    req_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    errors: int
    non_expected: int
    server_tracebacks: int
    stalled: bool
    ratio_req_per_s: float | None = None
    ratio_p99: float | None = None
    writes: str = ""
    notes: list[str] = field(default_factory=list)
    verdict: str = "-"  # PASS, MISS, ERROR or - (no target)
    misses: list[str] = field(default_factory=list)


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def summarise(ms: list[Measurement], connections: int) -> Row:
    first = ms[0]
    figures = [m.figures for m in ms]
    conns = 1 if first.shape == "c1" else connections
    stall = any(stalled(f, conns) for f in figures)
    row = Row(first.target, first.shape,
              req_per_s=round(statistics.median(f.req_per_s for f in figures), 1),
              p50_ms=median(f.p50_ms for f in figures), p99_ms=median(f.p99_ms for f in figures),
              max_ms=max((f.max_ms for f in figures if f.max_ms is not None), default=None),
              errors=sum(f.errors for f in figures),
              non_expected=sum(f.non_expected for f in figures),
              server_tracebacks=sum(m.server_tracebacks for m in ms), stalled=stall)
    reports = [m.writes for m in ms if m.writes is not None]
    if reports:
        row.writes = "; ".join(r.summary() for r in reports)
    for m in ms:
        if m.first_time_rows is not None:
            row.notes.append(f"first-time completions {m.first_time_rows} for "
                             f"{m.figures.requests} answers ({m.figures.sent} sent)")
        if m.figures.repeats and first.target == "complete-first":
            row.notes.append(f"pool exhausted: {m.figures.repeats} requests repeated a pair")
    return row


def trouble(row: Row) -> list[str]:
    """What makes a row's figures unreliable."""
    found = [f"{count} {what}" for count, what in (
        (row.errors, "wrk errors"), (row.non_expected, "unexpected statuses"),
        (row.server_tracebacks, "server tracebacks")) if count]
    return found


def ratio(mine: float | None, theirs: float | None) -> float | None:
    return round(mine / theirs, 3) if mine and theirs else None


def judge(row: Row, base: Row | None, measurements: list[Measurement]) -> None:
    """The ratios to the baseline of the same connections, and the issue's targets."""
    target = TARGETS[row.target]
    if base is not None:
        row.ratio_req_per_s = ratio(row.req_per_s, base.req_per_s)
        row.ratio_p99 = ratio(row.p99_ms, base.p99_ms)
    problems = trouble(row)  # the figures cannot be trusted
    if any("pool exhausted" in note for note in row.notes):
        problems.append("some first-time completions were repeats")
    misses: list[str] = []
    judged = False
    if row.shape in ("many", "one") and (target.kind == "read" or row.shape == "many"):
        judged = True
        if row.ratio_req_per_s is None or row.ratio_req_per_s < target.min_ratio:
            misses.append(f"req/s {fmt(row.ratio_req_per_s, 0, 2, 'x')} < {target.min_ratio}x")
        if target.max_p99_ratio is not None and (
                row.ratio_p99 is None or row.ratio_p99 > target.max_p99_ratio):
            misses.append(f"p99 {fmt(row.ratio_p99, 0, 2, 'x')} > {target.max_p99_ratio}x")
    if target.kind == "write" and row.shape == "one":
        judged = True
        if row.max_ms is None or row.max_ms > WRITE_MAX_MS:
            misses.append(f"max {fmt(row.max_ms, 0, 0)} ms > {WRITE_MAX_MS:.0f} ms")
    if target.name == "lesson" and row.shape == "c1":
        judged = True
        if row.p50_ms is None or row.p50_ms > LESSON_C1_P50_MS:
            misses.append(f"p50 {fmt(row.p50_ms)} ms > {LESSON_C1_P50_MS} ms")
    reports = [m.writes for m in measurements if m.writes is not None]
    if target.writes_nothing and reports:
        judged = True
        failures = [r.failure for r in reports if r.failure]
        if failures:
            problems.append("write watch failed: " + "; ".join(failures))
        elif any(r.wrote or r.locked_samples for r in reports):
            misses.append("wrote or took the write lock")
    stall = ["STALLED: some connections waited longer than the answered requests show"
             ] if row.stalled else []
    row.misses = problems + stall + misses
    row.verdict = ("ERROR" if problems else "STALLED" if stall else "MISS" if misses
                   else "PASS" if judged else "-")


# --------------------------------------------------------------------------- the run


@dataclass
class Pools:
    """Who sends what, per database."""

    people: list[Person]  # the shape many's executives; the first one is the shape one's
    site: Site
    first_time: dict[str, list[Person]] = field(default_factory=dict)  # "r1-many-run" → …


class Bench:
    """One database: its setup, and every measurement on it."""

    def __init__(self, args: argparse.Namespace, database_arg: str, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.url = (f"sqlite:///{tmp / 'podium.db'}" if database_arg == "sqlite"
                    else database_arg)
        self.kind = "PostgreSQL" if self.url.startswith("postgresql") else "SQLite"
        self.env = app_env(self.url)
        self.podium = AppSpec("podium", "app.main:create_app", self.env, "/login")
        self.baseline: AppSpec | None = None
        self.pools: Pools | None = None
        self.measurements: list[Measurement] = []
        self.wrk_output: dict[str, str] = {}
        self.setup_info: dict[str, Any] = {}
        self.sizes: dict[str, int] = {}

    # ---- setup

    def helper(self, *args: str) -> str:
        return run_checked([PYTHON, str(BENCH_DIR / "_executives.py"), *args], self.env,
                           "bench/_executives.py " + " ".join(args[:3]))

    def create_people(self, prefix: str, count: int, open_slugs: Iterable[str] = ()) -> \
            list[Person]:
        out = self.helper("create", "--prefix", prefix, "--count", str(count), "--course",
                          self.args.course, "--open", ",".join(open_slugs))
        return [Person(p["email"], {SESSION_COOKIE: p["token"]})
                for p in map(json.loads, out.splitlines())]

    def set_up(self) -> None:
        if self.kind == "PostgreSQL":
            ensure_empty(self.url)
        for step in (("db", "upgrade"), ("demo",)):
            log(f"{self.kind}: podium {' '.join(step)}")
            run_checked(podium_command(*step), self.env, "podium " + " ".join(step))
        log(f"{self.kind}: {self.args.executives} executives enrolled in {self.args.course}")
        started = time.monotonic()
        scout = self.create_people(SCOUT, 1)[0]
        people = self.create_people(EXECUTIVES, self.args.executives)
        with serve(self.podium, workers=self.args.workers,
                   log_path=self.tmp / "podium-setup.log") as server:
            site = self.discover(server.port, scout)
            log(f"{self.kind}: each executive completes {site.lesson}, starts "
                f"{site.quiz} and opens the persona step {site.persona_step}")
            parallel(lambda p: prepare(p, site, server.port), people)
            page = people[0].prime(server.port, site.lesson_path())
            self.sizes["lesson page"] = len(page.body.encode())
        self.pools = Pools(people, site)
        self.setup_info = {"site": asdict(site), "executives": len(people),
                           "setup_s": round(time.monotonic() - started, 1)}
        baseline_db = self.tmp / "baseline.db"
        run_checked([PYTHON, str(BENCH_DIR / "baseline_app.py"), "--seed", str(baseline_db),
                     "--page-bytes", str(self.sizes["lesson page"])], self.env,
                    "seeding the baseline")
        self.baseline = AppSpec("baseline", "baseline_app:create_app",
                                {**self.env, "BENCH_BASELINE_DB": str(baseline_db)},
                                BASELINE_PATH, ("--app-dir", str(BENCH_DIR)))

    def discover(self, port: int, scout: Person) -> Site:
        """The course's lessons, quizzes and persona steps, from the links on its pages."""
        course = self.args.course
        page = scout.prime(port, f"/courses/{course}")
        lessons, quizzes = pages.course_links(page, course)
        if self.args.lesson not in lessons or not quizzes:
            raise BenchError(f"/courses/{course} links no lesson {self.args.lesson!r} or no "
                             f"quiz (lessons: {lessons}, quizzes: {quizzes})")
        browser = scout.browser(port)
        readings = [slug for slug in lessons if pages.completable(expect(
            browser.request("GET", f"/courses/{course}/lessons/{slug}"), 200,
            f"lesson {slug}"), course, slug)]
        if self.args.lesson not in readings:
            raise BenchError(f"{self.args.lesson} has no 'Mark as complete' button")
        quiz = self.args.quiz or quizzes[0]
        if quiz not in quizzes:
            raise BenchError(f"no quiz {quiz!r} in {course} (quizzes: {quizzes})")
        steps = pages.persona_steps(expect(browser.request("GET", "/persona"), 200, "/persona"))
        if not steps:
            raise BenchError("/persona links no step")
        form = pages.form_controls(expect(browser.request("GET", f"/persona/steps/{steps[0]}"),
                                          200, "persona step"), "step-form", "persona step")
        text = next((c.name for c in form if c.kind == "text"), None)
        if text is None:
            raise BenchError(f"the persona step {steps[0]} has no text field")
        # the question and its choices: from a quiz attempt the scout starts
        start = browser.request("POST", f"/courses/{course}/quizzes/{quiz}/attempts",
                                form={"csrf_token": scout.csrf})
        location = start.header("location")
        if start.status != 303 or not location:
            raise BenchError(f"starting an attempt of {quiz} answered {start.status}")
        attempt = expect(browser.request("GET", location), 200, location)
        question, choices = pages.first_choice_question(
            pages.form_controls(attempt, "quiz-form", location))
        return Site(course, self.args.lesson,
                    tuple(s for s in readings if s != self.args.lesson), quiz, steps[0],
                    question, choices, text)

    def size_first_time(self, base: dict[str, Row]) -> None:
        """Executives for complete-first: per shape, phase and round, enough (person,
        lesson) pairs for the baseline's req/s x seconds x headroom, never reused."""
        assert self.pools is not None
        lessons = len(self.pools.site.first_lessons)
        if not lessons:
            raise BenchError("no reading lesson is left to complete for the first time")
        plan: dict[str, int] = {}
        for shape in [s for s in self.args.shapes if s in TARGETS["complete-first"].shapes]:
            conns = 1 if shape == "c1" else self.args.connections
            rate = base["c1" if shape == "c1" else "many"].req_per_s * self.args.first_time_headroom
            for phase, seconds in (("warmup", self.args.warmup), ("run", self.args.duration)):
                if seconds:
                    pairs = math.ceil(rate * seconds) + conns
                    for round_no in range(1, self.args.rounds + 1):
                        plan[f"r{round_no}-{shape}-{phase}"] = math.ceil(pairs / lessons)
        log(f"{self.kind}: {sum(plan.values())} more executives for complete-first "
            f"({lessons} lessons each to complete): {plan}")
        for key, count in plan.items():
            self.pools.first_time[key] = self.create_people(
                f"{FIRST_TIME}-{key}", count, self.pools.site.first_lessons)
        self.setup_info["first_time_people"] = plan

    # ---- measuring

    def renew(self, prefix: str, people: list[Person], port: int) -> None:
        """Sessions started just now for these people (the first ones of ``prefix``), each
        primed with a page (its CSRF token, the pre-session cookie): the session's last-seen
        write (due 60 s after the last one) stays out of a measured run shorter than that."""
        assert self.pools is not None
        out = self.helper("sessions", "--prefix", prefix, "--count", str(len(people)))
        tokens = {p["email"]: p["token"] for p in map(json.loads, out.splitlines())}
        for person in people:
            person.cookies = {**person.cookies, SESSION_COOKIE: tokens[person.email]}
        parallel(lambda p: p.prime(port, self.pools.site.course_path()), people)

    def first_time(self, shape: str, round_no: int, phase: str, port: int,
                   ) -> tuple[list[Request], list[Person]]:
        """Mark as complete, every (person, lesson) pair once; lesson by lesson, so the
        requests in flight together come from different people."""
        assert self.pools is not None
        key = f"r{round_no}-{shape}-{phase}"
        people = self.pools.first_time[key]
        self.renew(f"{FIRST_TIME}-{key}", people, port)
        site = self.pools.site
        return [pages.complete(p, site, port, lesson) for lesson in site.first_lessons
                for p in people], people

    def requests(self, target: str, people: list[Person], port: int) -> list[Request]:
        assert self.pools is not None
        site = self.pools.site
        paths = {"lesson": lambda p: site.lesson_path(), "course": lambda p: site.course_path(),
                 "home": lambda p: "/", "quiz": lambda p: site.quiz_path(),
                 "attempt": lambda p: p.attempt_url}
        if target in paths:
            return [pages.page_get(p, paths[target](p)) for p in people]
        if target == "complete-again":
            return [pages.complete(p, site, port) for p in people]
        if target == "heartbeat":
            return [pages.heartbeat(p, site) for p in people]
        build = pages.answer if target == "answer" else pages.persona_autosave
        # two texts in turn: every save changes what is stored
        return [build(p, site, port, variant) for variant in (0, 1) for p in people]

    def wrk_runs(self, name: str, port: int, pool: list[Request], shape: str, status: int,
                 ) -> Callable[[int], WrkRun]:
        threads, conns = (1, 1) if shape == "c1" else (self.args.threads,
                                                       self.args.connections)
        script = write_lua(self.tmp / f"{name}.lua", pool, threads=threads, expected=status)
        return lambda seconds: WrkRun(script, port, threads, conns, seconds, self.args.timeout)

    def measure_baseline(self, shape: str, round_no: int) -> Measurement:
        assert self.baseline is not None
        name = f"baseline-{shape}-r{round_no}"
        with serve(self.baseline, workers=self.args.workers,
                   log_path=self.tmp / f"{name}.log") as server:
            pool = [Request("GET", BASELINE_PATH, {})]
            reply = expect(pool[0].send(server.port), 200, f"baseline GET {BASELINE_PATH}")
            self.sizes["baseline page"] = len(reply.body.encode())
            runs = self.wrk_runs(name, server.port, pool, shape, 200)
            figures = self.drive(name, runs, server)
        return self.measured("baseline", shape, round_no, figures, server, pool, 0)

    def measure(self, target: str, shape: str, round_no: int) -> Measurement:
        name = f"{target}-{shape}-r{round_no}"
        spec = TARGETS[target]
        first_time = target == "complete-first"
        with serve(self.podium, workers=self.args.workers,
                   log_path=self.tmp / f"{name}.log") as server:
            port = server.port
            if first_time:
                pool, people = self.first_time(shape, round_no, "run", port)
                warm_pool = (self.first_time(shape, round_no, "warmup", port)[0]
                             if self.args.warmup else pool)
            else:
                assert self.pools is not None
                people = self.pools.people if shape == "many" else self.pools.people[:1]
                self.renew(EXECUTIVES, people, port)
                warm_pool = pool = self.requests(target, people, port)
                # one request exactly as wrk sends it, per entry: it must answer as expected
                # (and any write a first request makes, such as "opened", is made now)
                parallel(lambda r: expect(r.send(port), spec.status, f"{name}: {r.method} "
                                          f"{r.path}"), pool)
            runs = self.wrk_runs(name, port, pool, shape, spec.status)
            warm = (runs if warm_pool is pool
                    else self.wrk_runs(name + "-warmup", port, warm_pool, shape, spec.status))
            watch = watch_for(self.url) if shape != "c1" else None
            if watch is not None:
                with watch:
                    figures = self.drive(name, runs, server, warm)
            else:
                figures = self.drive(name, runs, server, warm)
        m = self.measured(target, shape, round_no, figures, server, pool, len(people))
        if watch is not None:
            m.writes = watch.report()  # after the server stopped: all its commits are in
        if first_time:
            m.first_time_rows = int(self.helper(
                "completed", "--prefix", f"{FIRST_TIME}-r{round_no}-{shape}-run",
                "--course", self.args.course).strip())
        return m

    def drive(self, name: str, runs: Callable[[int], WrkRun], server: Server,
              warm: Callable[[int], WrkRun] | None = None) -> Figures:
        if self.args.warmup:
            run_wrk((warm or runs)(self.args.warmup), name + " (warm-up)")
        run = runs(self.args.duration)
        log(f"{self.kind} {name}: wrk -t{run.threads} -c{run.connections} "
            f"-d{run.seconds}s")
        raw, output = run_wrk(run, name)
        self.wrk_output[name] = output
        if server.process.poll() is not None:
            raise BenchError(f"{name}: the server died during the run:\n{server.log_tail()}")
        return Figures.from_wrk(raw)

    def measured(self, target: str, shape: str, round_no: int, figures: Figures,
                 server: Server, pool: list[Request], people: int) -> Measurement:
        tracebacks, exceptions = server.errors()  # after stop: the whole log
        m = Measurement(target, shape, round_no, figures, tracebacks, exceptions, len(pool),
                        people)
        self.measurements.append(m)
        f = figures
        log(f"  {f.req_per_s:,.1f} req/s, p50 {fmt(f.p50_ms)} ms, p99 {fmt(f.p99_ms)} ms, "
            f"max {fmt(f.max_ms)} ms; wrk errors {f.errors}, unexpected status "
            f"{f.non_expected}{f' (last {f.last_bad_status})' if f.non_expected else ''}, "
            f"server tracebacks {tracebacks}")
        return m

    def run(self) -> list[Row]:
        self.set_up()
        targets = self.args.only
        base_shapes = sorted({"c1" if s == "c1" else "many" for s in self.args.shapes},
                             key=SHAPES.index)
        for round_no in range(1, self.args.rounds + 1):
            for shape in base_shapes:
                self.measure_baseline(shape, round_no)
            if round_no == 1 and "complete-first" in targets:
                self.size_first_time(self.rows_of("baseline"))
            for target in targets:
                for shape in self.args.shapes:
                    if shape in TARGETS[target].shapes:
                        self.measure(target, shape, round_no)
        return self.rows()

    def rows_of(self, target: str) -> dict[str, Row]:
        groups: dict[str, list[Measurement]] = {}
        for m in self.measurements:
            if m.target == target:
                groups.setdefault(m.shape, []).append(m)
        return {shape: summarise(ms, self.args.connections) for shape, ms in groups.items()}

    def rows(self) -> list[Row]:
        base = self.rows_of("baseline")
        rows = list(base.values())
        for row in rows:
            row.misses = trouble(row) + (["STALLED"] if row.stalled else [])
            row.verdict = "ERROR" if trouble(row) else "STALLED" if row.stalled else "-"
        for target in self.args.only:
            for shape, row in self.rows_of(target).items():
                judge(row, base.get("c1" if shape == "c1" else "many"),
                      [m for m in self.measurements if m.target == target and m.shape == shape])
                rows.append(row)
        return rows


def prepare(person: Person, site: Site, port: int) -> None:
    """An executive as the measurements find them: the lesson read is complete, a quiz
    attempt is in progress, the persona step has been opened."""
    person.prime(port, site.lesson_path())
    browser = person.browser(port)
    expect(browser.request("POST", site.lesson_path() + "/complete",
                           form={"csrf_token": person.csrf}, headers={"HX-Request": "true"}),
           200, f"completing {site.lesson} as {person.email}")
    start = browser.request("POST", site.quiz_path() + "/attempts",
                            form={"csrf_token": person.csrf})
    location = start.header("location")
    if start.status != 303 or not location:
        raise BenchError(f"starting an attempt of {site.quiz} as {person.email} answered "
                         f"{start.status}")
    person.attempt_url = location
    attempt = expect(browser.request("GET", location), 200, location)
    person.answer_form = pages.form_controls(attempt, "quiz-form", location)
    step = expect(browser.request("GET", site.persona_path()), 200, site.persona_path())
    person.persona_form = pages.form_controls(step, "step-form", site.persona_path())


def parallel(work: Callable[[Any], object], items: Iterable[Any]) -> None:
    with ThreadPoolExecutor(max_workers=SETUP_THREADS) as pool:
        for _ in pool.map(work, items):
            pass


def ensure_empty(url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as conn:
            tables = conn.execute("select count(*) from information_schema.tables where "
                                  "table_schema = 'public'").fetchone()
    except psycopg.Error as exc:
        raise BenchError(f"cannot connect to {redact(url)}: {exc}") from exc
    if tables and tables[0]:
        raise BenchError(f"{redact(url)} is not empty ({tables[0]} tables): give the bench a "
                         "throwaway database it may fill")


# --------------------------------------------------------------------------- report


def format_table(bench: Bench, rows: list[Row]) -> str:
    a = bench.args
    rounds = f"median of {a.rounds} rounds" if a.rounds > 1 else "1 round"
    title = (f"Podium hot paths vs baseline, {bench.kind}: wrk -t{a.threads} -c{a.connections} "
             f"(many: {a.executives} executives; one: 1) and -t1 -c1, -d{a.duration}s, "
             f"{a.workers} uvicorn workers, {rounds}")
    header = (f"{'target':<15}{'shape':<6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'max ms':>9}{'x req/s':>9}{'x p99':>8}  {'verdict':<7} notes")
    lines = [title, "", header, "-" * len(header)]
    for r in rows:
        notes = "; ".join(r.misses + r.notes + ([f"writes: {r.writes}"] if r.writes else []))
        lines.append(f"{r.target:<15}{r.shape:<6}{fmt(r.req_per_s, 9, 1)}{fmt(r.p50_ms, 9)}"
                     f"{fmt(r.p99_ms, 9)}{fmt(r.max_ms, 9, 1)}"
                     f"{fmt(r.ratio_req_per_s, 9, 2, 'x')}{fmt(r.ratio_p99, 8, 2, 'x')}  "
                     f"{r.verdict:<7} {notes}")
    lines += ["", "x req/s, x p99: against the baseline with the same connections (c1 rows: the "
                  "baseline at -c1). Targets: lesson >= 1.0x req/s and p99 <= 1.5x; course, "
                  "home, quiz, attempt >= 0.8x (many and one); writes >= 0.6x and p99 <= 3x "
                  "(many), max <= 1 s (one); lesson p50 <= 5 ms (c1); reads and complete-again "
                  "write nothing and take no write lock (writes: rows or data_version, and "
                  "samples that saw the write lock held)."]
    return "\n".join(lines)


def document(bench: Bench, rows: list[Row]) -> dict[str, Any]:
    return {
        "database": bench.kind, "database_url": redact(bench.url),
        "setup": bench.setup_info, "response_bytes": bench.sizes,
        "targets": {name: asdict(t) for name, t in TARGETS.items() if name in bench.args.only},
        "rows": [asdict(r) for r in rows],
        "measurements": [asdict(m) for m in bench.measurements],
        "wrk_output": bench.wrk_output,
    }


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (Debian: apt-get install -y wrk)")
    started = datetime.now(UTC)
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-hot-"))
    tables: list[str] = []
    results: list[dict[str, Any]] = []
    failed: list[str] = []
    try:
        for number, database in enumerate(args.databases, 1):
            db_tmp = tmp / f"db{number}"
            db_tmp.mkdir()
            bench = Bench(args, database, db_tmp)
            log(f"database {number}/{len(args.databases)}: {redact(bench.url)}; "
                f"temporary directory {db_tmp}")
            rows = bench.run()
            tables.append(format_table(bench, rows))
            results.append(document(bench, rows))
            failed += [f"{bench.kind} {r.target}/{r.shape}: {r.verdict}: {'; '.join(r.misses)}"
                       for r in rows if r.verdict in ("MISS", "ERROR", "STALLED")]
            for m in bench.measurements:
                if m.server_exceptions:
                    print(f"{bench.kind} {m.target}/{m.shape} round {m.round} server "
                          "exceptions: " + " | ".join(m.server_exceptions), file=sys.stderr)
    finally:
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    result_file = write_results(args.results_dir / f"hot-paths-{started:%Y%m%dT%H%M%SZ}.json", {
        "started_at": started.isoformat(timespec="seconds"),
        "settings": {"duration_s": args.duration, "warmup_s": args.warmup,
                     "rounds": args.rounds, "connections": args.connections,
                     "threads": args.threads, "executives": args.executives,
                     "workers": args.workers, "wrk_timeout_s": args.timeout,
                     "targets": args.only, "shapes": args.shapes,
                     "first_time_headroom": args.first_time_headroom},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": sys.version.split()[0]},
        "databases": results,
    })
    for table in tables:
        print("\n" + table)
    print(f"\nJSON: {result_file}")
    if failed:
        print("\nMISSED OR FAILED:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return guarded_main(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
