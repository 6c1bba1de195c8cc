"""What HR sees of the weekly activity log (``app.activity_log``): aggregates per cohort
and per department, never an individual's numbers.

For a period of whole ISO weeks, over the active executives of each group (an executive
in two cohorts counts in both; executives with no entry count as inactive with zeros):

- the number of executives active each week (an entry with any count above 0, the posts
  published from their plan as of the entry's last save included), counted by the
  database, and the share of executive-weeks that were active;
- the median over the group's executives of each one's weekly average of posts,
  comments, new connections, conversations and opportunities; the database sums each
  executive's weeks, and the median of those sums is taken here (SQLite has no median,
  and the two databases' percentile functions differ), so no individual's figure ever
  leaves this module;
- the median of each executive's latest Social Selling Index in the period (picked by
  the database with a window function), among those who recorded one.

A group of fewer than ``MIN_GROUP`` executives is named but its figures are withheld
(``suppressed``), so that no figure describes one or two people; the SSI median likewise
needs ``MIN_GROUP`` executives who recorded one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from app.models import ActivityEntry, Cohort, CohortMember, Role, User

MIN_GROUP = 3
PERIODS = (4, 12, 26)
DEFAULT_WEEKS = 12
NO_COHORT, NO_DEPARTMENT, EVERYONE = "No cohort", "No department", "All executives"

A = ActivityEntry.__table__  # type: ignore[attr-defined]
U = User.__table__  # type: ignore[attr-defined]
CM = CohortMember.__table__  # type: ignore[attr-defined]
CH = Cohort.__table__  # type: ignore[attr-defined]

POSTS = A.c.plan_posts + A.c.posts_linkedin + A.c.posts_x + A.c.posts_other
METRICS: tuple[tuple[str, str, Any], ...] = (
    ("posts", "Posts", POSTS),
    ("comments", "Comments", A.c.comments),
    ("connections", "New connections", A.c.connections),
    ("conversations", "Conversations", A.c.conversations),
    ("opportunities", "Meetings or opportunities", A.c.opportunities),
)
ACTIVE = (POSTS + A.c.comments + A.c.connections + A.c.conversations + A.c.opportunities) > 0


@dataclass(frozen=True)
class Period:
    first: dt.date  # a Monday
    weeks: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(weeks=self.weeks - 1)

    @property
    def end(self) -> dt.date:
        """The period's last day (a Sunday)."""
        return self.last + dt.timedelta(days=6)

    @property
    def mondays(self) -> list[dt.date]:
        return [self.first + dt.timedelta(weeks=n) for n in range(self.weeks)]


def period(today: dt.date, weeks: int = DEFAULT_WEEKS) -> Period:
    """The ``weeks`` whole ISO weeks (Monday to Sunday) ending with ``today``'s."""
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday - dt.timedelta(weeks=weeks - 1), weeks)


@dataclass
class _Member:
    sums: dict[str, int]
    active_weeks: int
    ssi: float | None = None


@dataclass
class GroupActivity:
    label: str
    executives: int
    suppressed: bool
    active_share: float | None = None  # % of the group's executive-weeks that were active
    active_weeks: int = 0  # executive-weeks with activity
    possible_weeks: int = 0  # executives x weeks
    medians: dict[str, float] = field(default_factory=dict)  # per metric, per week
    ssi_median: float | None = None
    ssi_count: int = 0
    active_per_week: list[tuple[dt.date, int]] = field(default_factory=list)

    def share_in(self, week: dt.date) -> float | None:
        if self.suppressed or not self.executives:
            return None
        active = dict(self.active_per_week).get(week, 0)
        return 100 * active / self.executives


def _summary(label: str, members: Sequence[_Member], weeks: int) -> GroupActivity:
    if len(members) < MIN_GROUP:
        return GroupActivity(label, len(members), suppressed=True)
    medians = {key: round(statistics.median(m.sums[key] / weeks for m in members), 2)
               for key, _, _ in METRICS}
    active = sum(m.active_weeks for m in members)
    scores = [m.ssi for m in members if m.ssi is not None]
    return GroupActivity(
        label, len(members), suppressed=False,
        active_share=round(100 * active / (len(members) * weeks), 1), active_weeks=active,
        possible_weeks=len(members) * weeks, medians=medians,
        ssi_median=round(statistics.median(scores), 2) if len(scores) >= MIN_GROUP else None,
        ssi_count=len(scores))


# The database's part -----------------------------------------------------------------------

def _executives() -> list[Any]:
    return [U.c.role == Role.executive.value, U.c.is_active.is_(True)]


def _in_period(p: Period) -> Any:
    return and_(A.c.user_id == U.c.id, A.c.week_start >= p.first, A.c.week_start <= p.last)


def _members(session: Session, p: Period) -> dict[int, _Member]:
    """Every active executive's sums over the period, and their latest SSI in it."""
    sums = [func.coalesce(func.sum(expression), 0).label(key) for key, _, expression in METRICS]
    active = func.coalesce(func.sum(case((ACTIVE, 1), else_=0)), 0)
    rows = session.execute(
        select(U.c.id, *sums, active)
        .select_from(U.outerjoin(A, _in_period(p)))
        .where(*_executives()).group_by(U.c.id)).all()
    members = {row[0]: _Member(dict(zip((k for k, _, _ in METRICS), map(int, row[1:-1]),
                                        strict=True)), int(row[-1])) for row in rows}
    latest = (select(A.c.user_id, A.c.ssi_total,
                     func.row_number().over(partition_by=A.c.user_id,
                                            order_by=A.c.week_start.desc()).label("n"))
              .where(A.c.ssi_total.is_not(None), A.c.week_start >= p.first,
                     A.c.week_start <= p.last).subquery())
    for user_id, score in session.execute(select(latest.c.user_id, latest.c.ssi_total)
                                          .where(latest.c.n == 1)).all():
        if user_id in members:
            members[user_id].ssi = float(score)
    return members


