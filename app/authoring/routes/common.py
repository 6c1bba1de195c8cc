"""What the authoring pages share: the draft of the course in the address (404 when there
is none), a lesson of it, a revision, and the shape of an edit. Names starting with ``_``
are shared by the modules of ``app.authoring.routes`` only."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException

from app.authoring import drafts, publishing
from app.authoring.drafts import Draft
from app.deps import SessionDep

Edit = Callable[[Draft], object]


def _draft(session: SessionDep, slug: str) -> Draft:
    draft = drafts.load(session, slug)
    if draft is None:
        raise HTTPException(status_code=404)
    return draft


def _lesson_or_404(draft: Draft, slug: str) -> tuple[drafts.ModuleSpec, drafts.LessonSpec]:
    try:
        return draft.lesson(slug)
    except LookupError:
        raise HTTPException(status_code=404) from None


def _revision(session: SessionDep, draft: Draft, number: str) -> publishing.RevisionEntry:
    entry = publishing.revision(session, draft.course, number) if draft.course else None
    if entry is None:
        raise HTTPException(status_code=404)
    return entry
