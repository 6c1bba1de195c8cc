"""What the quiz forms post: an attempt's answers, named after the questions, and a
trainer's marks for essays."""

from __future__ import annotations

from app.content.forms import NamedFieldsForm, Token, named_fields


class AnswersForm(NamedFieldsForm):
    """An attempt's answers: ``q<question id>`` (the text typed, the choice picked, or one
    value per ticked choice) and, for a matching question, ``q<question id>_<pair>`` (the
    answer chosen for each pair)."""

    model_config = named_fields(r"^q[0-9]+(_[0-9]+)?$")


class SubmitForm(AnswersForm):
    """The answers, and ``confirm_unanswered`` (``1``: submit even though some questions
    have no answer; without it such a submission is answered with the list of them)."""

    confirm_unanswered: Token = ""


class GradeForm(NamedFieldsForm):
    """A trainer's marks for an attempt's essays: ``mark<question id>`` (0 to 100) and
    ``comment<question id>``."""

    model_config = named_fields(r"^mark[0-9]+$", r"^comment[0-9]+$")
