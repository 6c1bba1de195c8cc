"""What the enrolment form posts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.content.forms import CsrfForm, Token

EnrolText = Annotated[str, Field(max_length=100_000)]


class EnrolForm(CsrfForm):
    """Executives to enrol: a cohort (its id) and/or email addresses (one a line, or
    separated by commas), with an optional due date (YYYY-MM-DD). ``existing`` is the
    answer of the confirmation step when some are enrolled already with another due date:
    ``change`` their due dates too, or ``keep`` them (empty: not asked yet)."""

    cohort: EnrolText = ""
    emails: EnrolText = ""
    due_date: EnrolText = ""
    existing: Token = ""
