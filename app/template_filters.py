"""What the templates use from the features, as filters and globals of the shared
templates of ``app/web.py``: quiz questions and feedback rendered (``app/quizzes``), the
address of a course item (``app/courses``), text measures (``app/content``) and the
labels of a workbook's status (``app/workbooks``). ``app/main.py`` imports this module when
it puts the application together, so the rendering that every feature uses never
imports a feature itself."""

from __future__ import annotations

from app.content.limits import measure, see_more_split
from app.courses.urls import item_url
from app.quizzes.render import (
    answer_html,
    describe_response,
    feedback_html,
    question_html,
    text_html,
)
from app.quizzes.responses import matching_answers
from app.web import templates
from app.workbooks.service import STATUS_LABELS


def _install_filters() -> None:
    templates.env.filters["question_html"] = question_html
    templates.env.filters["feedback_html"] = lambda text, question: feedback_html(text, question)
    templates.env.filters["describe_response"] = describe_response
    templates.env.filters["text_html"] = text_html
    templates.env.filters["answer_html"] = answer_html
    templates.env.filters["matching_answers"] = matching_answers
    templates.env.globals["item_url"] = item_url
    templates.env.globals["measure"] = measure
    templates.env.globals["see_more_split"] = see_more_split
    templates.env.globals["workbook_status_labels"] = STATUS_LABELS


_install_filters()
