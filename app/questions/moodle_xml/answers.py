"""Reading the part of a ``<question>`` that depends on its type (after the headers every
type has: see ``reader.py``).

Dropped on import, because Podium has no place for them (nothing else is lost):

* every type: ``defaultgrade`` (every Podium question weighs the same), ``penalty`` (Podium
  has no interactive attempts with tries), ``hidden``, hints (``<hint>``);
* multichoice and matching: ``shuffleanswers`` (shuffling is the quiz's setting in
  Podium), ``answernumbering``, ``showstandardinstruction``, the combined feedback
  (``correctfeedback``, ``partiallycorrectfeedback``, ``incorrectfeedback``,
  ``shownumcorrect``);
* shortanswer: ``usecase`` (Podium always compares ignoring case: a warning says so when
  the file asks for case to matter);
* numerical: units (``units``, ``unitgradingtype``, ``unitpenalty``, ``showunits``,
  ``unitsleft``, ``instructions``);
* essay: ``responseformat``, ``responserequired``, ``responsefieldlines``, attachments,
  word limits, ``graderinfo`` and ``responsetemplate``;
* categories: the category's ``info`` and ``idnumber`` (Podium keeps a question's category
  as its path only).

Warnings name the dropped settings a trainer wrote themselves (hints, combined feedback
other than Moodle's defaults, grader information, a response template, units).
"""

from __future__ import annotations

import math
from xml.etree.ElementTree import Element

from app.questions.moodle_xml.common import PHP_BLANKS, snap_grade
from app.questions.moodle_xml.files import Problem
from app.questions.moodle_xml.texts import QuestionReader, described, text_of
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question

# Moodle's own default combined feedback (English): not worth a warning when dropped.
_DEFAULT_COMBINED = {"", "Your answer is correct.", "Your answer is partially correct.",
                     "Your answer is incorrect."}


def _number(raw: str, element: str, what: str) -> float:
    try:
        value = float(raw.strip(PHP_BLANKS))
    except ValueError:
        raise Problem(element, f"{what} '{raw.strip()}' is not a number") from None
    if not math.isfinite(value):
        raise Problem(element, f"{what} '{raw.strip()}' is not a number")
    return value


def _grade(answer: Element) -> float:
    """An answer's ``fraction`` (a percentage; the old ``<fraction>`` tag is a share)."""
    element = described(answer, "fraction")
    old = answer.findtext("fraction")
    if old is not None:
        value = _number(old, element, "the grade")
    else:
        value = _number(answer.get("fraction", "0"), element, "the grade") / 100
    grade = snap_grade(value)
    if grade is None:
        raise Problem(element, "not a Moodle grade (Moodle accepts 100, 90, 83.33333, 80, 75, "
                               "70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, "
                               "14.28571, 12.5, 11.11111, 10, 5, 0 and the same negated)")
    return grade


def _dropped_extras(reader: QuestionReader, element: Element) -> None:
    if any(text_of(hint, "<hint>") for hint in element.findall("hint")):
        reader.warn("<hint>: hints are dropped (Podium has no interactive attempts)")
    for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        if text_of(element.find(name), f"<{name}>") not in _DEFAULT_COMBINED:
            reader.warn(f"<{name}>: combined feedback is dropped (Podium shows the feedback "
                        "of each answer and the general feedback)")


def _full_marks(reader: QuestionReader, fractions: list[float]) -> None:
    if fractions and max(fractions) != 1:
        reader.warn(f"<answer>: no answer gives full marks (the best gives "
                    f"{max(fractions) * 100:g}%)")


def _choice(reader: QuestionReader, answer: Element, question: Question, *,
            rich: bool) -> Choice | None:
    element = described(answer, "fraction")
    fraction = _grade(answer)
    text_format = reader.text_format(answer, question.text_format, element)
    text = reader.rich_text(answer, element) if rich else text_of(answer, element)
    feedback = answer.find("feedback")
    feedback_format = reader.text_format(feedback, question.text_format, "<feedback>")
    feedback_text = reader.rich_text(feedback, "<feedback>")
    if not text:
        reader.warn(f"{element}: an answer without text is left out, as Moodle does")
        return None
    return Choice(text=text, fraction=fraction, feedback=feedback_text,
                  text_format=text_format, feedback_format=feedback_format)


def read_multichoice(reader: QuestionReader, element: Element, question: Question) -> None:
    single = (element.findtext("single") or "true").strip()
    question.type = QType.multiple if single in ("false", "", "0") else QType.single
    for answer in element.findall("answer"):
        choice = _choice(reader, answer, question, rich=True)
        if choice is not None:
            question.choices.append(choice)
    if len(question.choices) < 2:
        raise Problem("<answer>", "a multiple choice question needs at least 2 answers")
    # Moodle's multichoice question type refuses both on import (errfractionsnomax,
    # errfractionsaddwrong in qformat_xml_import_export_test::test_import_invalid_fraction_sum)
    if question.type == QType.single and max(c.fraction for c in question.choices) != 1:
        best = max(c.fraction for c in question.choices) * 100
        raise Problem("<answer>", f"one of the answers should have a grade of 100% (the best "
                                  f"has {best:g}%)")
    total = round(sum(c.fraction for c in question.choices if c.fraction > 0), 2)
    if question.type == QType.multiple and total != 1:
        raise Problem("<answer>", f"the positive grades of a multiple-answer question must add "
                                  f"up to 100%; these add up to {total * 100:g}%")
    _dropped_extras(reader, element)


