"""The quiz editor's Moodle XML import and export: all questions replaced or none, errors
next to the file field naming the question and element, images kept as course images,
skipped types listed, and the export reading back to the same questions."""

from __future__ import annotations

import base64
from dataclasses import replace

from sqlmodel import select

from app.models import CourseAsset, Role
from app.questions.gift.reader import parse_gift
from app.questions.moodle_xml.reader import parse_moodle_xml
from app.questions.spec import QType, TextFormat
from tests.authoring.conftest import (
    QUIZ_SLUG,
    SLUG,
    draft_lesson,
    draft_row,
    publish,
    quiz_post,
    tiny_png,
)

ACTION = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/xml"
EXPORT = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/moodle.xml"
PREFIX = f"/courses/{SLUG}/assets/"


def bank(*, calculated: bool = True, grade: str = "100") -> bytes:
    image = base64.b64encode(tiny_png()).decode()
    odd = ('<question type="calculated"><name><text>Sum</text></name><questiontext>'
           "<text>{a} + {b}</text></questiontext></question>") if calculated else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<question type="multichoice"><name><text>Logo</text></name>
  <questiontext format="html"><text><![CDATA[<p>Whose logo? <img
    src="@@PLUGINFILE@@/logo.png" alt="logo"></p>]]></text>
    <file name="logo.png" path="/" encoding="base64">{image}</file></questiontext>
  <generalfeedback format="html"><text>It is ours.</text></generalfeedback>
  <single>true</single>
  <answer fraction="{grade}" format="html"><text>Ours</text>
    <feedback format="html"><text>Yes</text></feedback></answer>
  <answer fraction="0" format="html"><text>Theirs</text>
    <feedback format="html"><text>No</text></feedback></answer>
</question>
{odd}
<question type="truefalse"><name><text>Sky</text></name>
  <questiontext format="moodle_auto_format"><text>The sky is blue.</text></questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="0"><text>false</text></answer>
</question>
</quiz>
""".encode()


def _upload(client, data: bytes, name: str = "bank.xml"):  # type: ignore[no-untyped-def]
    return quiz_post(client, ACTION, files={"xml_file": (name, data, "application/xml")})


def test_importing_replaces_the_questions_keeps_images_and_lists_skipped_types(
        client, trainer, database, quiz_course):
    response = _upload(client, bank())
    assert response.status_code == 200, response.text
    assert "The questions were replaced." in response.text
    assert ("question 2 (&lt;question type=&#34;calculated&#34;&gt;) &#34;Sum&#34;: Podium has "
            "no &#34;calculated&#34; questions; skipped") in response.text
    questions, _ = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])
    assert [(q.name, q.type) for q in questions] == [("Logo", QType.single),
                                                     ("Sky", QType.truefalse)]
    with database.session() as s:
        (asset,) = s.exec(select(CourseAsset)).all()
    assert asset.course_slug == SLUG and asset.created_by_id == trainer.id
    assert f'src="{PREFIX}{asset.name}" alt="logo"></p>' in questions[0].text
    assert questions[0].text_format == TextFormat.html
    shown = client.get(f"/author/{SLUG}/lessons/{QUIZ_SLUG}")
    assert f'src="{PREFIX}{asset.name}"' in shown.text  # the preview shows the course image
    assert client.get(f"{PREFIX}{asset.name}").status_code == 200
    assert publish(client, "Quiz from Moodle").status_code == 303


def test_a_file_without_notes_redirects_like_a_gift_import(client, trainer, database,
                                                           quiz_course):
    response = _upload(client, bank(calculated=False))
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/author/{SLUG}/lessons/{QUIZ_SLUG}")


def test_an_error_is_shown_next_to_the_file_field_and_changes_nothing(client, trainer,
                                                                      database, quiz_course):
    response = _upload(client, bank(grade="33"))
    assert response.status_code == 422
    assert 'id="f-xml-error"' in response.text
    assert ("question 1 (&lt;question type=&#34;multichoice&#34;&gt;), &lt;answer "
            "fraction=&#34;33&#34;&gt;: not a Moodle grade") in response.text
    assert draft_row(database) is None
    with database.session() as s:
        assert s.exec(select(CourseAsset)).all() == []


def test_hostile_empty_and_oversized_files_are_refused(client, trainer, database,
                                                       quiz_course):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>')
    assert "refused" in _upload(client, laughs).text
    empty = quiz_post(client, ACTION, files={"xml_file": ("", b"", "application/xml")})
    assert empty.status_code == 422 and "Choose a Moodle XML file (.xml)." in empty.text
    big = _upload(client, bank() + b" " * (1024 * 1024))
    assert big.status_code == 422 and "can be at most 1 MB" in big.text
    cloze_only = _upload(client, b'<quiz><question type="cloze"><name><text>C</text></name>'
                                 b"</question></quiz>")
    assert cloze_only.status_code == 422
    assert "The file has no question to answer (1 skipped" in cloze_only.text
    assert draft_row(database) is None


def test_the_export_is_moodle_xml_that_reads_back_to_the_same_questions(
        client, trainer, database, quiz_course):
    assert _upload(client, bank(calculated=False)).status_code == 303
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.headers["content-disposition"] == f'attachment; filename="{QUIZ_SLUG}.xml"'
    exported = parse_moodle_xml(response.content, image_prefix=PREFIX)
    draft, _ = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])
    assert [replace(q, line=0) for q in exported.questions] == [
        replace(q, line=0) for q in draft]
    assert len(exported.images) == 1 and "@@PLUGINFILE@@/" in response.text


def test_only_trainers_import_and_export_and_unknown_quizzes_are_404(
        client, trainer, database, quiz_course, signed_in):
    executive, _ = signed_in(Role.executive)
    assert executive.get(EXPORT).status_code in (403, 404)
    assert client.get(f"/author/{SLUG}/quizzes/nope/moodle.xml").status_code == 404
    assert client.get(f"/author/{SLUG}/quizzes/hello/moodle.xml").status_code == 404  # reading
    assert client.get("/author/nope/quizzes/check/moodle.xml").status_code == 404
