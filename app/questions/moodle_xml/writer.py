"""Moodle XML: writing Podium questions the way Moodle's export writes them
(``qformat_xml::writequestion``): the same elements in the same order and layout, texts in
CDATA when they need it, and for every setting Podium does not have the value a question
created in Moodle with its defaults carries (grade 1, Moodle's default penalty per type,
shuffled answers, "abc" numbering, empty combined feedback, no units, an HTML editor for
essays). A category line is written wherever the category changes (Moodle XML, like GIFT,
cannot return to "no category": a question without one after others with one is read back
in theirs).

Course images a text shows (``image_prefix`` + name) are written as ``@@PLUGINFILE@@``
references with the image embedded in base64, so the reader gives the same question back.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.questions.moodle_xml.common import FORMAT_NAMES, exact_number, php_number
from app.questions.moodle_xml.files import export_images
from app.questions.spec import QType, Question, TextFormat

_TYPES = {
    QType.single: "multichoice", QType.multiple: "multichoice", QType.truefalse: "truefalse",
    QType.short: "shortanswer", QType.numerical: "numerical", QType.matching: "matching",
    QType.essay: "essay", QType.description: "description",
}
# Moodle's default penalty of a new question of each type.
_PENALTY = {
    QType.single: "0.3333333", QType.multiple: "0.3333333", QType.truefalse: "1.0000000",
    QType.short: "0.3333333", QType.numerical: "0.3333333", QType.matching: "0.3333333",
    QType.essay: "0.0000000", QType.description: "0.0000000",
}


def _special(text: str) -> str:
    """PHP's htmlspecialchars()."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#039;"))


def _cdata(text: str) -> str:
    """qformat_xml::xml_escape(): CDATA when the text has characters XML would escape."""
    if text and _special(text) != text:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return text


def _format(text_format: TextFormat) -> str:
    return f'format="{FORMAT_NAMES[text_format]}"'


