"""The kinds of workbook and what the shared review, versions and status pages need to
know of each: its title, where the executive edits it, how it reads as rows, and what
must be fixed before it can be submitted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.persona import definition as persona
from app.planner import definition as planner
from app.workbooks.schema import Row

Data = dict[str, Any]


@dataclass(frozen=True)
class WorkbookKind:
    key: str
    title: str
    url: str
    rows: Callable[[Data, date | None], list[Row]]
    submit_errors: Callable[[Data, date | None], dict[str, str]]
    started: Callable[[Data], bool]


KINDS: dict[str, WorkbookKind] = {
    persona.KIND: WorkbookKind(
        key=persona.KIND, title="Digital persona", url="/persona",
        rows=lambda data, _starts_on: persona.rows(data),
        submit_errors=lambda data, _starts_on: persona.submit_errors(data),
        started=persona.started,
    ),
    planner.KIND: WorkbookKind(
        key=planner.KIND, title="90-day plan", url="/plan",
        rows=lambda data, starts_on: planner.rows(data, starts_on),
        submit_errors=lambda data, starts_on: planner.submit_errors(
            data, starts_on or date.today()),
        started=planner.started,
    ),
}
