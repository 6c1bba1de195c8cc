"""Hand-run benchmark of Podium's hot paths against a bare FastAPI baseline, in one run.

Reads: the lesson page, the course page, the home page, the quiz page and the attempt
page with an attempt in progress. Writes: mark complete (first time, and again), a quiz
answer saved, the reading-time heartbeat, a persona step saved. For comparison, without a
target: the floor pages of ``bench/floor_app.py`` (the baseline's page served by Podium's
app, without and with the sign-in, and the least a write costs). Each in three shapes:

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
from _verdicts import (
    SHAPES,
    TARGETS,
    Measurement,
    Row,
    format_table,
    judge,
    judge_baseline,
    summarise,
)
from _writes import libpq_url, watch_for
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
    production_env,
    redact,
    run_checked,
    run_wrk,
    serve,
    write_lua,
    write_results,
)
from floor_app import (
    FLOOR_PATH,
    LESSON_ENV,
    PAGE_BYTES_ENV,
    PUBLIC_FLOOR_PATH,
    WRITE_FLOOR_PATH,
)

COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
BASELINE_PATH = "/articles/1"
SETUP_THREADS = 4  # parallel requests of the setup (priming, probing)
EXECUTIVES = "bench-exec"
SCOUT = "bench-scout"
FIRST_TIME = "bench-first"



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
    parser.add_argument("--baseline-every", action="store_true",
                        help="measure the baseline again just before every target and take "
                             "that target's ratios against it (for a machine whose load "
                             "changes during the run)")
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
        self.env = app_env(self.url)  # setup: the demo content is development's
        self.podium = AppSpec("podium", "app.main:create_app", production_env(self.url),
                              "/login")
        self.baseline: AppSpec | None = None
        self.floor: AppSpec | None = None
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
        self.floor = AppSpec("floor", "floor_app:create_app",
                             {**self.podium.env, LESSON_ENV: site.lesson,
                              PAGE_BYTES_ENV: str(self.sizes["lesson page"])},
                             self.podium.ready_path, ("--app-dir", str(BENCH_DIR)))

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
        paths = {"floor-public": lambda p: PUBLIC_FLOOR_PATH, "floor": lambda p: FLOOR_PATH,
                 "lesson": lambda p: site.lesson_path(), "course": lambda p: site.course_path(),
                 "home": lambda p: "/", "quiz": lambda p: site.quiz_path(),
                 "attempt": lambda p: p.attempt_url}
        if target in paths:
            return [pages.page_get(p, paths[target](p)) for p in people]
        if target == "complete-again":
            return [pages.complete(p, site, port) for p in people]
        if target == "heartbeat":
            return [pages.heartbeat(p, site) for p in people]
        if target == "floor-write":
            return [pages.floor_write(p, WRITE_FLOOR_PATH) for p in people]
        build = pages.answer if target == "answer" else pages.persona_autosave
        # two texts in turn: every save changes what is stored
        return [build(p, site, port, variant) for variant in (0, 1) for p in people]

    def wrk_runs(self, name: str, port: int, pool: list[Request], shape: str, status: int,
                 ) -> Callable[[int], WrkRun]:
        threads, conns = (1, 1) if shape == "c1" else (self.args.threads,
                                                       self.args.connections)
        script = write_lua(self.tmp / f"{name}.lua", pool, threads=threads, expected=status)
        return lambda seconds: WrkRun(script, port, threads, conns, seconds, self.args.timeout)

    def measure_baseline(self, shape: str, round_no: int, next_target: str = "",
                         ) -> Measurement:
        assert self.baseline is not None
        name = f"baseline-{shape}-r{round_no}" + (f"-{next_target}" if next_target else "")
        with serve(self.baseline, workers=self.args.workers,
                   log_path=self.tmp / f"{name}.log") as server:
            pool = [Request("GET", BASELINE_PATH, {})]
            reply = expect(pool[0].send(server.port), 200, f"baseline GET {BASELINE_PATH}")
            self.sizes["baseline page"] = len(reply.body.encode())
            runs = self.wrk_runs(name, server.port, pool, shape, 200)
            figures = self.drive(name, runs, server)
        m = self.measured("baseline", shape, round_no, figures, server, pool, 0)
        m.next_target = next_target
        return m

    def measure(self, target: str, shape: str, round_no: int) -> Measurement:
        name = f"{target}-{shape}-r{round_no}"
        spec = TARGETS[target]
        first_time = target == "complete-first"
        app = self.floor if spec.kind == "floor" else self.podium
        assert app is not None
        with serve(app, workers=self.args.workers,
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
                shapes = [s for s in self.args.shapes if s in TARGETS[target].shapes]
                if self.args.baseline_every:
                    for shape in sorted({"c1" if s == "c1" else "many" for s in shapes},
                                        key=SHAPES.index):
                        self.measure_baseline(shape, round_no, next_target=target)
                for shape in shapes:
                    self.measure(target, shape, round_no)
        return self.rows()

    def rows_of(self, target: str, next_target: str | None = None) -> dict[str, Row]:
        """Medians per shape (the baseline's: those measured before ``next_target``, or
        all of them)."""
        groups: dict[str, list[Measurement]] = {}
        for m in self.measurements:
            if m.target == target and next_target in (None, m.next_target):
                groups.setdefault(m.shape, []).append(m)
        return {shape: summarise(ms, self.args.connections) for shape, ms in groups.items()}

    def rows(self) -> list[Row]:
        base = self.rows_of("baseline")
        rows = list(base.values())
        for row in rows:
            judge_baseline(row)
        for target in self.args.only:
            own = self.rows_of("baseline", next_target=target)  # --baseline-every
            for shape, row in self.rows_of(target).items():
                key = "c1" if shape == "c1" else "many"
                judge(row, own.get(key) or base.get(key),
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


def table_title(bench: Bench) -> str:
    a = bench.args
    rounds = f"median of {a.rounds} rounds" if a.rounds > 1 else "1 round"
    return (f"Podium hot paths vs baseline, {bench.kind}: wrk -t{a.threads} -c{a.connections} "
            f"(many: {a.executives} executives; one: 1) and -t1 -c1, -d{a.duration}s, "
            f"{a.workers} uvicorn workers, {rounds}"
            + (", ratios to the baseline measured just before each target"
               if a.baseline_every else ""))


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
            tables.append(format_table(table_title(bench), rows))
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
                     "first_time_headroom": args.first_time_headroom,
                     "baseline_every": args.baseline_every},
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
