"""Checking the images that lessons show, whether a trainer uploads one or a course package
holds it: every image is treated as hostile. The rules, and the threat each one stops:

* An image's type is decided only by its bytes (magic numbers and a parsed header), never
  by its file name or the browser's content type, so an HTML page named ``photo.png``
  cannot be stored and later served as a page on our origin.
* The stored name is chosen by the server (a hash of the bytes), so no user path ever
  reaches the disk.
* SVG is accepted only when it is a plain drawing: scripts, event handlers, external links,
  styles and DTDs are refused outright (nothing is rewritten, so nothing can be missed by a
  rewrite).

``UploadError`` is the refusal of any upload (the package zips of ``app/authoring`` use it
too); its message is shown to the trainer next to the file field.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
MAX_IMAGE_BYTES = 2 * MB
MAX_IMAGE_SIDE = 10_000

NOT_AN_IMAGE = "This file is not a PNG, JPEG, WebP or SVG image."
SVG_REFUSED = (
    "This SVG contains scripts, links or styles that are not allowed; "
    "export it as a plain drawing or use PNG."
)
SVG_MALFORMED = "This SVG could not be read as XML; export it again or use PNG."
SVG_NO_NAMESPACE = 'This SVG lacks xmlns="http://www.w3.org/2000/svg"; export it again or use PNG.'


class UploadError(ValueError):
    """An upload was refused; the message is shown to the trainer next to the file field."""


def size_text(n: int) -> str:
    """A size for people: ``3.4 MB``, ``2 MB``, ``12 KB``."""
    if n < MB:
        return f"{math.ceil(n / 1024)} KB"
    return f"{n / MB:.1f}".removesuffix(".0") + " MB"


@dataclass(frozen=True)
class Image:
    """An image that passed :func:`check_image`; ``data`` is exactly what was uploaded."""

    data: bytes
    content_type: str  # image/png | image/jpeg | image/webp | image/svg+xml
    extension: str  # png | jpg | webp | svg
    width: int | None
    height: int | None

    @property
    def name(self) -> str:
        """The server-chosen, content-addressed file name: same bytes, same name."""
        return hashlib.sha256(self.data).hexdigest()[:20] + "." + self.extension


def check_image(data: bytes) -> Image:
    """Return the image in ``data`` or raise :class:`UploadError`.

    The type comes from the bytes alone; there is deliberately no file-name parameter.
    """
    if not data:
        raise UploadError("This file is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise UploadError(
            f"Images can be at most {size_text(MAX_IMAGE_BYTES)}; "
            f"this one is {size_text(len(data))}."
        )
    if data.startswith(_PNG_MAGIC):
        image = Image(data, "image/png", "png", *_png_size(data))
    elif data.startswith(b"\xff\xd8\xff"):
        image = Image(data, "image/jpeg", "jpg", *_jpeg_size(data))
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        image = Image(data, "image/webp", "webp", *_webp_size(data))
    else:
        text = _svg_text(data)
        if text is None:
            raise UploadError(NOT_AN_IMAGE)
        image = Image(data, "image/svg+xml", "svg", *_check_svg(text))
    _check_dimensions(image.width, image.height)
    return image


def _damaged(kind: str) -> UploadError:
    return UploadError(f"This {kind} image is damaged or incomplete; export it again.")


def _check_dimensions(width: int | None, height: int | None) -> None:
    """Zero-sized images are broken; huge ones exhaust memory when a browser decodes them."""
    sides = [s for s in (width, height) if s is not None]
    if any(s <= 0 for s in sides):
        raise UploadError("This image has no width or no height.")
    if any(s > MAX_IMAGE_SIDE for s in sides):
        raise UploadError(
            f"This image is {width or '?'}x{height or '?'} pixels; images can be at most "
            f"{MAX_IMAGE_SIDE} pixels on each side."
        )


_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _png_size(data: bytes) -> tuple[int, int]:
    """Check the PNG structure and return its size.

    The IHDR must be first, well formed and carry a correct CRC; the chunks must chain up
    to IEND with image data on the way and nothing after it. That refuses a file that only
    borrows the PNG magic number to smuggle other content (a polyglot).
    """
    if len(data) < 8 + 25 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise _damaged("PNG")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", data[16:29]
    )
    (crc,) = struct.unpack(">I", data[29:33])
    if (
        crc != zlib.crc32(data[12:29])
        or depth not in _PNG_DEPTHS.get(colour, set())
        or (compression, filtering) != (0, 0)
        or interlace not in (0, 1)
    ):
        raise _damaged("PNG")
    pos, seen_data = 8, False
    while True:
        if pos + 12 > len(data):
            raise _damaged("PNG")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or not kind.isalpha() or end > len(data):
            raise _damaged("PNG")
        seen_data = seen_data or kind == b"IDAT"
        pos = end
        if kind == b"IEND":
            break
    if not seen_data or pos != len(data):
        raise _damaged("PNG")
    return width, height


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JPEG_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # not DHT, JPG, DAC


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG marker segments up to the frame header (SOFn) and read its size.

    A file that only starts with the JPEG magic but has no parseable frame header before
    the image data is refused.
    """
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            break
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            break
        marker = data[pos]
        pos += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA) or pos + 2 > len(data):  # end or scan before a frame
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            break
        if marker in _JPEG_SOF:
            if length < 8:
                break
            height, width = struct.unpack(">HH", data[pos + 3 : pos + 7])
            return width, height
        pos += length
    raise _damaged("JPEG")


