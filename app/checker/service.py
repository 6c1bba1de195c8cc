"""Checking a draft for one executive: the organisation's rules as they are in the
database at this moment (read per request, so a trainer's change counts at once in every
process), and the links of the lessons the findings point to, in the course the executive
is enrolled in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.checker import checks
from app.checker.checks import Draft, Finding, Rules, Severity
from app.checker.lexicon import COURSE, LessonRef
from app.checker.matching import fold
from app.content.markdown import outline
from app.courses.urls import lesson_url
from app.models import (
    CheckerOrganisation,
    CheckerPhrase,
    ClosedPeriod,
    Course,
    Enrolment,
    Lesson,
    User,
)


def rules(session: Session) -> Rules:
    """The organisation's lists and closed periods, read now."""
    phrases = session.exec(select(CheckerPhrase).order_by(col(CheckerPhrase.id))).all()
    organisations = session.exec(select(CheckerOrganisation.name)).all()
    periods = session.exec(select(ClosedPeriod).order_by(col(ClosedPeriod.starts_on))).all()
    return Rules(
        phrases=tuple(checks.Phrase(
            phrase=p.phrase, severity=Severity(p.severity), explanation=p.explanation,
            lesson=LessonRef(p.lesson_slug, p.section) if p.lesson_slug else None)
            for p in phrases),
        organisations=tuple(organisations),
        closed_periods=tuple(checks.ClosedPeriod(p.label, p.starts_on, p.ends_on)
                             for p in periods))


def lesson_links(session: Session, *, user: User,
                 refs: Iterable[LessonRef | None]) -> dict[LessonRef, str]:
    """The address of each lesson (and section) in the course the executive is enrolled
    in; a lesson that is not there (not written yet, retired, or no enrolment) has none."""
    wanted = {ref for ref in refs if ref is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(Lesson.slug, Lesson.body_html)
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .join(Enrolment, col(Enrolment.course_id) == col(Course.id))
        .where(col(Enrolment.user_id) == user.id, col(Course.slug) == COURSE,
               col(Lesson.slug).in_({ref.slug for ref in wanted}),
               col(Lesson.retired_at).is_(None))).all()
    bodies = dict(rows)
    links: dict[LessonRef, str] = {}
    for ref in wanted:
        body = bodies.get(ref.slug)
        if body is None:
            continue
        links[ref] = lesson_url(COURSE, ref.slug, _anchor(body, ref.section))
    return links


def _anchor(body_html: str, word: str) -> str | None:
    if not word:
        return None
    wanted = fold(word)
    _, sections = outline(body_html)
    return next((s.anchor for s in sections if wanted in fold(s.title)), None)


@dataclass(frozen=True)
class Checked:
    """Findings on a draft, with the links to their lessons."""

    findings: list[Finding]
    links: dict[LessonRef, str]

    def link(self, finding: Finding) -> str | None:
        return self.links.get(finding.lesson) if finding.lesson else None

    @property
    def stops(self) -> list[Finding]:
        return checks.stops(self.findings)

    def __bool__(self) -> bool:
        return bool(self.findings)


def check_drafts(session: Session, *, user: User, drafts: Iterable[Draft],
                 current_rules: Rules | None = None) -> list[Checked]:
    """Each draft checked against the rules as they are now (read once for all)."""
    current_rules = current_rules or rules(session)
    results = [checks.check(draft, current_rules) for draft in drafts]
    links = lesson_links(session, user=user,
                         refs=(f.lesson for found in results for f in found))
    return [Checked(found, links) for found in results]


def check_draft(session: Session, *, user: User, draft: Draft) -> Checked:
    return check_drafts(session, user=user, drafts=[draft])[0]


def draft_for(text: str, *, network: str = "", day: dt.date | None = None) -> Draft:
    """A draft as the persona and the planner hold it: one text, maybe a network and a day."""
    return Draft(text=text, networks=(network,) if network else (), day=day)
