"""HR's aggregates of the activity log, checked by hand on a small dataset (see
dataset.py): medians of each executive's weekly averages, active executives per week
counted by the database, the share of active executive-weeks, the latest SSI, and groups
of fewer than three executives withheld. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

from app.reports.activity import activity_report, export_columns
from tests.activity_log import dataset

TODAY = dt.date(2026, 12, 4)  # weeks of 9, 16, 23 and 30 Nov 2026
W = [dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23),
     dt.date(2026, 11, 30)]


def _groups(groups):
    return {g.label: g for g in groups}


def test_aggregates_per_cohort_department_and_overall(database, make_user):
    dataset.build(database, make_user, TODAY)
    with database.session() as s:
        report = activity_report(s, today=TODAY, weeks=4)
    assert report.period.mondays == W
    assert report.period.end == dt.date(2026, 12, 6)

    cohorts = _groups(report.cohorts)
    assert list(cohorts) == ["North", "Tiny", "No cohort"]
    north = cohorts["North"]
    assert (north.executives, north.suppressed) == (4, False)  # not the trainer, not "gone"
    # posts per week: A 3/4, B 4/4, C 0, D 0 -> median of 0, 0, 0.75, 1 = 0.375
    # comments: A 6/4, B 0, C 1/4, D 0 -> median of 0, 0, 0.25, 1.5 = 0.125
    # connections: B 8/4 only; conversations and opportunities: C only -> medians 0
    assert north.medians == {"posts": 0.38, "comments": 0.12, "connections": 0.0,
                             "conversations": 0.0, "opportunities": 0.0}
    # active executive-weeks: A 3 + B 1 + C 1 + D 0 = 5 of 4 x 4
    assert (north.active_weeks, north.possible_weeks, north.active_share) == (5, 16, 31.2)
    # latest SSI in the period: A 60 (not 50), B 40, C 70
    assert (north.ssi_median, north.ssi_count) == (60.0, 3)
    assert north.active_per_week == [(W[0], 1), (W[1], 2), (W[3], 2)]
    assert [north.share_in(w) for w in W] == [25.0, 50.0, 0.0, 50.0]

    tiny, no_cohort = cohorts["Tiny"], cohorts["No cohort"]
    assert (tiny.executives, tiny.suppressed, tiny.medians, tiny.active_share) == \
        (2, True, {}, None)
    assert tiny.active_per_week == []
    assert tiny.share_in(W[0]) is None
    assert (no_cohort.executives, no_cohort.suppressed) == (1, True)

    departments = _groups(report.departments)
    assert list(departments) == ["Finance", "Sales", "No department"]
    finance = departments["Finance"]  # C, D, E, G
    assert (finance.executives, finance.suppressed) == (4, False)
    # posts: E 5/4 only; comments: C 1/4 only -> medians 0; active weeks C 1 + E 1
    assert finance.medians["posts"] == 0.0
    assert (finance.active_weeks, finance.active_share) == (2, 12.5)
    assert (finance.ssi_median, finance.ssi_count) == (None, 1)  # one SSI: withheld
    assert finance.active_per_week == [(W[0], 1), (W[3], 1)]
    assert departments["Sales"].suppressed  # A and B: two
    assert departments["No department"].suppressed  # F

    overall = report.overall
    assert (overall.label, overall.executives) == ("All executives", 7)
    # 7 active weeks (A 3, B, C, E, F) of 28; comments A 1.5, F 0.75, C 0.25, 4 zeros
    assert (overall.active_weeks, overall.active_share) == (7, 25.0)
    assert overall.medians["comments"] == 0.0
    assert overall.ssi_median == 60.0
    assert [overall.share_in(w) for w in W] == [200 / 7, 300 / 7, 0.0, 200 / 7]


def test_a_longer_period_takes_in_older_weeks(database, make_user):
    dataset.build(database, make_user, TODAY)
    with database.session() as s:
        north = _groups(activity_report(s, today=TODAY, weeks=12).cohorts)["North"]
    # B's 100 comments five weeks ago now count: comments A 6/12, B 100/12, C 1/12, D 0
    assert north.medians["comments"] == round((1 / 12 + 6 / 12) / 2, 2)
    assert north.active_weeks == 6


def test_export_columns_describe_the_cohorts_never_the_row(database, make_user):
    data = dataset.build(database, make_user, TODAY)
    with database.session() as s:
        columns = export_columns(s, today=TODAY, weeks=4)
    assert columns("North") == [4, 31.2, 0.38, 0.12, 0.0, 0.0, 0.0, 60.0]
    assert columns("Tiny") == [None] * 8  # two executives: withheld
    assert columns(None) == [None] * 8
    assert columns("") == [None] * 8
    # several cohorts: their executives together (A, B, C, D, E, F), in either order
    both = columns("North; Tiny")
    assert both == columns("Tiny; North")
    assert both[0] == 6
    assert both[1] == round(100 * 7 / 24, 1)
    assert data.users["A"].id  # the dataset is there
