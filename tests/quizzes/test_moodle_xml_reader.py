"""Reading Moodle XML: Moodle's own fixtures (``question/format/xml/tests/fixtures``, see
``moodle_xml_fixtures/README.md``) with what Moodle's tests state about them, every type
and setting, errors that name the question and element, and hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.questions.moodle_xml.common import MoodleXmlError
from app.questions.moodle_xml.reader import parse_moodle_xml
from app.questions.spec import QType, TextFormat

FIXTURES = Path(__file__).parent / "moodle_xml_fixtures"


def _read(name: str):  # type: ignore[no-untyped-def]
    return parse_moodle_xml((FIXTURES / name).read_bytes())


def _in(questions, category: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [q.name for q in questions if q.category == category]


# Moodle's fixtures, with what qformat_xml_import_export_test.php / xmlformat_test.php state.
# Podium keeps a question's category as its path; a category's own description (info) and
# id number have no place in Podium, so those parts of Moodle's assertions are not checked.

def test_fixture_category_with_description() -> None:
    result = _read("category_with_description.xml")
    (question,) = result.questions
    assert (question.name, question.category) == ("Alpha Question", "$course$/Alpha")
    assert question.type == QType.truefalse and question.correct is True
    assert question.text == "<p>Testing Alpha Question</p>"
    assert question.text_format == TextFormat.html
    assert question.true_feedback_format == TextFormat.html
    assert result.warnings == [] and result.skipped == []


def test_fixture_deprecated_category() -> None:
    (question,) = _read("deprecated_category.xml").questions
    assert (question.name, question.category) == ("Alpha Question", "$course$/Alpha")


def test_fixture_nested_categories() -> None:
    (question,) = _read("nested_categories.xml").questions
    assert question.name == "Zeta Question"
    assert question.category == "$module$/Delta/Epsilon/Zeta"  # Zeta inside Epsilon in Delta


def test_fixture_nested_categories_with_questions() -> None:
    questions = _read("nested_categories_with_questions.xml").questions
    assert _in(questions, "$course$/Iota") == ["Iota Question"]
    assert _in(questions, "$course$/Iota/Kappa") == ["Kappa Essay Question", "Kappa Question"]
    assert _in(questions, "$course$/Iota/Kappa/Lambda") == ["Lambda Question"]
    assert _in(questions, "$course$/Iota/Mu") == ["Mu Question"]
    essay = questions[1]
    assert essay.type == QType.essay and essay.text_format == TextFormat.moodle
    assert essay.text == "Testing Kappa Essay Question"


def test_fixture_old_format_file() -> None:
    questions = _read("old_format_file.xml").questions
    assert _in(questions, "$course$/Pi") == ["Pi Question"]
    assert _in(questions, "$course$/Pi/Rho") == ["Rho Question"]


def test_fixture_categories_in_reverse_order() -> None:
    questions = _read("categories_reverse_order.xml").questions
    assert _in(questions, "$course$/Sigma/Tau") == ["Tau Question"]
    assert _in(questions, "$course$/Sigma") == ["Sigma Question"]
    short = questions[1]
    assert short.type == QType.short
    assert [(c.text, c.fraction) for c in short.choices] == [
        ("yes", 1.0), ("no", 0.0), ("may be", 0.0)]
    assert short.choices[0].text_format == TextFormat.moodle


def test_fixture_html_chars_in_idnumbers() -> None:
    (question,) = _read("html_chars_in_idnumbers.xml").questions
    assert question.id_number == "T & F"


def test_fixture_invalid_grades_is_refused_naming_question_and_answer() -> None:
    # Moodle's test: the import fails on the grade 33 (not one of Moodle's grades)
    with pytest.raises(MoodleXmlError) as caught:
        _read("error_invalid_grades.xml")
    assert caught.value.errors[0].startswith(
        'question 1 (<question type="multichoice">), <answer fraction="33">: not a Moodle grade')
    assert len(caught.value.errors) == 1  # 33.33333 and -50 are Moodle grades


def test_fixture_broken_cloze_questions_are_all_skipped_with_a_warning() -> None:
    result = _read("broken_cloze_questions.xml")
    assert result.questions == []
    assert [(s.number, s.type) for s in result.skipped] == [(n, "cloze") for n in range(1, 6)]
    assert result.warnings[0] == ('question 1 (<question type="cloze">) "Multianswer question '
                                  'without subquestions": Podium has no "cloze" questions; '
                                  "skipped")


# Every type and setting ------------------------------------------------------------------

def _quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions)
            + "\n</quiz>\n").encode()


MULTICHOICE = """<question type="multichoice">
  <name><text>Networks</text></name>
  <questiontext format="markdown"><text>Pick **two**</text></questiontext>
  <generalfeedback format="plain_text"><text>Both are social.</text></generalfeedback>
  <idnumber>net-1</idnumber>
  <single>false</single><shuffleanswers>1</shuffleanswers>
  <answer fraction="50" format="html"><text><![CDATA[<b>X</b>]]></text>
    <feedback format="moodle_auto_format"><text>yes</text></feedback></answer>
  <answer fraction="50"><text>LinkedIn</text><feedback><text>yes</text></feedback></answer>
  <answer fraction="-100" format="plain_text"><text>Fax</text></answer>
  <tags><tag><text>social</text></tag><tag><text>basics</text></tag></tags>
