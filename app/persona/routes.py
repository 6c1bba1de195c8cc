"""The persona builder: an overview with previews and submission, one page per step
(saved as the executive types), and the approved persona as Markdown or a printable page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from app.content.forms import posted
from app.db import end_write
from app.deps import ExecutiveUser, SessionDep, read_first
from app.persona import service
from app.persona.definition import FIELDS, STEP_BY_SLUG, STEPS, Step, step_of
from app.persona.export import persona_markdown
from app.persona.forms import PersonaStepForm
from app.web import attachment, is_htmx, redirect, render

router = APIRouter()

StepForm = Annotated[PersonaStepForm, Form()]  # type: ignore[valid-type]


def _step(slug: str) -> Step:
    step = STEP_BY_SLUG.get(slug)
    if step is None:
        raise HTTPException(status_code=404)
    return step


@router.get("/persona")
def overview(request: Request, user: ExecutiveUser, session: SessionDep) -> Response:
    persona = service.view(session, user=user)
    return render(request, "persona/overview.html", {
        "persona": persona, "steps": STEPS, "fields": FIELDS, "step_of": step_of})


def _step_page(request: Request, step: Step, persona: service.PersonaView, *,
               session: SessionDep, user: ExecutiveUser, errors: dict[str, str],
               saved: bool, status_code: int = 200, block: str | None = None,
               check: bool = False) -> Response:
    return render(request, "persona/step.html", {
        "persona": persona, "step": step, "steps": STEPS, "data": persona.data,
        "errors": errors, "saved": saved, "comments": persona.comments,
        "previous": service.previous_step(step), "next": service.next_step(step),
        "check": check, "stepper_oob": block is not None,
        "message_findings": service.message_findings(session, user=user, step=step,
                                                     data=persona.data),
    }, status_code=status_code, block=block)


@router.get("/persona/steps/{slug}")
def step_page(request: Request, slug: str, user: ExecutiveUser, session: SessionDep,
              check: bool = False) -> Response:
    step = _step(slug)
    persona = service.view(session, user=user)
    errors = service.step_problems(step, persona.data, check=check)
    return _step_page(request, step, persona, session=session, user=user, errors=errors,
                      saved=False, check=check)


@router.post("/persona/steps/{slug}")
@read_first
def save_step(request: Request, slug: str, user: ExecutiveUser, session: SessionDep,
              form: StepForm) -> Response:
    """Save the step as typed; go on to the next step if it asked to and nothing is wrong."""
    step = _step(slug)
    fields = posted(form)
    checked = service.save_step(session, user=user, step=step, form=fields)
    end_write(session)
    persona = service.view(session, user=user)
    if checked.refused:
        persona.data.update(checked.values)  # shown as typed, though not saved
    going_on = fields.get("action") == "next"
    if going_on and not checked.errors:
        following = service.next_step(step)
        return redirect(request, f"/persona/steps/{following.slug}" if following
                        else "/persona")
    status_code = 422 if checked.errors else 200
    block = "step_form" if is_htmx(request) else None
    return _step_page(request, step, persona, session=session, user=user,
                      errors=checked.errors, saved=not checked.refused,
                      status_code=status_code, block=block)


@router.post("/persona/steps/{slug}/autosave")
@read_first  # an autosave of what is saved already writes nothing, locks nothing
def autosave(request: Request, slug: str, user: ExecutiveUser, session: SessionDep,
             form: StepForm, check: bool = False) -> Response:
    """Saved in the background while the executive types; answers with the save status
    and, out of band, what the saved answers now mean: the step's problems (banner and
    the message beside each field), the stepper's marks and, on the profile steps, a
    fresh preview. ``check``: the page shows missing answers too."""
    step = _step(slug)
    saved = service.write_step(session, user=user, step=step, form=posted(form))
    end_write(session)  # saved: the answer below is drawn without the write lock
    persona = service.saved_view(session, saved=saved)  # from the draft just saved
    checked = saved.checked
    errors = service.autosave_problems(step, persona, checked, check=check)
    return render(request, "persona/step.html", {
        "persona": persona, "step": step, "steps": STEPS, "data": persona.data,
        "saved": not checked.refused, "refused": checked.refused, "oob": True,
        "oob_problems": True, "errors": errors,
        "field_errors": {f.name: errors.get(f.name, "") for f in step.fields},
        "message_findings": service.message_findings(session, user=user, step=step,
                                                     data=persona.data)},
        block="autosaved")


@router.get("/persona/export.md")
def export_markdown(user: ExecutiveUser, session: SessionDep) -> Response:
    approved = service.approved(session, user=user)
    if approved is None:
        raise HTTPException(status_code=404, detail="Your persona has not been approved yet.")
    return attachment(persona_markdown(approved).encode(), filename="digital-persona.md",
                      media_type="text/markdown; charset=utf-8")


@router.get("/persona/print")
def printable(request: Request, user: ExecutiveUser, session: SessionDep) -> Response:
    approved = service.approved(session, user=user)
    if approved is None:
        raise HTTPException(status_code=404, detail="Your persona has not been approved yet.")
    return render(request, "persona/print.html", {"approved": approved, "data": approved.data,
                                                  "fields": FIELDS})
