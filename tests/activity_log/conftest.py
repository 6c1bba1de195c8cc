"""Helpers for the activity log tests: weeks relative to today, a plan with items, a
trainer who coaches an executive, entries written straight to the database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.activity_log import definition as log
from app.db import Database
from app.models import ActivityEntry, User, Workbook, WorkbookVersion, utcnow
from app.workbooks import service as workbooks


def monday(weeks_ago: int = 0, today: dt.date | None = None) -> dt.date:
    return log.week_start(today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(weeks=weeks_ago)


def label(weeks_ago: int = 0) -> str:
    return log.week_label(monday(weeks_ago))


def plan_item(item_id: str, day: dt.date, *, network: str = "linkedin",
              status: str = "published") -> dict[str, str]:
    return {"id": item_id, "date": day.isoformat(), "network": network,
            "format": "text-post", "source": "news-story", "source_other": "",
            "draft": "A post.", "status": status}


def give_plan(database: Database, user: User, items: list[dict[str, str]],
              starts_on: dt.date) -> None:
    with database.session(write=True) as s:
        workbook = workbooks.open_for_update(s, user_id=user.id, kind="plan",
                                             starts_on=starts_on)
        workbook.starts_on = starts_on
        workbooks.save_draft(s, workbook=workbook, data={"initiative": "Depot",
                                                         "message": "Clean vans.",
                                                         "items": items})


def reviewed_by(database: Database, executive: User, trainer: User) -> None:
    """``trainer`` reviewed a persona submission of ``executive``."""
    with database.session(write=True) as s:
        workbook = Workbook(user_id=executive.id, kind="persona", draft="{}",
                            status="approved")
        s.add(workbook)
        s.flush()
        s.add(WorkbookVersion(workbook_id=workbook.id, number=1, data=json.dumps({}),
                              outcome="approved", reviewed_by_id=trainer.id,
                              reviewed_at=utcnow()))


def add_entry(database: Database, user: User, week: dt.date, **values: Any) -> None:
    with database.session(write=True) as s:
        s.add(ActivityEntry(user_id=user.id, week_start=week, **values))
