"""The demo trainer imports a Moodle XML question bank into a quiz in the editor: a file
with a wrong grade is refused next to the file field with nothing changed, the corrected
file replaces the questions and lists the question type Podium skipped."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINER, sign_in

pytestmark = pytest.mark.e2e

QUIZ = "/author/executive-enablement/lessons/digital-persona-quiz"


def _bank(grade: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<question type="multichoice"><name><text>Channel</text></name>
  <questiontext format="html"><text><![CDATA[<p>Where do <strong>executives</strong>
  post first?</p>]]>
  </text></questiontext>
  <single>true</single>
  <answer fraction="{grade}"><text>LinkedIn</text><feedback><text>Yes</text></feedback></answer>
  <answer fraction="0"><text>Fax</text><feedback><text>No</text></feedback></answer>
</question>
<question type="calculated"><name><text>Reach</text></name>
  <questiontext><text>{{a}} times {{b}}?</text></questiontext></question>
</quiz>
""".encode()


def test_trainer_imports_a_moodle_xml_file_into_a_quiz(page, live_server, demo):  # type: ignore[no-untyped-def]
    sign_in(page, TRAINER)
    page.goto(QUIZ)
    before = page.locator(".au-quiz-question").count()
    assert before > 1
    page.get_by_text("Moodle XML: import or export").click()

    page.get_by_label("Moodle XML file").set_input_files(
        {"name": "bank.xml", "mimeType": "application/xml", "buffer": _bank("33")})
    page.get_by_role("button", name="Import and replace the questions").click()
    error = page.locator("#f-xml-error")
    expect(error).to_contain_text(
        'question 1 (<question type="multichoice">), <answer fraction="33">: not a Moodle grade')
    expect(page.locator(".au-quiz-question")).to_have_count(before)  # nothing changed

    page.get_by_label("Moodle XML file").set_input_files(
        {"name": "bank.xml", "mimeType": "application/xml", "buffer": _bank("100")})
    page.get_by_role("button", name="Import and replace the questions").click()
    notes = page.locator("#xml-notes")
    expect(notes).to_contain_text("The questions were replaced.")
    expect(notes).to_contain_text('Podium has no "calculated" questions; skipped')
    expect(page.locator(".au-quiz-question")).to_have_count(1)
    expect(page.locator(".au-quiz-question strong")).to_have_text("executives")
    export = page.get_by_role("link", name="Export the questions as Moodle XML")
    expect(export).to_have_attribute(
        "href", "/author/executive-enablement/quizzes/digital-persona-quiz/moodle.xml")