class _Writer:
    def __init__(self, images: Mapping[str, bytes], prefix: str) -> None:
        self.images = images
        self.prefix = prefix

    def text(self, text: str, indent: int) -> str:
        """``<text>`` and the files of the images it shows."""
        text, files = export_images(text, images=self.images, prefix=self.prefix)
        return f"{'  ' * indent}<text>{_cdata(text)}</text>\n{files}"

    def answer(self, fraction: float, text: str, text_format: TextFormat, feedback: str,
               feedback_format: TextFormat, extra: str = "") -> str:
        return (f'    <answer fraction="{php_number(fraction * 100)}" {_format(text_format)}>\n'
                f"{self.text(text, 3)}"
                f"      <feedback {_format(feedback_format)}>\n"
                f"{self.text(feedback, 4)}"
                f"      </feedback>\n{extra}"
                f"    </answer>\n")

    @staticmethod
    def combined_feedback() -> str:
        return "".join(f'    <{name} format="html">\n      <text></text>\n    </{name}>\n'
                       for name in ("correctfeedback", "partiallycorrectfeedback",
                                    "incorrectfeedback"))

    def question(self, number: int, question: Question) -> str:
        out = [f"<!-- question: {number}  -->\n",
               f'  <question type="{_TYPES[question.type]}">\n',
               "    <name>\n", self.text(question.name, 3), "    </name>\n",
               f"    <questiontext {_format(question.text_format)}>\n",
               self.text(question.text, 3), "    </questiontext>\n",
               f"    <generalfeedback {_format(question.general_feedback_format)}>\n",
               self.text(question.general_feedback, 3), "    </generalfeedback>\n",
               "    <defaultgrade>"
               f"{'0.0000000' if question.type == QType.description else '1.0000000'}"
               "</defaultgrade>\n",
               f"    <penalty>{_PENALTY[question.type]}</penalty>\n",
               "    <hidden>0</hidden>\n",
               f"    <idnumber>{_special(question.id_number)}</idnumber>\n",
               self.body(question)]
        if question.tags:
            out.append("    <tags>\n")
            out.extend(f"      <tag>{self.text(tag, 0)}</tag>\n" for tag in question.tags)
            out.append("    </tags>\n")
        out.append("  </question>\n")
        return "".join(out)

    def body(self, question: Question) -> str:
        kind = question.type
        if kind in (QType.single, QType.multiple):
            return (f"    <single>{'true' if kind == QType.single else 'false'}</single>\n"
                    "    <shuffleanswers>true</shuffleanswers>\n"
                    "    <answernumbering>abc</answernumbering>\n"
                    "    <showstandardinstruction>0</showstandardinstruction>\n"
                    + self.combined_feedback()
                    + "".join(self.answer(c.fraction, c.text, c.text_format, c.feedback,
                                          c.feedback_format) for c in question.choices))
        if kind == QType.truefalse:
            return (self.answer(1.0 if question.correct else 0.0, "true", TextFormat.moodle,
                                question.true_feedback, question.true_feedback_format)
                    + self.answer(0.0 if question.correct else 1.0, "false", TextFormat.moodle,
                                  question.false_feedback, question.false_feedback_format))
        if kind == QType.short:
            return "    <usecase>0</usecase>\n" + "".join(
                self.answer(c.fraction, c.text, c.text_format, c.feedback, c.feedback_format)
                for c in question.choices)
        if kind == QType.numerical:
            answers = "".join(self.answer(
                a.fraction, "*" if a.catch_all else exact_number(a.value), TextFormat.moodle,
                a.feedback, a.feedback_format,
                f"      <tolerance>{'0' if a.catch_all else exact_number(a.tolerance)}"
                "</tolerance>\n") for a in question.numerical)
            return (answers + "    <unitgradingtype>0</unitgradingtype>\n"
                    "    <unitpenalty>0.1000000</unitpenalty>\n"
                    "    <showunits>3</showunits>\n"
                    "    <unitsleft>0</unitsleft>\n")
        if kind == QType.matching:
            return ("    <shuffleanswers>true</shuffleanswers>\n" + self.combined_feedback()
                    + "".join(f"    <subquestion {_format(p.question_format)}>\n"
                              f"{self.text(p.question, 3)}"
                              "      <answer>\n"
                              f"{self.text(p.answer, 4)}"
                              "      </answer>\n"
                              "    </subquestion>\n" for p in question.pairs))
        if kind == QType.essay:
            return ("    <responseformat>editor</responseformat>\n"
                    "    <responserequired>1</responserequired>\n"
                    "    <responsefieldlines>15</responsefieldlines>\n"
                    "    <attachments>0</attachments>\n"
                    "    <attachmentsrequired>0</attachmentsrequired>\n"
                    '    <graderinfo format="html">\n      <text></text>\n    </graderinfo>\n'
                    '    <responsetemplate format="html">\n      <text></text>\n'
                    "    </responsetemplate>\n")
        return ""


def _category(path: str) -> str:
    return ("<!-- question: 0  -->\n"
            '  <question type="category">\n'
            "    <category>\n"
            f"      <text>{_cdata(path)}</text>\n"
            "    </category>\n"
            '    <info format="moodle_auto_format">\n'
            "      <text></text>\n"
            "    </info>\n"
            "    <idnumber></idnumber>\n"
            "  </question>\n")


def write_moodle_xml(questions: list[Question], *, images: Mapping[str, bytes] | None = None,
                     image_prefix: str = "") -> str:
    """Moodle XML for ``questions``; ``images`` are the course images by name that texts
    may show at ``image_prefix`` + name (they are embedded)."""
    writer = _Writer(images or {}, image_prefix)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category = ""
    for number, question in enumerate(questions, start=1):
        if question.category and question.category != category:
            category = question.category
            parts.append(_category(category) + "\n")
        parts.append(writer.question(number, question) + "\n")
    parts.append("</quiz>\n")
    return "".join(parts)
