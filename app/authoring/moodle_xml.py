"""A quiz of the draft to and from Moodle XML, for the quiz editor: importing replaces all
its questions (or nothing, when anything in the file is wrong) and keeps the images the
file embeds as course images; exporting embeds them back."""

from __future__ import annotations

from sqlmodel import Session

from app.authoring import questions
from app.authoring.draft_fields import DraftError
from app.authoring.drafts import Draft
from app.courses.service import course_assets, store_assets
from app.courses.urls import asset_url
from app.questions.moodle_xml.common import MoodleXmlError
from app.questions.moodle_xml.reader import MoodleXml, parse_moodle_xml
from app.questions.moodle_xml.writer import write_moodle_xml

MAX_XML_BYTES = questions.MAX_GIFT_BYTES  # the same limit as a GIFT file


def image_prefix(course_slug: str) -> str:
    """Where the course serves its images: the images of questions are addressed so."""
    return asset_url(course_slug, "")


def replace_from_xml(session: Session, draft: Draft, slug: str, data: bytes, *,
                     user_id: int | None) -> MoodleXml:
    """All questions of quiz ``slug`` from a Moodle XML file (DraftError "xml" naming
    every problem, and nothing changed, when the file cannot be imported whole)."""
    try:
        parsed = parse_moodle_xml(data, image_prefix=image_prefix(draft.slug),
                                  max_bytes=MAX_XML_BYTES)
    except MoodleXmlError as exc:
        raise DraftError("xml", "\n".join(exc.errors)) from exc
    if not any(q.graded for q in parsed.questions):
        skipped = f" ({len(parsed.skipped)} skipped: types Podium does not have)" \
            if parsed.skipped else ""
        raise DraftError("xml", f"The file has no question to answer{skipped}.")
    try:
        questions.replace_questions(draft, slug, parsed.questions)
    except DraftError as exc:
        raise DraftError("xml", str(exc)) from exc
    store_assets(session, course_slug=draft.slug, assets=parsed.images, created_by_id=user_id)
    return parsed


def export_xml(session: Session, draft: Draft, slug: str) -> str:
    """The quiz's questions as Moodle XML, with the course images they show embedded."""
    parsed = questions.read(questions.quiz_lesson(draft, slug))
    return write_moodle_xml(parsed.questions, images=course_assets(session, draft.slug),
                            image_prefix=image_prefix(draft.slug))