def _cohort_key() -> Any:
    return CM.c.cohort_id


def _department_key() -> Any:
    return func.coalesce(func.nullif(U.c.department, ""), NO_DEPARTMENT)


def _groups_of(session: Session, key: Any, source: Any) -> dict[Any, list[int]]:
    rows = session.execute(select(key, U.c.id).select_from(source)
                           .where(*_executives()).order_by(U.c.id)).all()
    groups: dict[Any, list[int]] = {}
    for group, user_id in rows:
        groups.setdefault(group, []).append(user_id)
    return groups


def _active_per_week(session: Session, key: Any, source: Any,
                     p: Period) -> dict[Any, list[tuple[dt.date, int]]]:
    """How many of each group's executives were active, per week (counted in SQL)."""
    rows = session.execute(
        select(key, A.c.week_start, func.count(func.distinct(A.c.user_id)))
        .select_from(source.join(A, A.c.user_id == U.c.id))
        .where(*_executives(), A.c.week_start >= p.first, A.c.week_start <= p.last, ACTIVE)
        .group_by(key, A.c.week_start).order_by(A.c.week_start)).all()
    result: dict[Any, list[tuple[dt.date, int]]] = {}
    for group, week, count in rows:
        result.setdefault(group, []).append((week, int(count)))
    return result


def _grouped(session: Session, p: Period, members: dict[int, _Member], key: Any,
             source: Any, label: Callable[[Any], str]) -> list[GroupActivity]:
    weekly = _active_per_week(session, key, source, p)
    groups = []
    for group, user_ids in _groups_of(session, key, source).items():
        summary = _summary(label(group), [members[u] for u in user_ids if u in members],
                           p.weeks)
        if not summary.suppressed:
            summary.active_per_week = weekly.get(group, [])
        groups.append(summary)
    return groups


@dataclass
class ActivityReport:
    period: Period
    overall: GroupActivity
    cohorts: list[GroupActivity]
    departments: list[GroupActivity]


def activity_report(session: Session, *, today: dt.date,
                    weeks: int = DEFAULT_WEEKS) -> ActivityReport:
    p = period(today, weeks)
    members = _members(session, p)
    names = dict(session.execute(select(CH.c.id, CH.c.name)).all())
    cohorts = _grouped(session, p, members, _cohort_key(),
                       U.outerjoin(CM, CM.c.user_id == U.c.id),
                       lambda cohort_id: names.get(cohort_id, NO_COHORT))
    departments = _grouped(session, p, members, _department_key(), U, str)
    # every executive has the same role: grouping by it makes one group of them all
    everyone = _grouped(session, p, members, U.c.role, U, lambda _: EVERYONE)
    overall = everyone[0] if everyone else GroupActivity(EVERYONE, 0, suppressed=True)
    return ActivityReport(
        p, overall,
        sorted(cohorts, key=lambda g: (g.label == NO_COHORT, g.label.casefold())),
        sorted(departments, key=lambda g: (g.label == NO_DEPARTMENT, g.label.casefold())))


# The export's columns ----------------------------------------------------------------------

_IN_EXPORT = f"Cohort activity, last {DEFAULT_WEEKS} weeks"
EXPORT_HEADERS = [
    f"{_IN_EXPORT}: executives",
    f"{_IN_EXPORT}: active executive-weeks (%)",
    *(f"{_IN_EXPORT}: median {label.lower()} per week" for _, label, _ in METRICS),
    f"{_IN_EXPORT}: median latest SSI",
]


def _cohort_names_key(names: Iterable[str]) -> frozenset[str]:
    """A set of cohort names, read the same way from the export's "Cohorts" cell (names
    joined by "; ", in whatever order the database sorted them)."""
    return frozenset("; ".join(names).split("; "))


def export_columns(session: Session, *, today: dt.date,
                   weeks: int = DEFAULT_WEEKS) -> Callable[[str | None], list[Any]]:
    """For the completion export: the figures of the cohorts in a row's "Cohorts" cell
    (their executives taken together when there are several), or empty cells (no
    cohort, or fewer than ``MIN_GROUP`` executives). The cell joins names with "; ", so a
    cohort whose own name holds "; " is not recognised and its cells stay empty."""
    p = period(today, weeks)
    members = _members(session, p)
    rows = session.execute(select(CM.c.user_id, CH.c.name)
                           .select_from(CM.join(CH, CH.c.id == CM.c.cohort_id))).all()
    known = set(session.execute(select(CH.c.name)).scalars())
    cohort_members: dict[str, set[int]] = {}
    for user_id, name in rows:
        if user_id in members:
            cohort_members.setdefault(name, set()).add(user_id)
    cache: dict[frozenset[str], list[Any]] = {}
    empty: list[Any] = [None] * len(EXPORT_HEADERS)

    def figures(cohorts: str | None) -> list[Any]:
        if not cohorts:
            return empty
        names = _cohort_names_key([cohorts])
        if not names <= known:
            return empty
        if names not in cache:
            user_ids = set().union(*(cohort_members.get(n, set()) for n in names))
            group = _summary("", [members[u] for u in sorted(user_ids)], p.weeks)
            cache[names] = empty if group.suppressed else [
                group.executives, group.active_share,
                *(group.medians[key] for key, _, _ in METRICS), group.ssi_median]
        return cache[names]

    return figures
