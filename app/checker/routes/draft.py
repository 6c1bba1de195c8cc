"""The executive's "Before you post" page: write or paste a draft, tick the networks, and
see the platform counters and the findings as you type. The draft is checked and
forgotten: nothing is stored and nothing leaves Podium."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.checker import service
from app.checker.checks import Draft
from app.checker.forms import DraftForm
from app.content import moments
from app.content.dates import parse_date
from app.content.limits import Measure, measure, normalise
from app.deps import ExecutiveUser, SessionDep
from app.planner.definition import NETWORK_BY_VALUE, NETWORKS
from app.web import is_htmx, reader_zone, render

router = APIRouter()

LONGEST = 20_000  # characters checked at most: longer than any network's post


@dataclass(frozen=True)
class Typed:
    """The form as typed, to show again."""

    draft: str = ""
    networks: tuple[str, ...] = ("linkedin",)
    day: str = ""
    has_image: bool = False
    image_description: str = ""
    ai_assisted: bool = False


def _read(form: DraftForm, today: dt.date) -> tuple[Typed, Draft, dict[str, str]]:
    errors: dict[str, str] = {}
    networks = tuple(n for n in dict.fromkeys(form.networks) if n in NETWORK_BY_VALUE)
    if len(networks) != len(set(form.networks)):
        errors["networks"] = "Choose networks from the list."
    if len(form.draft) > LONGEST:
        errors["draft"] = (f"Paste at most {LONGEST:,} characters (now "
                           f"{len(form.draft):,}): no network takes a post this long.")
    day = today
    if form.day.strip():
        try:
            day = parse_date(form.day)
        except ValueError as exc:
            errors["day"] = str(exc)
    typed = Typed(draft=form.draft, networks=networks, day=form.day.strip(),
                  has_image=bool(form.has_image), image_description=form.image_description,
                  ai_assisted=bool(form.ai_assisted))
    draft = Draft(text=normalise(form.draft), networks=networks, day=day,
                  has_image=typed.has_image, image_description=form.image_description,
                  ai_assisted=typed.ai_assisted)
    return typed, draft, errors


def _page(request: Request, *, typed: Typed, checked: service.Checked | None,
          measures: list[tuple[str, Measure]], errors: dict[str, str], today: dt.date,
          block: str | None = None) -> Response:
    return render(request, "checker/check.html", {
        "typed": typed, "checked": checked, "measures": measures, "errors": errors,
        "networks": NETWORKS, "today": today,
    }, block=block)


@router.get("/check")
def check_page(request: Request, user: ExecutiveUser) -> Response:
    today = moments.today(reader_zone(request))
    return _page(request, typed=Typed(), checked=None, measures=[], errors={}, today=today)


@router.post("/check")
def check_draft(request: Request, user: ExecutiveUser, session: SessionDep,
                form: Annotated[DraftForm, Form()]) -> Response:
    """The draft's counters and findings: the results block for the live page (HTMX), the
    whole page without JavaScript."""
    today = moments.today(reader_zone(request))
    typed, draft, errors = _read(form, today)
    checked = service.check_draft(session, user=user, draft=draft) \
        if draft.text.strip() and "draft" not in errors else None
    measures = [(NETWORK_BY_VALUE[n].label, measure(draft.text, NETWORK_BY_VALUE[n].limit))
                for n in draft.networks]
    return _page(request, typed=typed, checked=checked, measures=measures, errors=errors,
                 today=today, block="results" if is_htmx(request) else None)
