"""The text elements of Moodle XML (``<questiontext format="html"><text>…</text>``): their
text, trimmed as Moodle trims it, and their format; each element's name as an error
message shows it; and the state of the question being read (its warnings and images)."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from app.questions.moodle_xml.common import FORMATS_BY_NAME, PHP_BLANKS
from app.questions.moodle_xml.files import Problem, import_images
from app.questions.spec import TextFormat


def text_of(container: Element | None, element: str) -> str:
    """The ``<text>`` of ``container`` (empty when either is missing)."""
    if container is None:
        return ""
    text = container.find("text")
    if text is None:
        return ""
    if len(text):
        raise Problem(element, f"<text> holds the element <{text[0].tag}>: HTML in a text must "
                               "be escaped or inside <![CDATA[...]]>, as Moodle writes it")
    return (text.text or "").strip(PHP_BLANKS)


def format_of(container: Element | None, default: TextFormat, element: str,
              warn: Callable[[str], None]) -> TextFormat:
    """The ``format`` attribute of ``container`` as a Podium text format. As in Moodle, a
    missing attribute means ``default`` and an unknown one HTML; Moodle's old wiki format
    has no equal in Podium and is read as Moodle's auto-format."""
    name = container.get("format") if container is not None else None
    if name is None:
        return default
    name = name.strip()
    if name in FORMATS_BY_NAME:
        return FORMATS_BY_NAME[name]
    if name == "wiki_like":
        warn(f'{element}: the format "wiki_like" is read as "moodle_auto_format"')
        return TextFormat.moodle
    warn(f'{element}: unknown format "{name}", read as "html" as Moodle does')
    return TextFormat.html


def described(element: Element, attribute: str = "") -> str:
    """``<answer fraction="33">``: an element as an error message names it."""
    value = element.get(attribute) if attribute else None
    return f'<{element.tag} {attribute}="{value}">' if value is not None else f"<{element.tag}>"


class QuestionReader:
    """One ``<question>`` being read: its warnings and images are kept only if it is."""

    def __init__(self, label: str, prefix: str) -> None:
        self.label = label
        self.prefix = prefix
        self.warnings: list[str] = []
        self.images: dict[str, bytes] = {}

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.label}, {message}")

    def rich_text(self, container: Element | None, element: str) -> str:
        """The text of ``container`` with its embedded images made course images."""
        text = text_of(container, element)
        if container is None:
            return text
        return import_images(text, container, element, images=self.images, prefix=self.prefix)

    def text_format(self, container: Element | None, default: TextFormat, element: str
                    ) -> TextFormat:
        return format_of(container, default, element, self.warn)