def read_truefalse(reader: QuestionReader, element: Element, question: Question) -> None:
    found = element.findall("answer")
    if not found:
        raise Problem("<answer>", "a true/false question needs its answers 'true' and 'false'")
    guessed = False
    for position, answer in enumerate(found):
        element_name = described(answer, "fraction")
        text = text_of(answer, element_name)
        if text not in ("true", "false"):
            # Old files hold localised words: Moodle then takes true first, false second.
            guessed = True
            text = "true" if position == 0 else "false"
        full = _number(answer.get("fraction", "0"), element_name, "the grade") == 100
        feedback = answer.find("feedback")
        feedback_format = reader.text_format(feedback, question.text_format, "<feedback>")
        feedback_text = reader.rich_text(feedback, "<feedback>")
        if text == "true":
            question.correct = full
            question.true_feedback, question.true_feedback_format = feedback_text, feedback_format
        else:
            question.correct = not full
            question.false_feedback = feedback_text
            question.false_feedback_format = feedback_format
    question.type = QType.truefalse
    if guessed:
        reader.warn("<answer>: the answers are not 'true' and 'false': read as true first, "
                    "false second, as Moodle does")
    _dropped_extras(reader, element)


def read_shortanswer(reader: QuestionReader, element: Element, question: Question) -> None:
    question.type = QType.short
    if (element.findtext("usecase") or "0").strip() not in ("", "0"):
        reader.warn("<usecase>: Podium compares short answers ignoring case; this question's "
                    "answers will accept any case")
    for answer in element.findall("answer"):
        choice = _choice(reader, answer, question, rich=False)
        if choice is not None:
            question.choices.append(choice)
    if not question.choices:
        raise Problem("<answer>", "a short answer question needs an answer")
    _full_marks(reader, [c.fraction for c in question.choices])
    _dropped_extras(reader, element)


def read_numerical(reader: QuestionReader, element: Element, question: Question) -> None:
    question.type = QType.numerical
    for answer in element.findall("answer"):
        element_name = described(answer, "fraction")
        fraction = _grade(answer)
        text = text_of(answer, element_name)
        feedback = answer.find("feedback")
        feedback_format = reader.text_format(feedback, question.text_format, "<feedback>")
        feedback_text = reader.rich_text(feedback, "<feedback>")
        if not text:
            reader.warn(f"{element_name}: an answer without text is left out, as Moodle does")
            continue
        if text == "*":
            question.numerical.append(NumericalAnswer(
                value=0.0, tolerance=0.0, fraction=fraction, feedback=feedback_text,
                feedback_format=feedback_format, catch_all=True))
            continue
        value = _number(text, element_name, "the answer")
        tolerance = _number(answer.findtext("tolerance") or "0", "<tolerance>", "the tolerance")
        if tolerance < 0:
            reader.warn("<tolerance>: a negative tolerance is read as positive")
            tolerance = -tolerance
        question.numerical.append(NumericalAnswer(
            value=value, tolerance=tolerance, fraction=fraction, feedback=feedback_text,
            feedback_format=feedback_format))
    if not any(not a.catch_all for a in question.numerical):
        raise Problem("<answer>", "a numerical question needs a number as an answer")
    _full_marks(reader, [a.fraction for a in question.numerical])
    if element.findall("units/unit"):
        reader.warn("<units>: units are dropped (Podium's numerical answers are plain numbers)")
    _dropped_extras(reader, element)


def read_matching(reader: QuestionReader, element: Element, question: Question) -> None:
    question.type = QType.matching
    for sub in element.findall("subquestion"):
        text_format = reader.text_format(sub, question.text_format, "<subquestion>")
        text = reader.rich_text(sub, "<subquestion>")
        answer = text_of(sub.find("answer"), "<answer>")
        if not text and not answer:
            continue  # Moodle leaves blank pairs out
        if not answer:
            raise Problem("<subquestion>", f"the sub-question '{text[:60]}' has no answer")
        question.pairs.append(MatchPair(question=text, answer=answer, question_format=text_format))
    if sum(1 for pair in question.pairs if pair.question) < 2:
        raise Problem("<subquestion>", "a matching question needs at least 2 sub-questions "
                                       "with a text (one without text is an extra answer)")
    if len(question.pairs) < 3:
        reader.warn("<subquestion>: Moodle asks for at least 3 answers in a matching question")
    _dropped_extras(reader, element)


def read_essay(reader: QuestionReader, element: Element, question: Question) -> None:
    question.type = QType.essay
    if text_of(element.find("graderinfo"), "<graderinfo>"):
        reader.warn("<graderinfo>: information for graders is dropped")
    if text_of(element.find("responsetemplate"), "<responsetemplate>"):
        reader.warn("<responsetemplate>: the response template is dropped")
    if (element.findtext("attachments") or "0").strip() not in ("", "0"):
        reader.warn("<attachments>: Podium essays take text only; attachments are dropped")
    _dropped_extras(reader, element)


def read_description(reader: QuestionReader, element: Element, question: Question) -> None:
    question.type = QType.description
    if not question.text:
        raise Problem("<questiontext>", "a description needs a text")
