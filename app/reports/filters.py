"""What an HR view shows: the filters, the learner table's sort and page, all read from
and written back to the query string so a view can be bookmarked and shared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from app.content.dates import parse_date

NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE = "not-started", "in-progress", "completed", "overdue"
STATUSES: dict[str, str] = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETED: "Completed",
    OVERDUE: "Overdue",
}
# The learner table's sortable columns: query value → heading.
SORTS: dict[str, str] = {
    "name": "Executive",
    "department": "Department",
    "enrolled": "Enrolled",
    "due": "Due",
    "status": "Status",
    "progress": "Progress",
    "last_activity": "Last activity",
    "score": "Quiz score",
}
DEFAULT_SORT = "name"
PAGE_SIZE = 50
MAX_TEXT = 120


@dataclass(frozen=True)
class ReportFilter:
    """Which enrolments a view covers. ``course`` is a course slug; ``cohort`` an id."""

    course: str | None = None
    cohort: int | None = None
    department: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    status: str | None = None

    def params(self) -> dict[str, str]:
        values = {
            "course": self.course,
            "cohort": str(self.cohort) if self.cohort is not None else None,
            "department": self.department,
            "enrolled_from": self.enrolled_from.isoformat() if self.enrolled_from else None,
            "enrolled_to": self.enrolled_to.isoformat() if self.enrolled_to else None,
            "status": self.status,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class ReportQuery:
    """A parsed query string: the filter, the table's sort and page, and for every value
    that could not be used, the message to show next to its field (with what was typed)."""

    filter: ReportFilter = field(default_factory=ReportFilter)
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def url(self, path: str = "/reports", **changes: object) -> str:
        """This view's URL with some values changed (``page=2``, ``sort="-progress"``)."""
        params = self.filter.params()
        if self.sort_param != DEFAULT_SORT:
            params["sort"] = self.sort_param
        if self.page != 1:
            params["page"] = str(self.page)
        for key, value in changes.items():
            default = {"sort": DEFAULT_SORT, "page": 1}.get(key)
            if value is None or value == "" or value == default:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return path + ("?" + urlencode(params) if params else "")

    def sort_url(self, column: str) -> str:
        """Sort by ``column``; the current column again reverses it. A new sort starts at
        page 1."""
        descending = (not self.descending) if column == self.sort else column in (
            "progress", "last_activity", "score", "enrolled")
        return self.url(sort=("-" if descending else "") + column, page=None)

    def export_url(self, fmt: str) -> str:
        return self.url(f"/reports/export.{fmt}", sort=None, page=None)


def parse(params: Mapping[str, str]) -> ReportQuery:
    """Read a view from query parameters; unusable values are dropped with a message."""
    errors: dict[str, str] = {}
    # NUL cannot be stored or compared in PostgreSQL text; it is never meaningful here
    typed = {key: params.get(key, "")[:MAX_TEXT * 2].replace("\x00", "") for key in (
        "course", "cohort", "department", "enrolled_from", "enrolled_to", "status", "sort",
        "page")}

    def text(name: str) -> str | None:
        value = typed[name].strip()
        if len(value) > MAX_TEXT:
            errors[name] = f"Use at most {MAX_TEXT} characters."
            return None
        return value or None

    def day(name: str) -> date | None:
        value = typed[name].strip()
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            errors[name] = str(exc)
            return None

    cohort: int | None = None
    if typed["cohort"].strip():
        if _whole(typed["cohort"].strip()) and len(typed["cohort"].strip()) < 10:
            cohort = int(typed["cohort"])
        else:
            errors["cohort"] = "Choose a cohort from the list."
    status = typed["status"].strip() or None
    if status is not None and status not in STATUSES:
        errors["status"] = "Choose a status from the list."
        status = None
    enrolled_from, enrolled_to = day("enrolled_from"), day("enrolled_to")
    if enrolled_from and enrolled_to and enrolled_from > enrolled_to:
        errors["enrolled_to"] = "The end of the range is before its start."
        enrolled_to = None

    sort_value = typed["sort"].strip() or DEFAULT_SORT
    descending = sort_value.startswith("-")
    sort = sort_value.removeprefix("-")
    if sort not in SORTS:
        errors["sort"] = "Unknown sort column."
        sort, descending = DEFAULT_SORT, False
    page = 1
    if typed["page"].strip():
        raw = typed["page"].strip()
        if _whole(raw) and 0 < len(raw) < 7 and int(raw) >= 1:
            page = int(raw)
        else:
            errors["page"] = "Unknown page."

    return ReportQuery(
        filter=ReportFilter(course=text("course"), cohort=cohort, department=text("department"),
                            enrolled_from=enrolled_from, enrolled_to=enrolled_to, status=status),
        sort=sort, descending=descending, page=page, errors=errors, typed=typed)


def _whole(value: str) -> bool:
    """ASCII digits only ("²" and other Unicode digits are not numbers to int())."""
    return value.isascii() and value.isdigit()


def without(query: ReportQuery, *names: str) -> ReportQuery:
    """The query with some filters dropped (e.g. a course that does not exist)."""
    changes: dict[str, object] = dict.fromkeys(names)
    return replace(query, filter=replace(query.filter, **changes))
