"""Validation of account fields, shared by the admin forms, the CSV import and the CLI.
Each check returns a message for the field, or None."""

from __future__ import annotations

from datetime import date

from email_validator import EmailNotValidError, validate_email

from app.content.keys import email_key
from app.models import Role

MAX_NAME = 200
MAX_DEPARTMENT = 120
MAX_COHORT_NAME = 120
COHORT_SEPARATOR = ";"


def clean_email(raw: str) -> tuple[str, str | None]:
    value = raw.strip()
    if not value:
        return value, "Enter an email address."
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return value, f"Not a valid email address: {exc}"
    return email_key(result.normalized), None


def clean_name(raw: str) -> tuple[str, str | None]:
    value = " ".join(raw.split())
    if not value:
        return value, "Enter the person's full name."
    if len(value) > MAX_NAME:
        return value, f"Use at most {MAX_NAME} characters."
    return value, None


def clean_role(raw: str) -> tuple[Role | None, str | None]:
    value = raw.strip().lower()
    try:
        return Role(value), None
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        return None, f"Unknown role '{raw.strip()[:40]}'. Use one of: {allowed}."


def clean_department(raw: str) -> tuple[str | None, str | None]:
    value = " ".join(raw.split())
    if len(value) > MAX_DEPARTMENT:
        return value, f"Use at most {MAX_DEPARTMENT} characters."
    return value or None, None


def clean_cohort_names(raw: str) -> tuple[list[str], str | None]:
    names: list[str] = []
    for part in raw.split(COHORT_SEPARATOR):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > MAX_COHORT_NAME:
            return names, f"A cohort name has at most {MAX_COHORT_NAME} characters."
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names, None


def clean_cohort_name(raw: str) -> tuple[str, str | None]:
    value = " ".join(raw.split())
    if not value:
        return value, "Enter a name for the cohort."
    if len(value) > MAX_COHORT_NAME:
        return value, f"Use at most {MAX_COHORT_NAME} characters."
    if COHORT_SEPARATOR in value:
        return value, "A cohort name cannot contain ';'."
    return value, None


def clean_optional_date(raw: str) -> tuple[date | None, str | None]:
    value = raw.strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "Enter a date as YYYY-MM-DD."
