"""``podium quizzes import-xml`` / ``export-xml``: all or nothing, images kept as course
images, and a file exported by Podium imports back to the same questions."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from app.cli import cli
from app.models import CourseAsset, Lesson, QuizQuestion
from app.questions.moodle_xml.reader import parse_moodle_xml
from app.questions.spec import QType
from tests.courses_data import small_spec
from tests.quizzes.test_cli_gift import _env
from tests.quizzes.test_moodle_xml_roundtrip import _png

FIXTURES = Path(__file__).parent / "moodle_xml_fixtures"
runner = CliRunner()


def _bank(tmp_path: Path) -> Path:
    image = base64.b64encode(_png(77)).decode()
    path = tmp_path / "bank.xml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Basics</text></category></question>
  <question type="multichoice">
    <name><text>Capital</text></name>
    <questiontext format="html"><text><![CDATA[<p>Capital? <img
      src="@@PLUGINFILE@@/map.png"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{image}</file></questiontext>
    <single>true</single>
    <answer fraction="100"><text>Paris</text><feedback><text>Yes</text></feedback></answer>
    <answer fraction="0"><text>Lyon</text></answer>
  </question>
  <question type="calculated"><name><text>Sum</text></name>
    <questiontext><text>{{a}} + {{b}}</text></questiontext></question>
  <question type="numerical"><name><text>Limit</text></name>
    <questiontext><text>Limit?</text></questiontext>
    <answer fraction="100"><text>220</text><tolerance>0</tolerance></answer>
    <answer fraction="0"><text>*</text><feedback><text>No</text></feedback></answer>
  </question>
</quiz>
""", encoding="utf-8")
    return path


def test_import_stores_questions_and_images_and_export_gives_them_back(
        tmp_path, database, database_url, load_course):
    load_course(small_spec())
    env = _env(database_url)
    bank = _bank(tmp_path)
    result = runner.invoke(cli, ["quizzes", "import-xml", str(bank), "--course", "pilot",
                                 "--module", "basics"], env=env)
    assert result.exit_code == 0, result.output
    assert "Created quiz 'basics-quiz': 2 question(s) (1 numerical, 1 single); 1 skipped; " \
           "1 image(s)." in result.output
    assert 'question 3 (<question type="calculated">) "Sum": Podium has no "calculated" ' \
           "questions; skipped (warning)" in result.output
    with database.session() as s:
        (asset,) = s.exec(select(CourseAsset)).all()
        assert asset.course_slug == "pilot" and asset.content_type == "image/png"
        live = s.exec(select(QuizQuestion).where(QuizQuestion.retired_at.is_(None))).all()
        assert [row.qtype for row in live] == ["single", "numerical"]
        assert f"/courses/pilot/assets/{asset.name}" in live[0].data

    out = tmp_path / "out.xml"
    exported = runner.invoke(cli, ["quizzes", "export-xml", "--course", "pilot", "--module",
                                   "basics", "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert f'<file name="{asset.name}" path="/" encoding="base64">' in text
    original = parse_moodle_xml(bank.read_bytes(), image_prefix="/courses/pilot/assets/")
    again = parse_moodle_xml(out.read_bytes(), image_prefix="/courses/pilot/assets/")
    assert [replace(q, line=0) for q in again.questions] == [
        replace(q, line=0) for q in original.questions]
    assert again.questions[1].numerical[1].catch_all
    reimport = runner.invoke(cli, ["quizzes", "import-xml", str(out), "--course", "pilot",
                                   "--module", "basics"], env=env)
    assert reimport.exit_code == 0 and "the questions were already the same" in reimport.output


def test_an_error_names_question_and_element_and_changes_nothing(tmp_path, database,
                                                                 database_url, load_course):
    load_course(small_spec())
    result = runner.invoke(cli, ["quizzes", "import-xml",
                                 str(FIXTURES / "error_invalid_grades.xml"), "--course",
                                 "pilot", "--module", "basics"], env=_env(database_url))
    assert result.exit_code == 1
    assert 'question 1 (<question type="multichoice">), <answer fraction="33">: not a Moodle ' \
           "grade" in result.output
    assert "Nothing was imported." in result.output
    with database.session() as s:
        assert s.exec(select(QuizQuestion)).all() == []
        assert s.exec(select(Lesson).where(Lesson.kind == "quiz")).all() == []
        assert s.exec(select(CourseAsset)).all() == []


def test_a_file_of_unsupported_types_only_imports_nothing(database, database_url,
                                                          load_course):
    load_course(small_spec())
    result = runner.invoke(cli, ["quizzes", "import-xml",
                                 str(FIXTURES / "broken_cloze_questions.xml"), "--course",
                                 "pilot", "--module", "basics"], env=_env(database_url))
    assert result.exit_code == 1 and "no question to answer" in result.output
    assert result.output.count("skipped (warning)") == 5
    with database.session() as s:
        assert s.exec(select(QuizQuestion)).all() == []


def test_moodles_fixture_imports_into_a_module_quiz(database, database_url, load_course):
    load_course(small_spec())
    result = runner.invoke(cli, ["quizzes", "import-xml",
                                 str(FIXTURES / "nested_categories_with_questions.xml"),
                                 "--course", "pilot", "--module", "basics", "--quiz", "check",
                                 "--title", "Check"], env=_env(database_url))
    assert result.exit_code == 0, result.output
    assert "Created quiz 'check': 5 question(s) (1 essay, 4 truefalse)" in result.output
    with database.session() as s:
        live = s.exec(select(QuizQuestion).order_by(QuizQuestion.position)).all()
        assert [row.qtype for row in live] == [QType.truefalse.value, QType.essay.value] + [
            QType.truefalse.value] * 3


def test_every_type_and_format_round_trips_through_the_database(tmp_path, database,
                                                                 database_url, load_course):
    from app.questions.moodle_xml.writer import write_moodle_xml
    from app.questions.spec import TextFormat
    from tests.quizzes.test_moodle_xml_roundtrip import every_type

    load_course(small_spec())
    env = _env(database_url)
    # a description's general feedback cannot be written in GIFT, the quiz's text in the
    # course (the questions themselves are stored whole)
    questions = [replace(q, general_feedback="") if q.type == QType.description else q
                 for q in every_type(TextFormat.markdown, TextFormat.html)]
    source = tmp_path / "all.xml"
    source.write_text(write_moodle_xml(questions), encoding="utf-8")
    result = runner.invoke(cli, ["quizzes", "import-xml", str(source), "--course", "pilot",
                                 "--module", "basics"], env=env)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.xml"
    exported = runner.invoke(cli, ["quizzes", "export-xml", "--course", "pilot", "--module",
                                   "basics", "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    again = parse_moodle_xml(out.read_bytes())
    assert [replace(q, line=0) for q in again.questions] == questions
    assert out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
