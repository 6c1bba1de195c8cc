"""Questions as GIFT can say them, for round-trip tests of the GIFT writer and reader."""

from __future__ import annotations

import copy

from app.questions.spec import QType, Question, TextFormat


def settled(questions: list[Question]) -> list[Question]:
    """``questions`` as GIFT can say them: an empty text has the format of its question's
    text (no marker is written for it, as Moodle writes none) and a short answer Moodle's
    default format (Moodle keeps no format for it)."""
    result = []
    for question in questions:
        q = copy.deepcopy(question)
        fmt = q.text_format
        if not q.general_feedback:
            q.general_feedback_format = fmt
        # true/false feedbacks exist only in true/false questions; elsewhere GIFT has none
        tf_format = fmt if q.type == QType.truefalse else TextFormat.moodle
        if not q.true_feedback:
            q.true_feedback_format = tf_format
        if not q.false_feedback:
            q.false_feedback_format = tf_format
        for choice in q.choices:
            if q.type == QType.short:
                choice.text_format = TextFormat.moodle
            if not choice.feedback:
                choice.feedback_format = fmt
        for answer in q.numerical:
            if not answer.feedback:
                answer.feedback_format = fmt
        for pair in q.pairs:
            if not pair.question:
                pair.question_format = fmt
        result.append(q)
    return result
