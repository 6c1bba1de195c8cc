"""What the daily review's forms post."""

from __future__ import annotations

from app.content.forms import CsrfForm, NamedFieldsForm, Token, named_fields


class CardAnswerForm(NamedFieldsForm):
    """A question card's answer, named as in a quiz (``q<question id>``, or
    ``q<question id>_<pair>`` for matching), and ``dont_know`` (``1``: "I don't
    remember", graded as a wrong answer)."""

    model_config = named_fields(r"^q[0-9]+(_[0-9]+)?$")

    dont_know: Token = ""


class RatingForm(CsrfForm):
    """A takeaway card's self-grade: ``again``, ``hard``, ``good`` or ``easy``."""

    rating: Token = ""
