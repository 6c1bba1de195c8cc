"""What every workbook kind shares: live character counters, submission for review, and
the executive's versions (compare with the draft, restore)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.activities.kinds import KINDS, WorkbookKind
from app.content.forms import CsrfForm, posted
from app.content.limits import LIMITS, measure
from app.deps import CurrentUser, ExecutiveUser, Ordinal, SessionDep
from app.models import User, Workbook
from app.web import redirect, render
from app.workbooks import service
from app.workbooks.compare import compare
from app.workbooks.forms import INPUT_NAME, CounterForm

router = APIRouter()


@router.post("/counter/{limit_key}")
def counter(request: Request, limit_key: str, user: CurrentUser,
            form: Annotated[CounterForm, Form()],
            field: Annotated[str, Query(pattern=INPUT_NAME)]) -> Response:
    """The live counter of one text field, counted exactly as the save will count it."""
    limit = LIMITS.get(limit_key)
    if limit is None:
        raise HTTPException(status_code=404)
    text = posted(form).get(field, "")
    return render(request, "workbooks/counter.html",
                  {"measure": measure(text, limit), "field": field})


def _own_workbook(session: Session, user: User, kind: WorkbookKind) -> Workbook:
    workbook = service.get_workbook(session, user_id=user.id, kind=kind.key)
    if workbook is None:
        raise HTTPException(status_code=404)
    return workbook


def workbook_router(kind: WorkbookKind) -> APIRouter:
    """Submission and versions under the kind's own URL (``/persona``, ``/plan``)."""
    routes = APIRouter(prefix=kind.url)

    @routes.post("/submit", name=f"{kind.key}_submit")
    def submit(request: Request, user: ExecutiveUser, session: SessionDep,
               form: Annotated[CsrfForm, Form()]) -> Response:
        workbook = service.get_workbook(session, user_id=user.id, kind=kind.key)
        if workbook is None:
            return redirect(request, kind.url, notice="not-ready")
        workbook = service.open_for_update(session, user_id=user.id, kind=kind.key)
        data = service.draft(workbook)
        current = service.load_view(session, workbook=workbook, started=kind.started(data),
                                    problems=kind.submit_errors(data, workbook.starts_on))
        if not current.can_submit:
            return redirect(request, kind.url,
                            notice="not-ready" if current.problems else "nothing-new")
        service.submit(session, workbook=workbook)
        return redirect(request, kind.url, notice="submitted")

    @routes.get("/versions/{number}", name=f"{kind.key}_version")
    def version(request: Request, number: Ordinal, user: ExecutiveUser,
                session: SessionDep) -> Response:
        workbook = _own_workbook(session, user, kind)
        kept = service.get_version(session, workbook=workbook, number=number)
        if kept is None:
            raise HTTPException(status_code=404)
        changes = compare(kind.rows(service.load(kept.data), kept.starts_on),
                          kind.rows(service.draft(workbook), workbook.starts_on))
        return render(request, "workbooks/version.html", {
            "kind": kind, "version": kept, "changes": changes,
            "comments": service.comments_of(session, version=kept),
            "versions": service.versions(session, workbook=workbook)})

    @routes.post("/versions/{number}/restore", name=f"{kind.key}_restore")
    def restore(request: Request, number: Ordinal, user: ExecutiveUser,
                session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
        workbook = service.open_for_update(session, user_id=user.id, kind=kind.key)
        kept = service.get_version(session, workbook=workbook, number=number)
        if kept is None:
            raise HTTPException(status_code=404)
        service.restore(session, workbook=workbook, version=kept)
        return redirect(request, kind.url, notice="restored")

    return routes


for _kind in KINDS.values():
    router.include_router(workbook_router(_kind))
