"""Images embedded in Moodle XML: a text refers to ``@@PLUGINFILE@@/name.png`` and carries
the file as ``<file name="name.png" encoding="base64">``.

Reading, each referenced file goes through the checks of an uploaded course image
(:func:`app.security.images.check_image`) and the reference becomes the image's address
among the course's images (``prefix`` + its server-chosen name). Writing does the reverse
for every course image a text shows. Files a text carries but never refers to are not
read (Moodle keeps them unused too)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from app.security.images import UploadError, check_image

PLUGINFILE = "@@PLUGINFILE@@/"
_REFERENCE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>()?#]+)")


class Problem(Exception):
    """Something wrong in one element of a question: ``element`` names it as written."""

    def __init__(self, element: str, message: str) -> None:
        super().__init__(element, message)
        self.element = element
        self.message = message


def _files(container: Element) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for file in container.findall("file"):
        name = file.get("name", "")
        element = f'<file name="{name}">'
        if file.get("encoding", "base64") != "base64":
            raise Problem(element, "only base64 files can be read")
        try:
            data = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Problem(element, "the base64 content is damaged") from exc
        folder = file.get("path", "/").strip("/")
        found[f"{folder}/{name}" if folder else name] = data
    return found


def import_images(text: str, container: Element, element: str, *, images: dict[str, bytes],
                  prefix: str) -> str:
    """``text`` with its ``@@PLUGINFILE@@`` references turned into course image addresses;
    the checked images are added to ``images`` (server-chosen name -> bytes)."""
    if PLUGINFILE not in text:
        return text
    files = _files(container)

    def course_image(match: re.Match[str]) -> str:
        path = unquote(match.group(1))
        data = files.get(path)
        if data is None:
            raise Problem(element, f"{PLUGINFILE}{path} refers to no <file> of this text")
        try:
            image = check_image(data)
        except UploadError as exc:
            raise Problem(f'<file name="{path}">',
                          f"{exc} (Podium keeps images only, checked as uploads are)") from exc
        images[image.name] = image.data
        return prefix + image.name

    return _REFERENCE.sub(course_image, text)


def export_images(text: str, *, images: Mapping[str, bytes], prefix: str) -> tuple[str, str]:
    """``text`` with the course images it shows as ``@@PLUGINFILE@@`` references, and the
    ``<file>`` lines that carry them (as Moodle writes them: one per line, at column 0)."""
    if not prefix or prefix not in text:
        return text, ""
    used: list[str] = []

    def reference(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in images:
            return match.group(0)
        if name not in used:
            used.append(name)
        return PLUGINFILE + name

    text = re.sub(re.escape(prefix) + r"([A-Za-z0-9._-]+)", reference, text)
    lines = "".join(f'<file name="{name}" path="/" encoding="base64">'
                    f"{base64.b64encode(images[name]).decode()}</file>\n" for name in used)
    return text, lines
