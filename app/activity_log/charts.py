"""The activity log's charts, drawn with the HR dashboard's SVG pieces
(``app.reports.charts``): posts against the plan per week, activity per week, and the
Social Selling Index over time. Each page shows the same numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from app.activity_log.service import WeekRow
from app.content import moments
from app.reports.charts import Bar, bar_chart, line_chart


def week_name(row: WeekRow) -> str:
    return f"Week of {moments.day_month(row.week)}"


def plan_chart(rows: Sequence[WeekRow]) -> Markup:
    """Per week: the posts (plan and others) over the plan's items for that week."""
    return bar_chart([Bar(week_name(row), row.posts, row.plan.planned) for row in rows],
                     title="Posts against your 90-day plan, per week", value_name="posts",
                     total_name="planned items")


def activity_chart(rows: Sequence[WeekRow]) -> Markup:
    """Per week: everything done (posts, comments, connections, conversations,
    opportunities), as a line."""
    points = [(row.week, row.posts + sum(row.count(name) for name in ACTIONS))
              for row in rows]
    return line_chart(points, title="Your activity per week", y_name="actions")


ACTIONS = ("comments", "connections", "conversations", "opportunities")


def ssi_chart(points: Sequence[tuple[date, float]]) -> Markup:
    """The Social Selling Index at each week it was recorded (whole points on the chart;
    the table keeps the decimals)."""
    return line_chart([(week, round(score)) for week, score in points],
                      title="Your Social Selling Index", y_name="SSI")
