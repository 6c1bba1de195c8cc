"""Trainers keep the organisation's lists for "Before you post": phrases (with severity,
explanation and lesson) and the customers and partners that posts must disclose. A change
counts from the next check on, in every process (the lists are read per check)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from app.checker import lists
from app.checker.checks import Severity
from app.checker.forms import OrganisationForm, PhraseForm
from app.checker.lexicon import LESSONS
from app.content.forms import CsrfForm, posted
from app.deps import RowId, SessionDep, TrainerUser
from app.web import redirect, render

router = APIRouter(prefix="/manage/checker")

SEVERITIES = [(s.value, s.label) for s in Severity]
LESSON_OPTIONS = [("", "No lesson"), *((slug, slug.replace("-", " ").capitalize())
                                      for slug in LESSONS)]


def _page(request: Request, session: SessionDep, *, phrase: dict[str, str] | None = None,
          phrase_errors: dict[str, str] | None = None,
          organisation: dict[str, str] | None = None,
          organisation_errors: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    return render(request, "checker/lists.html", {
        "phrases": lists.list_phrases(session),
        "organisations": lists.list_organisations(session),
        "phrase": phrase or {"severity": "caution"}, "phrase_errors": phrase_errors or {},
        "organisation": organisation or {"kind": "customer"},
        "organisation_errors": organisation_errors or {},
        "severities": SEVERITIES, "lessons": LESSON_OPTIONS, "kinds": list(lists.KINDS.items()),
    }, status_code=status_code)


@router.get("")
def lists_page(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    return _page(request, session)


@router.post("/phrases")
def add_phrase(request: Request, user: TrainerUser, session: SessionDep,
               form: Annotated[PhraseForm, Form()]) -> Response:
    parsed = lists.parse_phrase(session, form=posted(form))
    if parsed.errors:
        return _page(request, session, phrase=parsed.values, phrase_errors=parsed.errors,
                     status_code=422)
    lists.save_phrase(session, parsed=parsed)
    return redirect(request, "/manage/checker", notice="phrase-saved")


def _phrase_or_404(session: SessionDep, phrase_id: int) -> lists.CheckerPhrase:
    phrase = lists.get_phrase(session, phrase_id)
    if phrase is None:
        raise HTTPException(status_code=404)
    return phrase


def _phrase_page(request: Request, phrase: lists.CheckerPhrase, values: dict[str, str],
                 errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "checker/phrase.html", {
        "item": phrase, "phrase": values, "phrase_errors": errors,
        "severities": SEVERITIES, "lessons": LESSON_OPTIONS}, status_code=status_code)


@router.get("/phrases/{phrase_id}")
def edit_phrase(request: Request, phrase_id: RowId, user: TrainerUser,
                session: SessionDep) -> Response:
    phrase = _phrase_or_404(session, phrase_id)
    values = {"phrase": phrase.phrase, "severity": phrase.severity,
              "explanation": phrase.explanation, "lesson_slug": phrase.lesson_slug,
              "section": phrase.section}
    return _phrase_page(request, phrase, values, {})


@router.post("/phrases/{phrase_id}")
def save_phrase(request: Request, phrase_id: RowId, user: TrainerUser, session: SessionDep,
                form: Annotated[PhraseForm, Form()]) -> Response:
    phrase = _phrase_or_404(session, phrase_id)
    parsed = lists.parse_phrase(session, form=posted(form), existing=phrase)
    if parsed.errors:
        return _phrase_page(request, phrase, parsed.values, parsed.errors, status_code=422)
    lists.save_phrase(session, parsed=parsed, existing=phrase)
    return redirect(request, "/manage/checker", notice="phrase-saved")


@router.post("/phrases/{phrase_id}/delete")
def delete_phrase(request: Request, phrase_id: RowId, user: TrainerUser, session: SessionDep,
                  form: Annotated[CsrfForm, Form()]) -> Response:
    lists.delete_phrase(session, phrase=_phrase_or_404(session, phrase_id))
    return redirect(request, "/manage/checker", notice="phrase-deleted")


@router.post("/organisations")
def add_organisation(request: Request, user: TrainerUser, session: SessionDep,
                     form: Annotated[OrganisationForm, Form()]) -> Response:
    parsed = lists.parse_organisation(session, form=posted(form))
    if parsed.errors:
        return _page(request, session, organisation=parsed.values,
                     organisation_errors=parsed.errors, status_code=422)
    lists.add_organisation(session, parsed=parsed)
    return redirect(request, "/manage/checker#organisations", notice="organisation-saved")


@router.post("/organisations/{organisation_id}/delete")
def delete_organisation(request: Request, organisation_id: RowId, user: TrainerUser,
                        session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    organisation = lists.get_organisation(session, organisation_id)
    if organisation is None:
        raise HTTPException(status_code=404)
    lists.delete_organisation(session, organisation=organisation)
    return redirect(request, "/manage/checker#organisations", notice="organisation-deleted")
