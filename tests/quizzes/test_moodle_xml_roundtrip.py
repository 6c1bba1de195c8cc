"""Podium -> Moodle XML -> Podium gives the same questions: every type, every text format,
images, categories, tags and ids, and the quizzes of the shipped course. The export is
also compared with the files Moodle's own export tests expect."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from app.questions.gift.reader import parse_gift
from app.questions.gift.writer import write_gift
from app.questions.moodle_xml.reader import parse_moodle_xml
from app.questions.moodle_xml.writer import write_moodle_xml
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question, TextFormat
from tests.gift_settled import settled

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "moodle_xml_fixtures"
PREFIX = "/courses/pilot/assets/"


def _png(red: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    pixels = zlib.compress(b"\x00" + bytes([red, 0, 0]) * 2 + b"\x00" + bytes([red, 0, 0]) * 2)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _round_trip(questions: list[Question], **kwargs: object) -> list[Question]:
    text = write_moodle_xml(questions, **kwargs)  # type: ignore[arg-type]
    result = parse_moodle_xml(text.encode(), image_prefix=PREFIX, max_bytes=len(text) * 2)
    return [replace(q, line=0) for q in result.questions]


def every_type(fmt: TextFormat, other: TextFormat) -> list[Question]:
    """One question of each type with every text in ``fmt`` and each answer text in
    ``other`` (so per-text formats are not just the question's)."""
    return [
        Question(type=QType.description, text="Read <this> & that", text_format=fmt,
                 name="Intro", general_feedback="gf", general_feedback_format=other),
        Question(type=QType.single, text="Capital of France is _____.", name="Capital",
                 text_format=fmt, general_feedback="Paris", general_feedback_format=other,
                 choices=[Choice("Paris", 1.0, "Right", other, fmt),
                          Choice("Lyon", 0.3333333, "Close", fmt, other),
                          Choice("Nice", -0.1428571, "", other, other)],
                 id_number="cap-1", tags=["geo", "easy"], category="$course$/top/Geo"),
        Question(type=QType.multiple, text="Pick two", text_format=fmt, category="$course$/top/Geo",
                 choices=[Choice("a ]]> b", 0.5, "half", fmt, other), Choice("c", 0.5),
                          Choice("d", -1.0, "no", other, fmt)]),
        Question(type=QType.truefalse, text="Sky is blue", text_format=fmt, correct=True,
                 true_feedback="Yes", false_feedback="No", true_feedback_format=other,
                 false_feedback_format=fmt, category="$course$/top/Other"),
        Question(type=QType.truefalse, text="Sky is green", text_format=fmt, correct=False,
                 category="$course$/top/Other"),
        Question(type=QType.short, text="Say hello", text_format=fmt,
                 choices=[Choice("hello", 1.0, "Hi!", other, fmt), Choice("h*", 0.5)],
                 category="$course$/top/Other"),
        Question(type=QType.numerical, text="Limit?", text_format=fmt,
                 numerical=[NumericalAnswer(220, 0, 1.0, "Yes", other),
                            NumericalAnswer(0.1 + 0.2, 0.05, 0.5, "close", fmt),
                            NumericalAnswer(0, 0, 0.0, "Way off", other, catch_all=True)],
                 category="$course$/top/Other"),
        Question(type=QType.matching, text="Match", text_format=fmt,
                 pairs=[MatchPair("X", "short", other), MatchPair("LinkedIn", "long", fmt),
                        MatchPair("", "fax", other)], category="$course$/top/Other"),
        Question(type=QType.essay, text="Write about T&C's", text_format=fmt,
                 general_feedback="Graded by a trainer", id_number="T & F <1>",
                 category="$course$/top/Other"),
    ]


@pytest.mark.parametrize("fmt", list(TextFormat))
def test_every_type_in_every_format_round_trips(fmt: TextFormat) -> None:
    others = [f for f in TextFormat if f != fmt]
    for other in others:
        questions = every_type(fmt, other)
        assert _round_trip(questions) == questions


def test_images_become_plugin_files_and_come_back_as_the_same_course_images() -> None:
    red, blue = _png(200), _png(10)
    from app.security.images import check_image
    red_name, blue_name = check_image(red).name, check_image(blue).name
    question = Question(
        type=QType.single, text_format=TextFormat.html,
        text=f'<p><img src="{PREFIX}{red_name}" alt="red"> and <img src="{PREFIX}{red_name}"></p>',
        general_feedback=f'<img src="{PREFIX}{blue_name}">',
        general_feedback_format=TextFormat.html,
        choices=[Choice(f"![b]({PREFIX}{blue_name})", 1.0, text_format=TextFormat.markdown),
                 Choice("no", 0.0)])
    images = {red_name: red, blue_name: blue, "unused.png": _png(99)}
    xml = write_moodle_xml([question], images=images, image_prefix=PREFIX)
    assert xml.count(f'<file name="{red_name}" path="/" encoding="base64">') == 1
    assert f"@@PLUGINFILE@@/{red_name}" in xml and PREFIX not in xml
    assert "unused.png" not in xml
    result = parse_moodle_xml(xml.encode(), image_prefix=PREFIX)
    assert [replace(q, line=0) for q in result.questions] == [question]
    assert result.images == {red_name: red, blue_name: blue}


def test_an_imported_moodle_image_is_checked_and_named_by_its_bytes() -> None:
    import base64
    data = _png(128)
    xml = ('<quiz><question type="description"><questiontext format="html"><text><![CDATA['
           '<img src="@@PLUGINFILE@@/my%20logo.png" alt="logo">]]></text>'
           f'<file name="my logo.png" path="/" encoding="base64">{base64.b64encode(data).decode()}'
           "</file></questiontext></question></quiz>").encode()
    result = parse_moodle_xml(xml, image_prefix=PREFIX)
    (name,) = result.images
    assert re.fullmatch(r"[0-9a-f]{20}\.png", name) and result.images[name] == data
    assert result.questions[0].text == f'<img src="{PREFIX}{name}" alt="logo">'


SHIPPED = sorted((ROOT / "courses" / "executive-enablement").glob("*/*.gift"))


def test_the_image_tags_of_moodle_before_2_0_are_read_as_moodle_reads_them() -> None:
    import base64
    data = _png(64)
    xml = ('<quiz><question type="description"><questiontext format="html"><text>See'
           "</text></questiontext><image>pics/chart.png</image>"
           f"<image_base64>{base64.b64encode(data).decode()}</image_base64>"
           "</question></quiz>").encode()
    result = parse_moodle_xml(xml, image_prefix=PREFIX)
    (name,) = result.images
    assert result.questions[0].text == f'See <img src="{PREFIX}{name}" />'


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.parent.name)
def test_the_shipped_course_quizzes_round_trip(path: Path) -> None:
    questions, _ = parse_gift(path.read_text(encoding="utf-8"))
    assert questions
    assert _round_trip(questions) == [replace(q, line=0) for q in questions]


