"""Question texts and responses as safe HTML, each text by its own GIFT text format."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.content.markdown import render_markdown, sanitise_html
from app.questions.spec import BLANK, QType, Question, TextFormat
from app.quizzes.responses import matching_answers

RawResponse = list[str] | dict[str, str] | None


_BETWEEN_TAGS = re.compile(r">\s+<")
_BREAK_BEFORE_TAG = re.compile(r"[\n\r]<")
_BREAK_AFTER_TAG = re.compile(r">[\n\r]")
_LINE_BREAK = re.compile(r"\r\n|\n\r|\n|\r")
_TAG = re.compile(r"<[^>]*>")


def _moodle_auto_format(text: str) -> str:
    """Moodle's text_to_html() for FORMAT_MOODLE (without its wrapping ``div``, as Moodle
    formats question texts): HTML is kept, blanks between tags go, a line break next to a
    tag becomes a space, and every other line break a ``<br>``."""
    text = _BETWEEN_TAGS.sub("><", text)
    text = _BREAK_BEFORE_TAG.sub(" <", text)
    text = _BREAK_AFTER_TAG.sub("> ", text)
    return _LINE_BREAK.sub(lambda match: "<br>" + match.group(0), text)


@lru_cache(maxsize=4096)
def text_html(text: str, text_format: TextFormat = TextFormat.moodle) -> Markup:
    """A text as Moodle's format_text() shows it, made safe as lessons are: Markdown is
    rendered like lessons, HTML sanitised like lessons, Moodle's auto-format keeps HTML
    (sanitised) and turns line breaks into ``<br>``, plain text is escaped with its line
    breaks and runs of spaces kept. A pure function of the text and its format, so it is
    remembered: an attempt page shows every question and choice, each time it opens."""
    if text_format == TextFormat.markdown:
        return Markup(render_markdown(text))  # noqa: S704 (sanitised by render_markdown)
    if text_format == TextFormat.html:
        return Markup(sanitise_html(text))  # noqa: S704 (sanitised)
    if text_format == TextFormat.moodle:
        return Markup(sanitise_html(_moodle_auto_format(text)))  # noqa: S704 (sanitised)
    html = str(escape(text)).replace("  ", "&nbsp; ")
    return Markup(_LINE_BREAK.sub(lambda match: "<br>" + match.group(0), html))  # noqa: S704


def question_html(question: Question) -> Markup:
    html = text_html(question.text, question.text_format)
    if BLANK in question.text:
        html = Markup(str(html).replace(BLANK, '<span class="blank">_____</span>'))  # noqa: S704
    return html


_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p[ >]).)*)</p>\s*", re.DOTALL)


def answer_html(text: str, text_format: TextFormat = TextFormat.moodle) -> Markup:
    """An answer or a matching sub-question, shown inside its label: as :func:`text_html`,
    without the paragraph Markdown wraps a one-paragraph text in."""
    html = text_html(text, text_format)
    match = _ONE_PARAGRAPH.fullmatch(str(html))
    return Markup(match.group(1)) if match else html  # noqa: S704 (part of safe HTML)


def answer_words(text: str, text_format: TextFormat = TextFormat.moodle) -> str:
    """An answer as plain words (for "Your answer:" and reports): the text as shown, tags
    removed."""
    if text_format == TextFormat.plain:
        return text
    return html.unescape(_TAG.sub("", str(text_html(text, text_format)))).strip()


def feedback_html(text: str, question: Question) -> Markup:
    """The general feedback of ``question``, in its own format."""
    return text_html(text, question.general_feedback_format)


def describe_response(question: Question, raw: RawResponse) -> str:
    """The learner's answer in words, for the result page."""
    values = [v for v in raw if v.strip()] if isinstance(raw, list) else []
    if raw is None or (isinstance(raw, list) and not values) or raw == {}:
        return "No answer"
    if question.type in (QType.single, QType.multiple):
        chosen = [question.choices[int(v)] for v in values
                  if v.isdigit() and int(v) < len(question.choices)]
        texts = [answer_words(c.text, c.text_format) for c in chosen]
        return "; ".join(texts) or "No answer"
    if question.type == QType.truefalse:
        return {"true": "True", "false": "False"}.get(values[0] if values else "", "No answer")
    if question.type == QType.matching and isinstance(raw, dict):
        answers = matching_answers(question)
        prompts = [answer_words(p.question, p.question_format)
                   for p in question.pairs if p.question]
        parts = []
        for key, value in sorted(raw.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0):
            if key.isdigit() and value.isdigit() and int(key) < len(prompts) \
                    and int(value) < len(answers):
                parts.append(f"{prompts[int(key)]} → {answers[int(value)]}")
        return "; ".join(parts) or "No answer"
    return values[0] if values else "No answer"
