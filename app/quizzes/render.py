"""Question text and responses as safe HTML, by the question's GIFT text format."""

from __future__ import annotations

from markupsafe import Markup, escape

from app.content.markdown import render_markdown, sanitise_html
from app.questions.spec import BLANK, QType, Question, TextFormat
from app.quizzes import grading

RawResponse = list[str] | dict[str, str] | None


def text_html(text: str, text_format: TextFormat = TextFormat.moodle) -> Markup:
    """Markdown is rendered like lessons, HTML is sanitised like lessons; Moodle's auto
    format and plain text are escaped with their line breaks kept."""
    if text_format == TextFormat.markdown:
        return Markup(render_markdown(text))  # noqa: S704 (sanitised by render_markdown)
    if text_format == TextFormat.html:
        return Markup(sanitise_html(text))  # noqa: S704 (sanitised)
    lines = [escape(line) for line in text.split("\n")]
    return Markup("<br>").join(lines)


def question_html(question: Question) -> Markup:
    html = text_html(question.text, question.text_format)
    if BLANK in question.text:
        html = Markup(str(html).replace(BLANK, '<span class="blank">_____</span>'))  # noqa: S704
    return html


def feedback_html(text: str, question: Question) -> Markup:
    return text_html(text, question.text_format)


def describe_response(question: Question, raw: RawResponse) -> str:
    """The learner's answer in words, for the result page."""
    values = [v for v in raw if v.strip()] if isinstance(raw, list) else []
    if raw is None or (isinstance(raw, list) and not values) or raw == {}:
        return "No answer"
    if question.type in (QType.single, QType.multiple):
        texts = [question.choices[int(v)].text for v in values
                 if v.isdigit() and int(v) < len(question.choices)]
        return "; ".join(texts) or "No answer"
    if question.type == QType.truefalse:
        return {"true": "True", "false": "False"}.get(values[0] if values else "", "No answer")
    if question.type == QType.matching and isinstance(raw, dict):
        answers = grading.matching_answers(question)
        prompts = [p.question for p in question.pairs if p.question]
        parts = []
        for key, value in sorted(raw.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0):
            if key.isdigit() and value.isdigit() and int(key) < len(prompts) \
                    and int(value) < len(answers):
                parts.append(f"{prompts[int(key)]} → {answers[int(value)]}")
        return "; ".join(parts) or "No answer"
    return values[0] if values else "No answer"