# The export against the files Moodle's export tests expect -------------------------------

def _normalise(xml: str) -> str:
    """As qformat_xml_import_export_test::normalise_xml()."""
    xml = xml.replace("\r\n", "\n").removesuffix("\n")
    xml = re.sub(r"(?<=<!-- question: )([0-9]+)(?=  -->)", "0", xml)
    xml = re.sub(r">.0000000<", ">0<", xml)
    xml = re.sub(r"(\.(?:[0-9]*[1-9])?)0*<", r"\1<", xml)
    return re.sub(r"([0-9])\.<", r"\1<", xml)


def _question_blocks(xml: str) -> list[str]:
    return re.findall(r'<!-- question: 0  -->\n  <question type="(?!category).*?</question>\n',
                      _normalise(xml) + "\n", re.S)


@pytest.mark.parametrize("name", ["html_chars_in_idnumbers.xml", "nested_categories.xml",
                                  "nested_categories_with_questions.xml"])
def test_questions_are_written_as_moodles_export_writes_them(name: str) -> None:
    """The three export fixtures of Moodle's tests that were copied: every question is
    written exactly as Moodle's export (after Moodle's own normalisation). Category blocks
    differ: Podium keeps no category description or id number."""
    expected = (FIXTURES / name).read_text(encoding="utf-8")
    ours = write_moodle_xml(parse_moodle_xml(expected.encode()).questions)
    want, got = _question_blocks(expected), _question_blocks(ours)
    assert len(want) == len(got)
    if name == "nested_categories_with_questions.xml":
        # the essay's 10 response lines are not kept: Podium writes Moodle's default, 15
        want[1] = want[1].replace("<responsefieldlines>10<", "<responsefieldlines>15<")
    assert got == want


def test_the_written_file_has_moodles_header_categories_and_layout() -> None:
    xml = write_moodle_xml(every_type(TextFormat.html, TextFormat.plain))
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert xml.endswith("</quiz>\n")
    assert xml.count('<question type="category">') == 2
    assert "<text>$course$/top/Geo</text>" in xml
    assert '<answer fraction="33.33333" format="html">' in xml
    assert '<answer fraction="-14.28571" format="plain_text">' in xml
    assert "<idnumber>T &amp; F &lt;1&gt;</idnumber>" in xml
    assert "<text><![CDATA[a ]]]]><![CDATA[> b]]></text>" in xml
    assert '<tags>\n      <tag><text>geo</text>\n</tag>\n' in xml


@pytest.mark.parametrize("fmt", list(TextFormat))
def test_the_quiz_editor_keeps_what_moodle_xml_brought(fmt: TextFormat) -> None:
    """The editor keeps a draft quiz as GIFT text: since GIFT keeps every text's format and
    numerical catch-alls, a Moodle XML import into the editor loses nothing GIFT can say
    (only the formats of empty texts, which GIFT does not write, settle). A description
    with general feedback, which GIFT cannot say, is refused by the editor (tested in
    tests/authoring), so it is left out here."""
    for other in (f for f in TextFormat if f != fmt):
        questions = [q for q in _round_trip(every_type(fmt, other))
                     if not (q.type == QType.description and q.general_feedback)]
        again, warnings = parse_gift(write_gift(questions))
        assert warnings == []
        assert [replace(q, line=0) for q in again] == settled(questions)