def _webp_size(data: bytes) -> tuple[int, int]:
    """Read the size from the first WebP chunk (VP8, VP8L or VP8X); the RIFF size must match
    the file, so nothing can hide after the image."""
    (riff_size,) = struct.unpack("<I", data[4:8]) if len(data) >= 8 else (0,)
    if len(data) < 30 or riff_size + 8 != len(data):
        raise _damaged("WebP")
    kind = data[12:16]
    (chunk_size,) = struct.unpack("<I", data[16:20])
    body = data[20 : 20 + chunk_size]
    if 20 + chunk_size > len(data):
        raise _damaged("WebP")
    if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a" and not body[0] & 1:
        width, height = struct.unpack("<HH", body[6:10])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        (bits,) = struct.unpack("<I", body[1:5])
        if bits >> 29 == 0:  # version 0
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(body) >= 10:
        width = int.from_bytes(body[4:7], "little") + 1
        height = int.from_bytes(body[7:10], "little") + 1
        return width, height
    raise _damaged("WebP")


# ------------------------------------------------------------------------------ SVG

_SVG_NS = "{http://www.w3.org/2000/svg}"
_SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop",
        "clipPath", "mask", "pattern", "symbol", "use", "marker",
    }
)  # fmt: skip
_PROLOG = re.compile(r"\A(?:\s|<\?.*?\?>|<!--.*?-->)*", re.S)
_SVG_START = re.compile(r"<(?:svg|!DOCTYPE\s+svg)\b", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\s[^>]*\?>")
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_LOCAL_URL = re.compile(r"url\(['\"]?#[\w.:-]+['\"]?\)")
_BLANKS = re.compile(r"[\s\x00-\x1f]+")
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")


def _svg_text(data: bytes) -> str | None:
    """The text of ``data`` if it is UTF-8 whose first element (after an optional XML
    declaration, processing instructions and comments) is ``<svg``; otherwise ``None``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    prolog = _PROLOG.match(text)
    rest = text[prolog.end() :] if prolog else text
    return text if _SVG_START.match(rest) else None


def _check_svg(text: str) -> tuple[int | None, int | None]:
    """Refuse anything in an SVG that could run code, load something or restyle the page.

    * ``<!DOCTYPE``/``<!ENTITY`` are refused before parsing: entity expansion ("billion
      laughs") and external entities (XXE) need a DTD.
    * Processing instructions other than the XML declaration are refused
      (``<?xml-stylesheet?>`` loads CSS).
    * Only plain drawing elements in the SVG namespace are allowed, so ``script``,
      ``foreignObject`` (HTML), ``style``, ``image``, ``a``, ``iframe`` and animations
      (``animate``/``set`` can rewrite ``href`` to ``javascript:``) are all refused.
    * Event handlers (``on*``), ``style`` attributes, links other than ``#id``, and any
      value with ``javascript:``, ``data:`` or a ``url(...)`` other than ``url(#id)``
      are refused; backslashes are refused because CSS escapes can spell ``url``.
    """
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise UploadError(SVG_REFUSED)
    declaration = _XML_DECLARATION.match(text)
    if "<?" in text[declaration.end() if declaration else 0 :]:
        raise UploadError(SVG_REFUSED)
    try:
        root = ET.fromstring(text)  # noqa: S314 -- no DTD (checked above), so no entities
    except ET.ParseError as err:
        raise UploadError(SVG_MALFORMED) from err
    if root.tag != _SVG_NS + "svg":
        raise UploadError(SVG_NO_NAMESPACE)
    for element in root.iter():
        tag = element.tag
        if not (
            isinstance(tag, str)
            and tag.startswith(_SVG_NS)
            and tag[len(_SVG_NS) :] in _SVG_ELEMENTS
        ):
            raise UploadError(SVG_REFUSED)
        for name, value in element.attrib.items():
            if not _safe_svg_attribute(name, value):
                raise UploadError(SVG_REFUSED)
    return _svg_length(root.get("width")), _svg_length(root.get("height"))


def _safe_svg_attribute(name: str, value: str) -> bool:
    local = name.rpartition("}")[2].lower()
    if local.startswith("on") or local == "style":
        return False
    if local == "href":
        return _FRAGMENT.fullmatch(value.strip()) is not None
    compact = _BLANKS.sub("", value).lower()
    if "\\" in compact or any(s in compact for s in ("javascript:", "vbscript:", "data:")):
        return False
    return "url(" not in _LOCAL_URL.sub("", compact)


def _svg_length(value: str | None) -> int | None:
    """A plain number of pixels (``120`` or ``120px``) rounded up; anything else is None."""
    match = _SIZE.fullmatch(value or "")
    if match is None:
        return None
    number = float(match.group(1))
    # So many digits that the float is infinite: longer than any side allowed.
    return math.ceil(number) if math.isfinite(number) else MAX_IMAGE_SIDE + 1
