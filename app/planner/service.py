"""The 90-day plan of one executive: the initiative and its message, the content items
(saved as typed, with what breaks a rule reported), coverage, and the exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.checker import service as checker
from app.models import User, Workbook
from app.planner import definition as plan
from app.planner.coverage import Coverage, Day, Week, calendar, coverage
from app.workbooks import service as workbooks
from app.workbooks.schema import Checked, read_step

FIRST_DAY = "starts_on"


@dataclass
class PlanView(workbooks.WorkbookView):
    starts_on: dt.date = field(default_factory=dt.date.today)

    @property
    def items(self) -> list[plan.Item]:
        return plan.items(self.data)

    @property
    def window_end(self) -> dt.date:
        return plan.window_end(self.starts_on)

    @property
    def coverage(self) -> Coverage:
        return coverage(self.items, self.starts_on)

    @property
    def calendar(self) -> list[Week]:
        return calendar(self.items, self.starts_on)

    @property
    def agenda(self) -> list[Day]:
        """The calendar's days that have items, in order (the plan's layout on phones)."""
        return [day for week in self.calendar for day in week.days if day.items]

    def item_problems(self, item: plan.Item) -> dict[str, str]:
        return plan.item_problems(item, starts_on=self.starts_on, submitting=False)

    def comment_on(self, item: plan.Item) -> str | None:
        return self.comments.get(f"items.{item.id}")


def _starts_on(workbook: Workbook | None, today: dt.date | None = None) -> dt.date:
    if workbook is not None and workbook.starts_on is not None:
        return workbook.starts_on
    return today or dt.date.today()


def view(session: Session, *, user: User, today: dt.date | None = None) -> PlanView:
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=plan.KIND)
    data = workbooks.draft(workbook)
    starts_on = _starts_on(workbook, today)
    result = workbooks.load_view(session, workbook=workbook, started=plan.started(data),
                                 problems=plan.submit_errors(data, starts_on), view=PlanView,
                                 starts_on=starts_on)
    assert isinstance(result, PlanView)
    return result


def _open(session: Session, user: User) -> Workbook:
    return workbooks.open_for_update(session, user_id=user.id, kind=plan.KIND,
                                     starts_on=dt.date.today())


def save_message(session: Session, *, user: User, form: Any) -> Checked:
    """Save the initiative, its message and the first day, as typed. A first day that is
    not a date is reported and the previous one kept."""
    checked = read_step(plan.MESSAGE_STEP, form)
    raw_day = form.get(FIRST_DAY)
    day = plan.parse_day(raw_day.strip()) if isinstance(raw_day, str) else None
    checked.values[FIRST_DAY] = raw_day if isinstance(raw_day, str) else ""
    if day is None:
        checked.errors[FIRST_DAY] = "Enter the first day of your 90 days as YYYY-MM-DD."
    if checked.refused:
        return checked
    workbook = _open(session, user)
    data = workbooks.draft(workbook)
    data.update({f.name: checked.values[f.name] for f in plan.MESSAGE_STEP.fields})
    if day is not None:
        workbook.starts_on = day
    workbooks.save_draft(session, workbook=workbook, data=data)
    return checked


def get_item(session: Session, *, user: User, item_id: str) -> plan.Item | None:
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=plan.KIND)
    return next((i for i in plan.items(workbooks.draft(workbook)) if i.id == item_id), None)


@dataclass
class SavedItem:
    item: plan.Item
    errors: dict[str, str]
    saved: bool


def save_item(session: Session, *, user: User, form: Any,
              item_id: str | None = None) -> SavedItem:
    """Add an item (``item_id`` None) or replace one, unless a structural error (a date
    outside the 90 days, an unknown network…) stops it; a draft over its network's limit
    is saved and reported."""
    workbook = _open(session, user)
    starts_on = _starts_on(workbook)
    item, errors = plan.parse_item(form, starts_on=starts_on,
                                   item_id=item_id or plan.new_item_id())
    data = workbooks.draft(workbook)
    raw_items = [i for i in data.get("items", []) if isinstance(i, dict)] \
        if isinstance(data.get("items"), list) else []
    if item_id is None and len(raw_items) >= plan.MAX_ITEMS:
        errors["items"] = f"A plan holds at most {plan.MAX_ITEMS} items."
        return SavedItem(item, errors, saved=False)
    if not plan.blocking(errors):
        errors.update(clearance_problems(session, user=user, item=item))
    if plan.blocking(errors):
        return SavedItem(item, errors, saved=False)
    kept = [i for i in raw_items if i.get("id") != item.id]
    data["items"] = [*kept, item.to_dict()]
    workbooks.save_draft(session, workbook=workbook, data=data)
    return SavedItem(item, errors, saved=True)


def delete_item(session: Session, *, user: User, item_id: str) -> bool:
    workbook = _open(session, user)
    data = workbooks.draft(workbook)
    raw_items = data.get("items") if isinstance(data.get("items"), list) else []
    kept = [i for i in raw_items if not (isinstance(i, dict) and i.get("id") == item_id)]
    if len(kept) == len(raw_items):
        return False
    data["items"] = kept
    workbooks.save_draft(session, workbook=workbook, data=data)
    return True


def blank_item(starts_on: dt.date, day: str | None = None) -> plan.Item:
    parsed = plan.parse_day(day) if day else None
    chosen = parsed if parsed and starts_on <= parsed <= plan.window_end(starts_on) else None
    return plan.Item(id="", date=(chosen or starts_on).isoformat(), network="linkedin",
                     format="text-post", source="news-story", source_other="", draft="",
                     status="idea")


def item_findings(session: Session, *, user: User, item: plan.Item) -> checker.Checked:
    """What "Before you post" finds in the item's draft, on its network and date."""
    return checker.check_draft(session, user=user, draft=checker.draft_for(
        item.draft, network=item.network, day=item.day))


def clearance_problems(session: Session, *, user: User, item: plan.Item) -> dict[str, str]:
    """An item marked scheduled whose draft has a "stop" finding must say who cleared it."""
    if item.status != "scheduled" or item.cleared_by:
        return {}
    stops = item_findings(session, user=user, item=item).stops
    if not stops:
        return {}
    return {"clearance": ("This draft has a “Stop” finding: before you mark it scheduled, "
                          "tick “I have cleared this with …” and name who cleared it.")}
