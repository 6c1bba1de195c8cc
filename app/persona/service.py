"""The persona builder for one executive: their answers step by step, what stands
between them and submission, the trainer's latest comments, and the approved copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.checker import service as checker
from app.db import begin_write
from app.models import User, Workbook, WorkbookVersion
from app.persona.definition import FIELDS, KIND, STEPS, Step, rows, started, submit_errors
from app.workbooks import service as workbooks
from app.workbooks.schema import Checked, Row, read_step, step_errors


@dataclass
class PersonaView(workbooks.WorkbookView):
    def step_state(self, step: Step) -> str:
        """"done", "started", "empty" or "attention" (a problem or a comment)."""
        names = [f.name for f in step.fields]
        if any(n in self.comments for n in names) or any(
                n in self.problems and not f.empty(self.data.get(n))
                for n, f in zip(names, step.fields, strict=True)):
            return "attention"
        filled = [not f.empty(self.data.get(f.name)) for f in step.fields]
        if all(filled) or (any(filled) and not any(n in self.problems for n in names)):
            return "done"
        return "started" if any(filled) else "empty"


def view(session: Session, *, user: User) -> PersonaView:
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=KIND)
    data = workbooks.draft(workbook)
    result = workbooks.load_view(session, workbook=workbook, started=started(data),
                                 problems=submit_errors(data), view=PersonaView)
    assert isinstance(result, PersonaView)
    return result


@dataclass
class StepSave:
    """A step saved (or found saved already, or refused): what was read from the form,
    and the workbook and its draft as they now are (None and {} before any answer)."""

    checked: Checked
    workbook: Workbook | None
    data: dict[str, Any]


def save_step(session: Session, *, user: User, step: Step, form: Any,
              now: datetime | None = None) -> Checked:
    """Save a step's answers exactly as typed (problems are reported, not cut away),
    unless an answer is too large to keep at all. Answers saved already are not written
    again (the autosave repeats them), and then nothing is locked."""
    return write_step(session, user=user, step=step, form=form, now=now).checked


def write_step(session: Session, *, user: User, step: Step, form: Any,
               now: datetime | None = None) -> StepSave:
    """:func:`save_step`, answering with the draft as saved, so the page can be drawn
    from it without reading the workbook again."""
    checked = read_step(step, form)
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=KIND)
    saved = workbooks.draft(workbook)
    if checked.refused or all(saved.get(name) == value
                              for name, value in checked.values.items()):
        return StepSave(checked, workbook, saved)
    begin_write(session)
    data = {**saved, **checked.values}
    # the draft read is still the draft: written in one statement that checks just that
    if workbook is not None and workbooks.replace_draft(session, workbook=workbook,
                                                        data=data, now=now):
        return StepSave(checked, workbook, data)
    # no workbook yet, or another save came first: lock it and merge into what is there
    workbook = workbooks.open_for_update(session, user_id=user.id, kind=KIND, now=now)
    data = workbooks.draft(workbook)
    data.update(checked.values)
    workbooks.save_draft(session, workbook=workbook, data=data, now=now)
    return StepSave(checked, workbook, data)


def saved_view(session: Session, *, saved: StepSave) -> PersonaView:
    """What an autosave's answer shows of the persona, from the draft just saved: its
    answers, what blocks submission and the trainer's comments (read only while changes
    are requested). Not the versions nor whether there are unsubmitted changes, which
    the autosave does not show."""
    data = saved.data
    persona = PersonaView(workbook=saved.workbook, data=data, started=started(data),
                          problems=submit_errors(data))
    if saved.workbook is not None and saved.workbook.status == workbooks.CHANGES_REQUESTED:
        persona.review = workbooks.latest_review(session, workbook=saved.workbook)
    return persona


def autosave_problems(step: Step, persona: PersonaView, checked: Checked, *,
                      check: bool) -> dict[str, str]:
    """:func:`step_problems` of the draft just saved, from what is known already: the
    form's own check (the step's answers are the ones just read) or, with ``check``, what
    blocks submission; with an answer refused, the saved answers' and the refusal."""
    if checked.refused:
        errors = step_problems(step, persona.data, check=check)
        errors.update(checked.errors)
        return errors
    if check:
        return {f.name: persona.problems[f.name] for f in step.fields
                if f.name in persona.problems}
    return dict(checked.errors)


def step_problems(step: Step, data: dict[str, Any], *, check: bool) -> dict[str, str]:
    """A step's problems: what breaks a limit; with ``check`` (coming from the list of
    what blocks submission) also the answers still missing."""
    if not check:
        return step_errors(step, data, submitting=False)
    errors = step_errors(step, data, submitting=True)
    for name, message in submit_errors(data).items():
        if any(f.name == name for f in step.fields):
            errors.setdefault(name, message)
    return errors


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None


@dataclass
class ApprovedPersona:
    owner: User
    version: WorkbookVersion
    data: dict[str, Any]

    @property
    def rows(self) -> list[Row]:
        return rows(self.data)


def approved(session: Session, *, user: User) -> ApprovedPersona | None:
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=KIND)
    if workbook is None:
        return None
    version = workbooks.approved_version(session, workbook=workbook)
    if version is None:
        return None
    return ApprovedPersona(user, version, workbooks.load(version.data))


MESSAGES_STEP = "messages"


def message_findings(session: Session, *, user: User, step: Step,
                     data: dict[str, Any]) -> list[tuple[int, checker.Checked]]:
    """On the core messages step: what "Before you post" finds in each message written so
    far (numbered from 1, as the page labels them); elsewhere nothing."""
    if step.slug != MESSAGES_STEP:
        return []
    field = FIELDS["core_messages"]
    messages = [(number, text) for number, (_, text)
                in enumerate(field.slots(data.get(field.name)), start=1)  # type: ignore[attr-defined]
                if isinstance(text, str) and text.strip()]
    if not messages:
        return []  # nothing to check: the rules need not be read
    checked = checker.check_drafts(session, user=user, drafts=[
        checker.draft_for(text, network="x") for _, text in messages])
    return [(number, found) for (number, _), found in zip(messages, checked, strict=True)]
