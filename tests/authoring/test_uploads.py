"""Hostile uploads: images typed by their bytes (HTML named .png, polyglots, dangerous SVG)
and package zips (zip slip, absolute paths, links, duplicates, bombs, lying headers)."""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

from app.authoring import package_zips
from app.authoring.package_zips import PackageFiles, read_zip, write_tree
from app.security.images import (
    MAX_IMAGE_BYTES,
    NOT_AN_IMAGE,
    SVG_MALFORMED,
    SVG_NO_NAMESPACE,
    SVG_REFUSED,
    UploadError,
    check_image,
)

MB = 1024 * 1024

# ------------------------------------------------------------------ image builders


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 1, height: int = 1, *, crc: int | None = None) -> bytes:
    """A valid RGBA PNG header; the pixel data is a 1x1 image whatever the header says."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    ihdr_chunk = _chunk(b"IHDR", ihdr)
    if crc is not None:
        ihdr_chunk = ihdr_chunk[:-4] + struct.pack(">I", crc)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + ihdr_chunk + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def jpeg(width: int = 3, height: int = 2, *, sof: int = 0xC0) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    components = b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    frame = struct.pack(">BHHB", 8, height, width, 3) + components
    sof_segment = bytes([0xFF, sof]) + struct.pack(">H", 2 + len(frame)) + frame
    return b"\xff\xd8" + app0 + sof_segment + b"\xff\xd9"


def _riff(kind: bytes, body: bytes) -> bytes:
    chunk = kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    return _riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00" * 8)


def webp_extended(width: int, height: int) -> bytes:
    body = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little")
    return _riff(b"VP8X", body + (height - 1).to_bytes(3, "little"))


def webp_lossy(width: int, height: int) -> bytes:
    body = b"\x50\x01\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    return _riff(b"VP8 ", body + b"\x00" * 10)


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, attrs: str = 'width="120" height="80"', prolog: str = "") -> bytes:
    return f"{prolog}{SVG_HEAD} {attrs}>{body}</svg>".encode()


CLEAN_SVG = svg(
    "<title>Reach</title><desc>A chart</desc>"
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
    '<clipPath id="c"><rect width="10" height="10"/></clipPath>'
    '<symbol id="s"><circle cx="5" cy="5" r="4"/></symbol></defs>'
    '<g clip-path="url(#c)" fill="url(\'#g\')"><path d="M0 0L10 10"/>'
    '<text x="1" y="9">Tom &amp; Jerry <tspan>data</tspan></text></g>'
    '<use href="#s"/><use xlink:href="#s" x="20"/>',
    prolog='<?xml version="1.0" encoding="UTF-8"?>\n<!-- Exported by hand -->\n',
)

# -------------------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("data", "content_type", "extension", "size"),
    [
        (png(1, 1), "image/png", "png", (1, 1)),
        (png(640, 480), "image/png", "png", (640, 480)),
        (png(10_000, 10_000), "image/png", "png", (10_000, 10_000)),
        (jpeg(3, 2), "image/jpeg", "jpg", (3, 2)),
        (jpeg(800, 600, sof=0xC2), "image/jpeg", "jpg", (800, 600)),
        (webp_lossless(16, 9), "image/webp", "webp", (16, 9)),
        (webp_extended(1920, 1080), "image/webp", "webp", (1920, 1080)),
        (webp_lossy(300, 200), "image/webp", "webp", (300, 200)),
        (CLEAN_SVG, "image/svg+xml", "svg", (120, 80)),
    ],
)
def test_valid_images_are_typed_by_their_bytes(
    data: bytes, content_type: str, extension: str, size: tuple[int, int]
) -> None:
    image = check_image(data)
    assert image.content_type == content_type
    assert image.extension == extension
    assert (image.width, image.height) == size
    assert image.data == data
    assert re.fullmatch(rf"[0-9a-f]{{20}}\.{extension}", image.name)


def test_name_is_content_addressed() -> None:
    # There is no caller file name at all: a PNG a trainer called "photo.jpg" is stored as .png.
    assert check_image(png()).name == check_image(png()).name
    assert check_image(png()).name.endswith(".png")
    assert check_image(png(2, 2)).name != check_image(png()).name


def test_svg_sizes_are_optional_and_bom_is_allowed() -> None:
    image = check_image(b"\xef\xbb\xbf" + svg("<rect/>", attrs='width="100%" viewBox="0 0 1 1"'))
    assert (image.width, image.height) == (None, None)
    image = check_image(svg("<rect/>", attrs='width="10.5px" height="4"'))
    assert (image.width, image.height) == (11, 4)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        b"<!DOCTYPE html><html><body><svg><script>alert(1)</script></svg></body></html>",
        b"GIF89a\x01\x00\x01\x00",
        b"hello",
        "<p>caf\u00e9</p>".encode("latin-1"),
        b"\x00" * 100,
    ],
    ids=["html-named-png", "html-with-svg", "gif", "text", "latin1", "zeros"],
)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match=re.escape(NOT_AN_IMAGE)):
        check_image(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>" + b" " * 40,
        png(crc=0),
        png()[:40],
        png() + b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 7, 6, 0, 0, 0)),
        png().replace(b"IDAT", b"IDAX"),
        b"\xff\xd8\xff<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xd9",
        b"\xff\xd8" + b"\xff\xda\x00\x02" + jpeg()[2:],  # scan before the frame header
        jpeg()[:25],
        b"RIFF\x10\x00\x00\x00WEBP<html></html>",
        webp_lossless(4, 4)[:-2],
        webp_lossless(4, 4) + b"<html>",
        _riff(b"VP8L", b"\x00" * 10),
    ],
    ids=[
        "png-magic-html",
        "png-bad-crc",
        "png-truncated",
        "png-trailing-html",
        "png-bad-depth",
        "png-no-data",
        "jpeg-magic-html",
        "jpeg-no-frame",
        "jpeg-scan-first",
        "jpeg-truncated",
        "webp-garbage",
        "webp-truncated",
        "webp-trailing",
        "webp-bad-signature",
    ],
)
def test_polyglots_and_damaged_headers_are_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match="damaged or incomplete"):
        check_image(data)


def test_empty_and_oversized_images_are_refused() -> None:
    with pytest.raises(UploadError, match="This file is empty"):
        check_image(b"")
    big = png() + b"\x00" * (int(3.4 * MB) - len(png()))
    with pytest.raises(UploadError, match=r"^Images can be at most 2 MB; this one is 3\.4 MB\.$"):
        check_image(big)
    exact = b"<!-- x -->" + b" " * (MAX_IMAGE_BYTES - 200) + svg("<rect/>")
    assert len(exact) <= MAX_IMAGE_BYTES
    assert check_image(exact).extension == "svg"


@pytest.mark.parametrize(
    "data",
    [png(0, 1), png(1, 0), png(10_001, 1), jpeg(1, 20_000), webp_extended(16_000, 10)],
)
def test_zero_and_absurd_dimensions_are_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match=r"width|pixels"):
        check_image(data)


HOSTILE_SVG = {
    "script": svg("<script>alert(1)</script>"),
    "script-cdata": svg("<script><![CDATA[alert(1)]]></script>"),
    "onload": svg("<rect/>", attrs='onload="alert(1)"'),
    "onclick-mixed-case": svg('<rect OnClick="alert(1)"/>'),
    "foreign-object": svg(
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
        "<iframe src='https://evil'/></body></foreignObject>"
    ),
    "xlink-javascript": svg('<use xlink:href="javascript:alert(1)"/>'),
    "href-entity-javascript": svg('<use href="&#x6A;ava&#x09;script:alert(1)"/>'),
    "href-external": svg('<use href="https://evil.example/sprite.svg#a"/>'),
    "anchor": svg('<a href="https://evil.example"><rect width="9" height="9"/></a>'),
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        + svg("<text>&lol3;</text>")
    ),
    "external-entity": (
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + svg("<text>&x;</text>")
    ),
    "style-attribute": svg('<rect style="fill:red"/>'),
    "style-element": svg("<style>rect{fill:url(https://evil/x)}</style>"),
    "image-element": svg('<image href="#x"/>'),
    "iframe": svg('<iframe src="https://evil"/>'),
    "animate-href": svg('<animate attributeName="href" to="javascript:alert(1)"/>'),
    "set": svg('<set attributeName="onclick" to="alert(1)"/>'),
    "external-url": svg('<rect fill="url(https://evil.example/x#g)"/>'),
    "data-url": svg('<rect fill="url(data:image/svg+xml;base64,PHN2Zz4=)"/>'),
    "css-escape": svg('<rect fill="\\75 rl(https://evil)"/>'),
    "javascript-value": svg('<rect mask="javascript:alert(1)"/>'),
    "stylesheet-pi": b'<?xml-stylesheet href="https://evil/x.css"?>' + svg("<rect/>"),
    "pi-inside": svg("<?php echo 1; ?><rect/>"),
    "xhtml-script": svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
}


@pytest.mark.parametrize("data", HOSTILE_SVG.values(), ids=HOSTILE_SVG.keys())
def test_hostile_svg_is_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match=re.escape(SVG_REFUSED)):
        check_image(data)


def test_malformed_svg_and_missing_namespace_are_refused() -> None:
    with pytest.raises(UploadError, match=re.escape(SVG_MALFORMED)):
        check_image(b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>')
    with pytest.raises(UploadError, match=re.escape(SVG_NO_NAMESPACE)):
        check_image(b'<svg width="1" height="1"><rect/></svg>')


# ---------------------------------------------------------------------- zip builders

PACKAGE = {
    "executive-enablement/course.yaml": b"title: Executive enablement\n",
    "executive-enablement/social-selling/module.yaml": b"title: Social selling\n",
    "executive-enablement/social-selling/listening.md": b"# Listening\n",
    "executive-enablement/social-selling/check.gift": b"::Q1:: 1+1? {=2 ~3}\n",
    "executive-enablement/assets/logo.png": png(),
}


def make_zip(
    entries: dict[str, bytes] | list[tuple[str | zipfile.ZipInfo, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    items = entries.items() if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return buffer.getvalue()


def refused(data: bytes, match: str) -> None:
    with pytest.raises(UploadError, match=match) as caught:
        read_zip(data)
    assert str(caught.value).endswith("Nothing was changed.")


# ------------------------------------------------------------------------------ zips


def test_clean_package_is_read_with_its_root() -> None:
    entries = [
        ("executive-enablement/", b""),
        ("executive-enablement/social-selling/", b""),
        *PACKAGE.items(),
        ("__MACOSX/executive-enablement/._course.yaml", b"\x00\x05\x16\x07"),
        ("executive-enablement/.DS_Store", b"junk"),
        ("executive-enablement/assets/Thumbs.db", b"junk"),
    ]
    package = read_zip(make_zip(entries))
    assert package.root == "executive-enablement"
    assert package.files == {
        name.removeprefix("executive-enablement/"): data for name, data in PACKAGE.items()
    }


def test_package_without_a_single_folder_has_no_root() -> None:
    package = read_zip(make_zip({"course.yaml": b"a", "./m/module.yaml": b"b"}))
    assert package == PackageFiles("", {"course.yaml": b"a", "m/module.yaml": b"b"})
    stored = make_zip({"a/course.yaml": b"x" * 1000}, compression=zipfile.ZIP_STORED)
    assert read_zip(stored) == PackageFiles("a", {"course.yaml": b"x" * 1000})


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("../evil.md", "outside its folder: ../evil.md"),
        ("course/../../evil.md", "outside its folder"),
        ("a/../../evil", "outside its folder"),
        ("/etc/passwd", "outside its folder: /etc/passwd"),
        ("C:x", "outside its folder"),
        ("C:/Windows/evil.dll", "outside its folder"),
        ("C:\\x", "backslash"),
        ("course\\..\\..\\evil.md", "backslash"),
        ("\\evil.md", "backslash"),
        ("course/evil\n.md", "hidden characters"),
        ("course/evil\u202egnp.md", "hidden characters"),
        ("course/" + "a" * 300 + ".md", "too long"),
    ],
)
def test_hostile_names_refuse_the_whole_archive(name: str, match: str) -> None:
    refused(make_zip([*PACKAGE.items(), (name, b"pwned")]), match)


def test_nul_in_a_name_is_refused() -> None:
    # zipfile would silently cut the name at NUL; the archive is refused instead.
    data = make_zip({"course/evil.mdX.png": b"x"}).replace(b"evil.mdX.png", b"evil.md\x00.png")
    refused(data, "hidden characters")


def test_empty_names_are_refused() -> None:
    with pytest.raises(UploadError, match="no name"):
        package_zips._clean_name("")  # zipfile cannot even write such an entry
    refused(make_zip({"/": b""}), "no name")
    refused(make_zip({"./": b""}), "no name")


def test_symlink_entry_is_refused() -> None:
    link = zipfile.ZipInfo("course/lesson.md")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    refused(make_zip([("course/course.yaml", b"x"), (link, b"/etc/passwd")]), "link")


def test_device_entry_is_refused() -> None:
    fifo = zipfile.ZipInfo("course/pipe")
    fifo.create_system = 3
    fifo.external_attr = 0o010644 << 16
    refused(make_zip([(fifo, b"")]), "not a file or a folder")


@pytest.mark.parametrize(
    "names",
    [
        ["course/a.md", "course/a.md"],
        ["course/a.md", "course/A.md"],
        ["course/Assets/x.png", "course/assets/x.png"],
        ["course/a.md", "course/./a.md"],
        ["course/a.md", "course//a.md"],
        ["course/caf\u00e9.md", "course/cafe\u0301.md"],
        ["course/a", "course/a/b.md"],
        ["course/A/b.md", "course/a"],
    ],
)
def test_duplicate_names_are_refused(names: list[str]) -> None:
    refused(make_zip([(name, b"x") for name in names]), "same")


def test_too_many_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_FILES", 4)
    assert read_zip(make_zip({f"c/{i}.md": b"x" for i in range(4)})).root == "c"
    refused(make_zip({f"c/{i}.md": b"x" for i in range(5)}), "more than 4 files")


def test_zip_bomb_is_refused() -> None:
    # 60 MB of zeros compresses to about 60 KB: refused from its ratio before unpacking.
    refused(make_zip({"course/bomb.md": bytes(60 * MB)}), "unpacks to far more")


def test_total_unpacked_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_UNPACKED", MB)
    refused(make_zip({"course/zeros.md": bytes(2 * MB)}), "unpacks to")
    # Incompressible data below the ratio check, in several members, still adds up.
    noise = [(f"course/{i}.bin", random.Random(i).randbytes(400_000)) for i in range(3)]
    refused(make_zip(noise), "unpacks to more than 1 MB")


def _patch_sizes(data: bytes, real: int, fake: int) -> bytes:
    """Make the local and central headers claim ``fake`` uncompressed bytes."""
    raw = bytearray(data)
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    assert struct.unpack_from("<I", raw, local + 22)[0] == real
    struct.pack_into("<I", raw, local + 22, fake)
    struct.pack_into("<I", raw, central + 24, fake)
    return bytes(raw)


def test_lying_header_sizes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_UNPACKED", MB)
    real = 2 * MB
    # Headers claiming 100 bytes: unpacking stops there and the checksum no longer matches.
    data = _patch_sizes(make_zip({"course/zeros.md": bytes(real)}), real, 100)
    refused(data, "damaged file: course/zeros.md")


def test_member_is_read_in_chunks_against_the_budget() -> None:
    # The running counter stops decompressing as soon as the budget is spent, whatever the
    # headers say.
    data = make_zip({"course/zeros.md": bytes(MB)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.infolist()[0]
        budget = [100_000]
        with pytest.raises(UploadError, match="unpacks to more than"):
            package_zips._read_member(archive, info, budget)
        assert -package_zips._CHUNK <= budget[0] < 0


def test_encrypted_entry_is_refused() -> None:
    raw = bytearray(make_zip({"course/a.md": b"secret"}))
    local, central = raw.index(b"PK\x03\x04"), raw.index(b"PK\x01\x02")
    raw[local + 6] |= 0x1
    raw[central + 8] |= 0x1
    refused(bytes(raw), "password-protected")


def test_damaged_member_is_refused() -> None:
    raw = bytearray(make_zip({"course/a.md": b"hello world " * 100}))
    raw[raw.index(b"PK\x01\x02") + 16] ^= 0xFF  # the CRC that zipfile checks
    refused(bytes(raw), "damaged")


@pytest.mark.parametrize("data", [b"", b"hello", b"PK\x03\x04" + b"\x00" * 30, png()])
def test_not_a_zip_is_refused(data: bytes) -> None:
    refused(data, "not a zip archive")


def test_oversized_zip_and_empty_package_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    refused(make_zip({"__MACOSX/x": b"", "course/": b""}), "is empty")
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_BYTES", 1000)
    refused(make_zip({"course/a.md": random.Random(0).randbytes(2000)}), "at most 1 KB")


# ------------------------------------------------------------------------ write_tree


def test_write_tree_writes_inside_the_target(tmp_path: Path) -> None:
    folder = write_tree(read_zip(make_zip(PACKAGE)), tmp_path)
    assert folder == (tmp_path / "executive-enablement").resolve()
    written = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    assert written == {name.split("/", 1)[1]: data for name, data in PACKAGE.items()}
    for path in tmp_path.rglob("*"):
        assert path.resolve().is_relative_to(tmp_path.resolve())


def test_write_tree_makes_a_safe_folder_name(tmp_path: Path) -> None:
    assert write_tree(PackageFiles("../../etc", {"a.md": b"x"}), tmp_path).name == "etc"
    assert write_tree(PackageFiles("", {"a.md": b"x"}), tmp_path).name == "package"
    assert write_tree(PackageFiles("..", {"a.md": b"x"}), tmp_path / "t").name == "package"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["etc", "package", "t"]


@pytest.mark.parametrize(
    "key",
    ["../evil.md", "a/../../evil.md", "/etc/passwd", "a\\..\\evil", "./a.md", "a//b", "a/", ""],
)
def test_write_tree_refuses_crafted_paths(tmp_path: Path, key: str) -> None:
    target = tmp_path / "target"
    with pytest.raises(UploadError):
        write_tree(PackageFiles("course", {"ok.md": b"x", key: b"pwned"}), target)
    assert list(target.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]


def test_write_tree_refuses_collisions_and_existing_folders(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="same file twice"):
        write_tree(PackageFiles("c", {"a.md": b"1", "A.md": b"2"}), tmp_path)
    assert list(tmp_path.iterdir()) == []
    write_tree(PackageFiles("c", {"a.md": b"1"}), tmp_path)
    with pytest.raises(UploadError, match="already exists"):
        write_tree(PackageFiles("c", {"b.md": b"2"}), tmp_path)
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["a.md"]
