"""The 90-day planner: the plan page (message, coverage, calendar or list), one page per
content item, and the calendar (.ics) and CSV exports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.checker import service as checker
from app.content import moments
from app.content.forms import CsrfForm, posted
from app.content.limits import measure, normalise
from app.deps import ExecutiveUser, SessionDep
from app.planner import definition as plan
from app.planner import service
from app.planner.exports import plan_csv, plan_ics
from app.planner.forms import DraftCounterForm, ItemForm, MessageForm
from app.web import attachment, is_htmx, reader_zone, redirect, render

router = APIRouter()

MessageBody = Annotated[MessageForm, Form()]  # type: ignore[valid-type]
ItemBody = Annotated[ItemForm, Form()]

MESSAGE_LABELS = {f.name: f.label for f in plan.MESSAGE_STEP.fields}

OPTIONS = {
    "network": [(n.value, n.label) for n in plan.NETWORKS],
    "format": [(c.value, c.label) for c in plan.FORMATS],
    "source": [(c.value, c.label) for c in plan.SOURCES],
    "status": [(c.value, c.label) for c in plan.STATUSES],
}

def _page(request: Request, current: service.PlanView, *, view: str,
          errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
          saved: bool = False, status_code: int = 200, block: str | None = None) -> Response:
    return render(request, "planner/plan.html", {
        "plan": current, "view": view, "errors": errors or {}, "typed": typed or {},
        "saved": saved, "step": plan.MESSAGE_STEP, "labels": MESSAGE_LABELS,
        "today": moments.today(reader_zone(request)),
    }, status_code=status_code, block=block)


@router.get("/plan")
def plan_page(request: Request, user: ExecutiveUser, session: SessionDep,
              view: Literal["calendar", "list"] = "calendar") -> Response:
    return _page(request, service.view(session, user=user), view=view)


@router.post("/plan/message")
def save_message(request: Request, user: ExecutiveUser, session: SessionDep,
                 form: MessageBody) -> Response:
    fields = posted(form)
    checked = service.save_message(session, user=user, form=fields)
    current = service.view(session, user=user)
    if fields.get("autosave"):
        return _page(request, current, view="calendar", saved=not checked.refused,
                     errors=checked.errors, block="message_status")
    if not checked.errors and not is_htmx(request):
        return redirect(request, "/plan", notice="plan-saved")
    return _page(request, current, view="calendar", errors=checked.errors,
                 typed=checked.values, saved=not checked.refused,
                 status_code=422 if checked.errors else 200,
                 block="message_form" if is_htmx(request) else None)


def _item_page(request: Request, current: service.PlanView, item: plan.Item, *,
               checked: checker.Checked, errors: dict[str, str], new: bool,
               saved: bool | None = None, status_code: int = 200) -> Response:
    """The item form; ``saved`` tells, after a post, whether the item was kept."""
    return render(request, "planner/item.html", {
        "plan": current, "item": item, "errors": errors, "new": new, "options": OPTIONS,
        "saved": saved, "checked": checked,
        "draft_measure": item.draft_measure,
        "comment": current.comment_on(item) if item.id else None,
    }, status_code=status_code, block="item_form" if is_htmx(request) and status_code != 200
        else None)


@router.get("/plan/items/new")
def new_item(request: Request, user: ExecutiveUser, session: SessionDep,
             day: Annotated[str, Query(max_length=10)] = "") -> Response:
    current = service.view(session, user=user)
    item = service.blank_item(current.starts_on, day)
    return _item_page(request, current, item, errors={}, new=True,
                      checked=service.item_findings(session, user=user, item=item))


@router.post("/plan/items")
def add_item(request: Request, user: ExecutiveUser, session: SessionDep,
             form: ItemBody) -> Response:
    result = service.save_item(session, user=user, form=posted(form))
    return _after_save(request, session, user, result, new=True)


def _after_save(request: Request, session: SessionDep, user: ExecutiveUser,
                result: service.SavedItem, *, new: bool) -> Response:
    if result.saved and not result.errors:
        return redirect(request, "/plan?view=list", notice="item-saved")
    # Not kept (a structural error), or kept but over the network's limit: either way the
    # form comes back with the messages next to the fields.
    current = service.view(session, user=user)
    return _item_page(request, current, result.item, errors=result.errors,
                      new=new and not result.saved, saved=result.saved, status_code=422,
                      checked=service.item_findings(session, user=user, item=result.item))


@router.get("/plan/items/{item_id}")
def edit_item(request: Request, item_id: str, user: ExecutiveUser,
              session: SessionDep) -> Response:
    item = service.get_item(session, user=user, item_id=item_id)
    if item is None:
        raise HTTPException(status_code=404)
    current = service.view(session, user=user)
    return _item_page(request, current, item, errors=current.item_problems(item), new=False,
                      checked=service.item_findings(session, user=user, item=item))


@router.post("/plan/items/{item_id}")
def save_item(request: Request, item_id: str, user: ExecutiveUser, session: SessionDep,
              form: ItemBody) -> Response:
    if service.get_item(session, user=user, item_id=item_id) is None:
        raise HTTPException(status_code=404)
    result = service.save_item(session, user=user, form=posted(form), item_id=item_id)
    return _after_save(request, session, user, result, new=False)


@router.post("/plan/items/{item_id}/delete")
def delete_item(request: Request, item_id: str, user: ExecutiveUser,
                session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    if not service.delete_item(session, user=user, item_id=item_id):
        raise HTTPException(status_code=404)
    return redirect(request, "/plan?view=list", notice="item-deleted")


@router.post("/plan/items-counter")
def draft_counter(request: Request, user: ExecutiveUser, session: SessionDep,
                  form: Annotated[DraftCounterForm, Form()]) -> Response:
    """The draft's live counter, against the limit of the network chosen in the form, and
    (out of band) what "Before you post" finds in it."""
    network = plan.NETWORK_BY_VALUE.get(form.network)
    draft = normalise(form.draft)
    checked = checker.check_draft(session, user=user, draft=checker.draft_for(
        draft, network=form.network if network else "", day=plan.parse_day(form.date.strip())))
    return render(request, "planner/item.html", {
        "draft_measure": measure(form.draft, network.limit) if network else None,
        "checked": checked, "findings_oob": True},
        block="draft_counter")


@router.get("/plan/export.ics")
def export_ics(user: ExecutiveUser, session: SessionDep) -> Response:
    current = service.view(session, user=user)
    body = plan_ics(items=current.items, initiative=str(current.data.get("initiative", "")),
                    message=str(current.data.get("message", "")))
    return attachment(body, filename="podium-90-day-plan.ics",
                      media_type="text/calendar; charset=utf-8")


@router.get("/plan/export.csv")
def export_csv(user: ExecutiveUser, session: SessionDep) -> Response:
    current = service.view(session, user=user)
    return attachment(plan_csv(current.items).encode(), filename="podium-90-day-plan.csv",
                      media_type="text/csv; charset=utf-8")
