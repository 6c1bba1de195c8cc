"""Validation of account fields, shared by the admin forms, the CSV import and the CLI.
Each check returns a message for the field, or None. Below them, what the admin pages'
forms post."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import Field

from app.content.dates import parse_date
from app.content.forms import CsrfForm, Token
from app.content.keys import email_key
from app.content.numbers import parse_id
from app.models import Role

MAX_NAME = 200
MAX_EMAIL = 254  # the column's length
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
    key = email_key(result.normalized)
    if len(key) > MAX_EMAIL:  # lower() may lengthen it: "İ" is "i̇"
        return value, "Not a valid email address: it is too long."
    return key, None


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
        return parse_date(value), None
    except ValueError as exc:
        return None, str(exc)


# The forms of the admin pages --------------------------------------------------------------

AdminText = Annotated[str, Field(max_length=5000)]
# The CSV pasted into the import page (a file may hold as much; the page checks its size).
CsvText = Annotated[str, Field(max_length=4 * 1024 * 1024)]


class AccountForm(CsrfForm):
    """An account's fields; ``cohorts`` holds the id of every cohort ticked."""

    email: AdminText = ""
    full_name: AdminText = ""
    role: AdminText = ""
    department: AdminText = ""
    cohorts: list[Token] = []

    def cohort_ids(self) -> list[int]:
        """The cohorts ticked; a value that is no id is 0, which names no cohort (the form
        then says to choose cohorts from the list)."""
        return [parse_id(value) or 0 for value in self.cohorts]


class NewAccountForm(AccountForm):
    """A new account, with its first password."""

    password: AdminText = ""


class PasswordForm(CsrfForm):
    """A new password set by an admin."""

    password: AdminText = ""


class ActiveForm(CsrfForm):
    """``1`` enables the account, ``0`` disables it."""

    active: AdminText = ""


class ImportForm(CsrfForm):
    """Accounts as CSV text (or in a file, its own parameter); ``confirm`` is
    ``valid-only`` to import the valid rows and skip the others."""

    text: CsvText = ""
    confirm: AdminText = ""


class CohortForm(CsrfForm):
    """A cohort's name and start date (YYYY-MM-DD, optional)."""

    name: AdminText = ""
    start_date: AdminText = ""