</question>"""


def test_multichoice_with_formats_tags_and_id() -> None:
    (question,) = parse_moodle_xml(_quiz(MULTICHOICE)).questions
    assert question.type == QType.multiple and question.name == "Networks"
    assert (question.text, question.text_format) == ("Pick **two**", TextFormat.markdown)
    assert question.general_feedback_format == TextFormat.plain
    assert question.id_number == "net-1" and question.tags == ["social", "basics"]
    first, second, third = question.choices
    assert (first.text, first.text_format, first.feedback_format) == (
        "<b>X</b>", TextFormat.html, TextFormat.moodle)
    # no format attribute: the question text's format, as in Moodle
    assert (second.text_format, second.feedback_format) == (TextFormat.markdown,) * 2
    assert (third.fraction, third.text_format) == (-1.0, TextFormat.plain)


def test_single_choice_missing_word_and_fraction_grades() -> None:
    xml = _quiz("""<question type="multichoice"><name><text>Blank</text></name>
      <questiontext format="moodle_auto_format"><text>Paris is the _____ of France.</text>
      </questiontext><single>true</single>
      <answer fraction="100"><text>capital</text></answer>
      <answer fraction="33.33333"><text>heart</text></answer>
      <answer fraction="0"><text>port</text></answer></question>""")
    (question,) = parse_moodle_xml(xml).questions
    assert question.type == QType.single
    assert question.text == "Paris is the _____ of France."  # Podium's BLANK, as Moodle's
    assert [c.fraction for c in question.choices] == [1.0, 0.3333333, 0.0]


def test_truefalse_feedback_and_numerical_catch_all_and_matching_distractor() -> None:
    xml = _quiz("""<question type="truefalse"><name><text>TF</text></name>
      <questiontext><text>Sky is green</text></questiontext>
      <answer fraction="0"><text>true</text><feedback format="plain_text"><text>No</text>
      </feedback></answer>
      <answer fraction="100"><text>false</text><feedback><text>Right</text></feedback></answer>
      </question>""", """<question type="numerical"><name><text>Num</text></name>
      <questiontext><text>Limit?</text></questiontext>
      <answer fraction="100"><text>220</text><tolerance>0.5</tolerance>
        <feedback format="markdown"><text>*Yes*</text></feedback></answer>
      <answer fraction="0"><text>*</text><feedback><text>Way off</text></feedback></answer>
      </question>""", """<question type="matching"><name><text>Match</text></name>
      <questiontext><text>Match them</text></questiontext>
      <subquestion format="plain_text"><text>X</text><answer><text>short</text></answer>
      </subquestion>
      <subquestion><text>LinkedIn</text><answer><text>long</text></answer></subquestion>
      <subquestion><text></text><answer><text>fax</text></answer></subquestion>
      </question>""")
    tf, num, match = parse_moodle_xml(xml).questions
    assert tf.correct is False and (tf.true_feedback, tf.false_feedback) == ("No", "Right")
    assert tf.true_feedback_format == TextFormat.plain
    assert tf.false_feedback_format == TextFormat.html
    assert [(a.value, a.tolerance, a.catch_all) for a in num.numerical] == [
        (220.0, 0.5, False), (0.0, 0.0, True)]
    assert num.numerical[0].feedback_format == TextFormat.markdown
    assert num.numerical[1].feedback == "Way off"
    assert [(p.question, p.answer) for p in match.pairs] == [
        ("X", "short"), ("LinkedIn", "long"), ("", "fax")]
    assert match.pairs[0].question_format == TextFormat.plain


def test_essay_description_and_dropped_settings_warn() -> None:
    xml = _quiz("""<question type="essay"><name><text>E</text></name>
      <questiontext><text>Write</text></questiontext>
      <graderinfo format="html"><text>Look for a hook</text></graderinfo>
      <hint format="html"><text>Think</text></hint></question>""",
                """<question type="description"><name><text>D</text></name>
      <questiontext><text>Read this</text></questiontext></question>""",
                """<question type="shortanswer"><name><text>S</text></name>
      <questiontext><text>Say</text></questiontext><usecase>1</usecase>
      <answer fraction="100"><text>Hi</text></answer></question>""")
    result = parse_moodle_xml(xml)
    assert [q.type for q in result.questions] == [QType.essay, QType.description, QType.short]
    assert any("question 1 (<question type=\"essay\">), <graderinfo>" in w
               for w in result.warnings)
    assert any("<hint>: hints are dropped" in w for w in result.warnings)
    assert any('question 3 (<question type="shortanswer">), <usecase>' in w
               for w in result.warnings)


@pytest.mark.parametrize("qtype", ["calculated", "calculatedsimple", "calculatedmulti",
                                   "ddwtos", "gapselect", "ddimageortext", "ddmarker",
                                   "multianswer", "cloze", "randomsamatch", "random",
                                   "ordering", "somethingnew"])
def test_unsupported_types_are_skipped_whole_with_a_warning(qtype: str) -> None:
    xml = _quiz(f'<question type="{qtype}"><name><text>Odd</text></name>'
                "<questiontext><text>?</text></questiontext></question>", MULTICHOICE)
    result = parse_moodle_xml(xml)
    assert [q.name for q in result.questions] == ["Networks"]
    assert [(s.number, s.type, s.name) for s in result.skipped] == [(1, qtype, "Odd")]
    assert result.warnings[0] == (f'question 1 (<question type="{qtype}">) "Odd": Podium '
                                  f'has no "{qtype}" questions; skipped')


# Errors: every one names the question and element; the import is all or nothing ----------

@pytest.mark.parametrize(("body", "expected"), [
    ('<question type="numerical"><questiontext><text>n</text></questiontext>'
     '<answer fraction="100"><text>zero</text></answer></question>',
     'question 2 (<question type="numerical">), <answer fraction="100">: the answer '
     "'zero' is not a number"),
    ('<question type="numerical"><questiontext><text>n</text></questiontext>'
     '<answer fraction="100"><text>1</text><tolerance>wide</tolerance></answer></question>',
     'question 2 (<question type="numerical">), <tolerance>: the tolerance '
     "'wide' is not a number"),
    ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
     '<answer fraction="abc"><text>a</text></answer></question>',
     'question 2 (<question type="multichoice">), <answer fraction="abc">: the grade '
     "'abc' is not a number"),
    ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
     '<answer fraction="100"><text>a</text></answer></question>',
     'question 2 (<question type="multichoice">), <answer>: a multiple choice question needs '
     "at least 2 answers"),
    ('<question type="matching"><questiontext><text>q</text></questiontext>'
     "<subquestion><text>a</text><answer><text>b</text></answer></subquestion></question>",
     'question 2 (<question type="matching">), <subquestion>: a matching question needs at '
     "least 2 sub-questions"),
    ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
     '<single>true</single><answer fraction="50"><text>a</text></answer>'
     '<answer fraction="0"><text>b</text></answer></question>',
     'question 2 (<question type="multichoice">), <answer>: one of the answers should have a '
     "grade of 100% (the best has 50%)"),
    ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
     '<single>false</single><answer fraction="100"><text>a</text></answer>'
     '<answer fraction="100"><text>b</text></answer></question>',
     'question 2 (<question type="multichoice">), <answer>: the positive grades of a '
     "multiple-answer question must add up to 100%; these add up to 200%"),
    ('<question type="shortanswer"><questiontext><text>q</text></questiontext></question>',
     'question 2 (<question type="shortanswer">), <answer>: a short answer question needs '
     "an answer"),
    ('<question type="description"><questiontext><text><p>x</p></text></questiontext>'
     "</question>",
     'question 2 (<question type="description">), <questiontext>: <text> holds the element '
     "<p>"),
    ('<question type="description"><questiontext format="html"><text>'
     '<![CDATA[<img src="@@PLUGINFILE@@/gone.png">]]></text></questiontext></question>',
     'question 2 (<question type="description">), <questiontext>: @@PLUGINFILE@@/gone.png '
     "refers to no <file> of this text"),
    ('<question type="description"><questiontext format="html"><text>'
     '<![CDATA[<a href="@@PLUGINFILE@@/a.mp3">listen</a>]]></text>'
     '<file name="a.mp3" encoding="base64">SUQzAwAAAAAA</file></questiontext></question>',
     'question 2 (<question type="description">), <file name="a.mp3">: This file is not a '
     "PNG, JPEG, WebP or SVG image."),
    ('<question type="description"><questiontext format="html"><text>'
     '<![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>'
     '<file name="a.png" encoding="base64">%%%</file></questiontext></question>',
     'question 2 (<question type="description">), <file name="a.png">: the base64 content '
     "is damaged"),
])
def test_errors_name_the_question_and_element(body: str, expected: str) -> None:
    with pytest.raises(MoodleXmlError) as caught:
        parse_moodle_xml(_quiz(MULTICHOICE, body))
    assert caught.value.errors[0].startswith(expected), caught.value.errors


def test_every_error_is_reported_not_just_the_first() -> None:
    bad = ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
           '<answer fraction="12"><text>a</text></answer>'
           '<answer fraction="0"><text>b</text></answer></question>')
    with pytest.raises(MoodleXmlError) as caught:
        parse_moodle_xml(_quiz(bad, MULTICHOICE, bad))
    assert [e.split(",")[0] for e in caught.value.errors] == [
        'question 1 (<question type="multichoice">)', 'question 3 (<question type="multichoice">)']


def test_not_xml_and_not_moodle_xml_are_refused() -> None:
    with pytest.raises(MoodleXmlError, match="not well-formed XML"):
        parse_moodle_xml(b"<quiz><question>")
    with pytest.raises(MoodleXmlError, match="starts with <html>, not <quiz>"):
        parse_moodle_xml(b"<html></html>")


# Hostile files ----------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="description"><questiontext><text>&lol9;</text></questiontext>
</question></quiz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="description"><questiontext><text>&secret;</text></questiontext>
</question></quiz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.invalid/evil.dtd">
<quiz></quiz>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_entities_and_document_types_are_refused(hostile: bytes) -> None:
    with pytest.raises(MoodleXmlError) as caught:
        parse_moodle_xml(hostile)
    assert "refused" in caught.value.errors[0]
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd was read


def test_an_oversized_file_is_refused_before_it_is_parsed() -> None:
    data = _quiz(MULTICHOICE) + b" " * (1024 * 1024)
    with pytest.raises(MoodleXmlError, match="can be at most 1 MB"):
        parse_moodle_xml(data)
    assert parse_moodle_xml(data, max_bytes=2 * 1024 * 1024).questions  # a larger limit


def test_a_5_mb_file_imports_whole() -> None:
    # how long it takes is measured by bench/moodle_import.py (no timed assertions here)
    data = _quiz(*[MULTICHOICE] * 7000)
    assert len(data) > 5_000_000
    result = parse_moodle_xml(data, max_bytes=len(data))
    assert len(result.questions) == 7000


def test_a_skipped_question_keeps_none_of_its_images() -> None:
    xml = _quiz('<question type="ddimageortext"><name><text>Drag</text></name>'
                '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/b.png">]]>'
                '</text><file name="b.png" encoding="base64">not even base64!</file>'
                "</questiontext></question>", MULTICHOICE)
    result = parse_moodle_xml(xml)
    assert result.images == {} and [s.type for s in result.skipped] == ["ddimageortext"]
