"""Moodle XML: reading a question bank export into Podium questions.

The reader follows Moodle's importer (``question/format/xml/format.php``, ``qformat_xml``):
texts are trimmed, a missing format means HTML for a question text and the question
text's format for its feedback and answers, ``<question type="category">`` sets the
category of the questions after it (kept as written, e.g. ``$course$/top/Name``, the same
representation as GIFT's ``$CATEGORY:``), ``@@PLUGINFILE@@`` images become course images.

Podium refuses what Moodle would refuse or store as nonsense, naming the question (its
position among the file's ``<question>`` elements) and the element; the file is imported
all or nothing. Question types Podium does not have are skipped whole, each with a
warning. What Moodle XML carries and Podium has no place for is read without error and
dropped (see ``answers.py`` for the list; warnings say so where a trainer would miss it).

The file is parsed with defusedxml and DTDs refused outright: no entity is ever expanded
and nothing outside the file is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.questions.moodle_xml import answers
from app.questions.moodle_xml.common import MAX_XML_BYTES, MoodleXmlError
from app.questions.moodle_xml.files import Problem
from app.questions.moodle_xml.texts import QuestionReader, text_of
from app.questions.spec import QType, Question, TextFormat
from app.security.images import size_text

# Moodle's type names and Podium's readers; multichoice decides single/multiple itself.
_READERS = {
    "multichoice": answers.read_multichoice,
    "truefalse": answers.read_truefalse,
    "shortanswer": answers.read_shortanswer,
    "numerical": answers.read_numerical,
    "matching": answers.read_matching,
    "match": answers.read_matching,
    "essay": answers.read_essay,
    "description": answers.read_description,
}


@dataclass(frozen=True)
class Skipped:
    """A question of a type Podium does not have (``number``: its place in the file)."""

    number: int
    type: str
    name: str


@dataclass
class MoodleXml:
    """What a file holds for Podium; ``images`` are the checked course images its texts
    show (server-chosen name -> bytes), to be stored with the questions."""

    questions: list[Question] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)


def _headers(reader: QuestionReader, element: Element, question: Question) -> None:
    """What every question type has (qformat_xml::import_headers)."""
    question.name = text_of(element.find("name"), "<name>")
    _old_image(element)
    container = element.find("questiontext")
    question.text_format = reader.text_format(container, TextFormat.html, "<questiontext>")
    question.text = reader.rich_text(container, "<questiontext>")
    feedback = element.find("generalfeedback")
    question.general_feedback_format = reader.text_format(feedback, question.text_format,
                                                          "<generalfeedback>")
    question.general_feedback = reader.rich_text(feedback, "<generalfeedback>")
    question.id_number = (element.findtext("idnumber") or "").strip()
    question.tags = [text_of(tag, "<tag>") for tag in
                     [*element.findall("tags/tag"), *element.findall("coursetags/tag")]]
    question.tags = [tag for tag in question.tags if tag]


def _old_image(element: Element) -> None:
    """Files of Moodle before 2.0: ``<image>`` and ``<image_base64>`` beside the text,
    shown after it (Moodle appends an ``<img>``)."""
    name, data = element.findtext("image"), element.findtext("image_base64")
    if not name or not data:
        return
    container = element.find("questiontext")
    if container is None:
        container = Element("questiontext")
        element.append(container)
    text = container.find("text")
    if text is None:
        text = Element("text")
        container.insert(0, text)
    name = name.strip().replace("/", "_")
    text.text = (text.text or "").strip() + f' <img src="@@PLUGINFILE@@/{name}" />'
    file = Element("file", {"name": name, "path": "/", "encoding": "base64"})
    file.text = data
    container.append(file)


def _name(element: Element) -> str:
    try:
        return text_of(element.find("name"), "<name>")
    except Problem:
        return ""


def _category(element: Element) -> str:
    category = element.find("category")
    if category is None:
        return ""
    if category.find("text") is not None:
        return text_of(category, "<category>")
    return (category.text or "").strip()


def parse_moodle_xml(data: bytes, *, image_prefix: str = "",
                     max_bytes: int = MAX_XML_BYTES) -> MoodleXml:
    """The questions of a Moodle XML file, or :class:`MoodleXmlError` listing every
    problem. ``image_prefix`` + an image's name is where the course serves it."""
    if len(data) > max_bytes:
        raise MoodleXmlError([f"a Moodle XML file can be at most {size_text(max_bytes)}; "
                              "this one is larger"])
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MoodleXmlError([f"the file declares a document type or entities ({exc}): "
                              "refused, as Moodle XML has none (entities are never expanded "
                              "and nothing outside the file is read)"]) from exc
    except ParseError as exc:
        raise MoodleXmlError([f"the file is not well-formed XML: {exc}"]) from exc
    if root.tag != "quiz":
        raise MoodleXmlError([f"the file starts with <{root.tag}>, not <quiz>: it is not a "
                              "Moodle XML question file"])
    result, errors, category = MoodleXml(), [], ""
    for number, element in enumerate(root.findall("question"), start=1):
        qtype = element.get("type", "")
        label = f'question {number} (<question type="{qtype}">)'
        if qtype == "category":
            category = _category(element)
            continue
        if qtype not in _READERS:
            name = _name(element)
            result.skipped.append(Skipped(number=number, type=qtype, name=name))
            result.warnings.append(f'{label} "{name}": Podium has no "{qtype}" questions; '
                                   "skipped")
            continue
        reader = QuestionReader(label, image_prefix)
        question = Question(type=QType.description, text="", category=category, line=number)
        try:
            _headers(reader, element, question)
            _READERS[qtype](reader, element, question)
        except Problem as problem:
            errors.append(f"{label}, {problem.element}: {problem.message}")
            continue
        result.questions.append(question)
        result.warnings.extend(reader.warnings)
        result.images.update(reader.images)
    if errors:
        raise MoodleXmlError(errors)
    return result
