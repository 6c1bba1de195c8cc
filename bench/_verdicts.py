"""The hot paths' targets (what issue 14 asks of each), the medians of a target in one
traffic shape, and the verdict against the baseline measured in the same run."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from _writes import WriteReport
from _wrk import Figures, fmt, stalled

# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One hot path and what the issue asks of it."""

    name: str
    kind: str  # "read", "write" or "floor" (measured for comparison, no target)
    what: str
    min_ratio: float | None  # req/s ÷ baseline's (reads: many and one; writes: many)
    max_p99_ratio: float | None = None  # p99 ÷ baseline's, same shapes
    status: int = 200
    writes_nothing: bool = False  # must write no row and take no write lock
    shapes: tuple[str, ...] = ("many", "one", "c1")


TARGETS = {t.name: t for t in (
    # bench/floor_app.py: the baseline's page served by Podium's app, without and with the
    # sign-in; what any page of ours costs before it does anything of its own
    Target("floor-public", "floor", "GET the baseline's page through Podium's middleware "
           "and transaction (bench/floor_app.py)", None),
    Target("floor", "floor", "the same, signed in as the executive (the session lookup)",
           None),
    Target("floor-write", "floor", "POST /bench/floor/write (CSRF header): signed in, one "
           "row updated by its key in a write transaction, 204", None, status=204),
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
    next_target: str = ""  # baseline: measured just before this target (--baseline-every)


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
            row.notes.append(f"first-time: {m.first_time_rows} lessons completed by the "
                             f"{m.figures.sent} requests sent ({m.figures.requests} answered "
                             "in the run)")
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


def judge_baseline(row: Row) -> None:
    problems = trouble(row)
    row.misses = problems + (["STALLED"] if row.stalled else [])
    row.verdict = "ERROR" if problems else "STALLED" if row.stalled else "-"


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
    if target.min_ratio is not None and row.shape in ("many", "one") and (
            target.kind == "read" or row.shape == "many"):
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


def format_table(title: str, rows: list[Row]) -> str:
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
                  "samples that saw the write lock held). floor-public, floor, floor-write: no "
                  "target; the baseline's page served by Podium's app (bench/floor_app.py), "
                  "without and with the sign-in, and the least a write costs."]
    return "\n".join(lines)
