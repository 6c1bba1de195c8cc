"""The organisation's lists that trainers keep in the browser: phrases (with a severity,
an explanation and a lesson) and the customers and partners that need a disclosure word.
Every change is recorded in the audit trail and counts from the next check on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.checker.checks import Severity
from app.checker.lexicon import LESSONS
from app.checker.matching import fold
from app.models import CheckerOrganisation, CheckerPhrase, utcnow

PHRASE_MAX = 200
EXPLANATION_MAX = 500
SECTION_MAX = 80
KINDS = {"customer": "Customer", "partner": "Partner"}


@dataclass
class Parsed:
    """A form read: the values as typed (to show again) and a message per faulty field."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def _text(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _key(text: str) -> str:
    return fold(text).strip()


def list_phrases(session: Session) -> list[CheckerPhrase]:
    return list(session.exec(select(CheckerPhrase).order_by(col(CheckerPhrase.key))).all())


def get_phrase(session: Session, phrase_id: int) -> CheckerPhrase | None:
    return session.get(CheckerPhrase, phrase_id)


def parse_phrase(session: Session, *, form: Mapping[str, str],
                 existing: CheckerPhrase | None = None,
                 lessons: tuple[str, ...] = LESSONS) -> Parsed:
    values = {name: _text(form, name).strip()
              for name in ("phrase", "severity", "explanation", "lesson_slug", "section")}
    values["phrase"] = " ".join(values["phrase"].split())
    errors: dict[str, str] = {}
    if not values["phrase"]:
        errors["phrase"] = "Enter the phrase to look for, e.g. a project code name."
    elif len(values["phrase"]) > PHRASE_MAX:
        errors["phrase"] = f"Keep the phrase to {PHRASE_MAX} characters."
    else:
        key = _key(values["phrase"])
        if len(key) > PHRASE_MAX:
            errors["phrase"] = f"Keep the phrase to {PHRASE_MAX} characters."
        else:
            twin = session.exec(select(CheckerPhrase).where(col(CheckerPhrase.key) == key)
                                ).first()
            if twin is not None and (existing is None or twin.id != existing.id):
                errors["phrase"] = f"“{twin.phrase}” is on the list already."
    if values["severity"] not in {s.value for s in Severity}:
        errors["severity"] = "Choose info, caution or stop."
    if len(values["explanation"]) > EXPLANATION_MAX:
        errors["explanation"] = (f"Keep the explanation to {EXPLANATION_MAX} characters "
                                 f"(now {len(values['explanation']):,}).")
    if values["lesson_slug"] and values["lesson_slug"] not in lessons:
        errors["lesson_slug"] = "Choose a lesson from the list."
    if len(values["section"]) > SECTION_MAX:
        errors["section"] = f"Keep the section word to {SECTION_MAX} characters."
    return Parsed(values, errors)


def save_phrase(session: Session, *, parsed: Parsed,
                existing: CheckerPhrase | None = None) -> CheckerPhrase:
    values = parsed.values
    phrase = existing or CheckerPhrase(phrase="", key="", severity="info")
    phrase.phrase = values["phrase"]
    phrase.key = _key(values["phrase"])
    phrase.severity = values["severity"]
    phrase.explanation = values["explanation"]
    phrase.lesson_slug = values["lesson_slug"]
    phrase.section = values["section"]
    phrase.updated_at = utcnow()
    session.add(phrase)
    session.flush()
    audit.record(session, action="checker.phrase-saved", target_type="checker-phrase",
                 target_id=phrase.id, target_label=phrase.phrase,
                 details={"severity": phrase.severity, "new": existing is None})
    return phrase


def delete_phrase(session: Session, *, phrase: CheckerPhrase) -> None:
    audit.record(session, action="checker.phrase-deleted", target_type="checker-phrase",
                 target_id=phrase.id, target_label=phrase.phrase)
    session.delete(phrase)
    session.flush()


def list_organisations(session: Session) -> list[CheckerOrganisation]:
    return list(session.exec(select(CheckerOrganisation)
                             .order_by(col(CheckerOrganisation.key))).all())


def get_organisation(session: Session, organisation_id: int) -> CheckerOrganisation | None:
    return session.get(CheckerOrganisation, organisation_id)


def parse_organisation(session: Session, *, form: Mapping[str, str]) -> Parsed:
    values = {"name": " ".join(_text(form, "name").split()),
              "kind": _text(form, "kind").strip()}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Enter the organisation's name as people write it."
    elif len(values["name"]) > PHRASE_MAX or len(_key(values["name"])) > PHRASE_MAX:
        errors["name"] = f"Keep the name to {PHRASE_MAX} characters."
    else:
        twin = session.exec(select(CheckerOrganisation).where(
            col(CheckerOrganisation.key) == _key(values["name"]))).first()
        if twin is not None:
            errors["name"] = f"“{twin.name}” is on the list already."
    if values["kind"] not in KINDS:
        errors["kind"] = "Choose customer or partner."
    return Parsed(values, errors)


def add_organisation(session: Session, *, parsed: Parsed) -> CheckerOrganisation:
    organisation = CheckerOrganisation(name=parsed.values["name"],
                                       key=_key(parsed.values["name"]),
                                       kind=parsed.values["kind"])
    session.add(organisation)
    session.flush()
    audit.record(session, action="checker.organisation-added",
                 target_type="checker-organisation", target_id=organisation.id,
                 target_label=organisation.name, details={"kind": organisation.kind})
    return organisation


def delete_organisation(session: Session, *, organisation: CheckerOrganisation) -> None:
    audit.record(session, action="checker.organisation-deleted",
                 target_type="checker-organisation", target_id=organisation.id,
                 target_label=organisation.name)
    session.delete(organisation)
    session.flush()
