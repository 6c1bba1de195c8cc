"""Checking what trainers type into a course's draft: text, slugs, minutes and hours,
and the errors that carry a message back to the form field it belongs to."""

from __future__ import annotations

import math
import re

from app.courses.package.format import ASSETS_DIR, MINUTES_RANGE, is_valid_slug
from app.courses.spec import CourseSpec

WORDS_PER_MINUTE = 200
MAX_TITLE, MAX_SUMMARY, MAX_BODY = 200, 2_000, 100_000


class DraftError(ValueError):
    """Input that cannot be applied; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FormErrors(ValueError):
    """Several fields refused at once: field name → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def clean_text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    # NUL cannot be stored in PostgreSQL text; it never belongs in course text
    text = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DraftError(field, "This is required.")
    if len(text) > limit:
        raise DraftError(field, f"Use at most {limit:,} characters (this has {len(text):,}).")
    return text


def clean_slug(value: str, field: str, taken: set[str]) -> str:
    slug = value.strip().lower()
    if not slug:
        raise DraftError(field, "This is required.")
    if len(slug) > 80 or not is_valid_slug(slug):
        raise DraftError(field, "Use lowercase letters, digits and single hyphens, "
                                "e.g. social-selling (at most 80 characters).")
    if slug == ASSETS_DIR:
        raise DraftError(field, f"'{ASSETS_DIR}' is reserved for the course's images.")
    if slug in taken:
        raise DraftError(field, "This name is already used in the course; choose another.")
    return slug


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80].rstrip("-")


def estimate_minutes(body: str) -> int:
    words = len(re.findall(r"\w+", body))
    low, high = MINUTES_RANGE
    return min(high, max(low, math.ceil(words / WORDS_PER_MINUTE)))


def clean_minutes(value: str, body: str) -> int:
    """Whole minutes from 1 to 120; empty: estimated from the text."""
    text = value.strip()
    if not text:
        return estimate_minutes(body)
    low, high = MINUTES_RANGE
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise DraftError("minutes", f"Enter whole minutes from {low} to {high}, or leave it "
                                    "empty to estimate from the text.")
    return int(text)


def clean_hours(value: str) -> float:
    try:
        hours = float(value.strip().replace(",", "."))
    except ValueError:
        hours = -1
    if not 0 < hours <= 200 or math.isnan(hours):
        raise DraftError("estimated_hours", "Enter the hours as a number from 0.5 to 200.")
    return round(hours * 2) / 2 or 0.5


def all_slugs(spec: CourseSpec) -> set[str]:
    return {m.slug for m in spec.modules} | {les.slug for m in spec.modules
                                             for les in m.lessons}
