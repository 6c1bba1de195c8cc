"""Properties of course packages (``app/courses/package/``) and of the upload checks
(``app/security/images.py``, ``app/authoring/package_zips.py``).

* A package folder with any of its files mutated (arbitrary YAML in ``course.yaml`` and
  ``module.yaml``, in a lesson's front matter or body, arbitrary GIFT in a quiz, arbitrary
  bytes anywhere, files removed or added) loads, or ``load_package`` raises
  ``PackageError`` whose problems are ``file:line: message`` inside the package; a package
  that loads is written back and loads as the same course.
* ``read_zip`` takes any bytes, and zips with generated member names, types, flags,
  compression methods, versions and lying sizes, and returns checked files (each path
  clean, no collisions, within the budget) or raises ``UploadError``.
* ``check_image`` takes any bytes, and generated PNG, JPEG, WebP and SVG headers, and
  returns an image within the size limits or raises ``UploadError``.
"""

from __future__ import annotations

import bz2
import dataclasses
import io
import re
import struct
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from app.authoring.package_zips import (
    MAX_PACKAGE_FILES,
    MAX_PACKAGE_UNPACKED,
    PackageFiles,
    read_zip,
    write_tree,
)
from app.courses.package import check_package, load_package, package_warnings, write_package
from app.courses.spec import CourseSpec, LessonSpec, PackageError, Problem, QuizReveal, QuizSettings
from app.security.images import MAX_IMAGE_SIDE, UploadError, check_image
from tests.courses_data import small_spec
from tests.properties.conftest import GIFT_TOKENS, fixed, hostile_text

NAME = "pilot"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 1, height: int = 1) -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + pixels + _chunk(b"IEND", b"")


QUIZ = """\
::Capital::What is the capital of France?{
\t=Paris#Right.
\t~London#No.
}

::Sun::The sun is a star.{T}
"""


def base_spec() -> CourseSpec:
    """``small_spec()`` with a quiz, an image and a link to it: every kind of file."""
    spec = small_spec(body_extra="![A chart](../assets/chart.png)\n")
    spec.modules[0].lessons.append(
        LessonSpec(
            slug="check",
            title="Check",
            minutes=2,
            body=QUIZ,
            kind="quiz",
            quiz=QuizSettings(pass_mark=80, attempts=3, reveal=QuizReveal.after_pass),
        )
    )
    spec.modules[1].lessons[0].required = False
    spec.assets = {"chart.png": png(3, 2)}
    return spec


FILES = [
    "course.yaml",
    "basics/module.yaml",
    "advanced/module.yaml",
    "basics/hello.md",
    "basics/world.md",
    "advanced/deep.md",
    "basics/check.gift",
    "assets/chart.png",
]

YAML_TOKENS = [
    ":", ": ", "- ", "-", "? ", "{", "}", "[", "]", ",", "&a ", "*a", "*b", "!!int ",
    "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!str ", "!!null ", "!!seq ",
    "!!map ", "!!set ", "!!omap ", "!!python/object:os.system ", "!unknown ", "<<: ",
    "<<: *a", "|", ">", "|-", "'", '"', "#", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n",
    "...\n", "\t", "  ", "    ", "\n", "title", "slug", "summary", "audience",
    "estimated_hours", "completion", "sequential", "modules", "lessons", "quiz", "minutes",
    "required", "activity", "pass_mark", "attempts", "shuffle", "time_limit", "score",
    "reveal", "pilot", "basics", "advanced", "hello", "world", "check", "assets",
    "all-required", "persona", "plan", "last", "after-pass", "2026-02-30", "2026-13-01",
    "99999-01-01", "2001-12-14t21:59:43.10+99:99", "1e999", ".nan", ".inf", "-1", "0",
    "120", "121", "0x", "0xFF", "0b2", "0o9", "1_000", "190:20:30", "~", "null", "true",
    "yes", "maybe", "=", "\\x00", "\\u0000", "\\",
]  # fmt: skip
MARKDOWN_TOKENS = [
    "---", "---\n", "\n---\n", "title: x\n", "slug: hello\n", "minutes: 5\n", "required: no\n",
    "activity: persona\n", "# ", "## ", "[", "]", "](", ")", "![", "[x](world.md)",
    "[x](../basics/hello.md#top)", "[x](../advanced/deep.md)", "[x](missing.md)",
    "[x](../../pilot/basics/world.md)", "[x](%2e%2e/basics/world.md)", "[x](/abs.md)",
    "[x](\\\\server\\share)", "[x](javascript:alert(1))", "[x](java\tscript:x)",
    "[x](JaVaScRiPt:x)", "[x](data:text/html,x)", "[x](vbscript:x)", "[x](ftp://x)",
    "[x](mailto:a@b.example)", "[x](https://example.com)", "![i](../assets/chart.png)",
    "![i](../assets/missing.png)", "![i](../assets/../course.yaml)", "[r]: world.md",
    "[r]: javascript:x", "[x][r]", "<", ">", "<script>", "`", "```", "    ", "> ", "* ",
    "1. ", "|", "|---|", "&amp;", "&#0;", "\\", "\n", "\n\n",
]  # fmt: skip

yaml_text = hostile_text(YAML_TOKENS)
markdown_text = hostile_text(MARKDOWN_TOKENS)
gift_text = hostile_text(GIFT_TOKENS)
any_text = st.one_of(yaml_text, markdown_text, gift_text, st.text())
yaml_value = st.one_of(st.sampled_from(YAML_TOKENS), hostile_text(YAML_TOKENS, max_pieces=4))

# One change to the package: (kind, file index, where, payload).
mutation = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, len(FILES) - 1), st.just(0), any_text),
    st.tuples(st.just("insert"), st.integers(0, len(FILES) - 1), st.integers(0, 12), any_text),
    st.tuples(st.just("value"), st.integers(0, len(FILES) - 1), st.integers(0, 12), yaml_value),
    st.tuples(st.just("bytes"), st.integers(0, len(FILES) - 1), st.just(0), st.binary()),
    st.tuples(st.just("delete"), st.integers(0, len(FILES) - 1), st.just(0), st.just("")),
    st.tuples(
        st.just("add"),
        st.integers(0, 6),
        st.just(0),
        st.one_of(any_text, st.binary()),
    ),
)
ADDED = [
    "basics/stray.md",
    "basics/stray.gift",
    "stray/module.yaml",
    "assets/extra.png",
    "assets/Bad Name.png",
    "assets/picture.svg",
    ".hidden/x.md",
]


def mutate(root: Path, change: tuple[str, int, int, object]) -> None:
    kind, index, where, payload = change
    if kind == "add":
        path = root / ADDED[index]
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(payload, bytes):
            path.write_bytes(payload)
        else:
            path.write_text(str(payload), encoding="utf-8", errors="surrogatepass")
        return
    path = root / FILES[index]
    if kind == "delete":
        if path.exists():
            path.unlink()
        return
    if kind == "bytes":
        path.write_bytes(payload)  # type: ignore[arg-type]
        return
    old = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    lines = old.split("\n")
    text = str(payload)
    if kind == "replace":
        new = text
    elif kind == "insert":
        where = min(where, len(lines))
        new = "\n".join([*lines[:where], text, *lines[where:]])
    else:  # the value of a "key: value" line
        line = lines[min(where, len(lines) - 1)]
        key, colon, _ = line.partition(":")
        lines[min(where, len(lines) - 1)] = f"{key}: {text}" if colon else text
        new = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


def check_problems(root: Path, problems: list[Problem]) -> None:
    assert problems
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == NAME or problem.file.startswith(NAME + "/"), problem
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert problem.message and isinstance(problem.message, str), problem
        path = root.parent / problem.file
        if path.is_file():
            assert problem.line <= line_count(path.read_bytes()) + 1, problem


def line_count(data: bytes) -> int:
    """Lines as the reader or PyYAML may count them (YAML also breaks at NEL, LS, PS)."""
    text = data.decode("utf-8", "replace")
    return len(re.split(r"\r\n|\r|\n|\x85|\u2028|\u2029", text))


def load_or_problems(root: Path) -> CourseSpec | None:
    """The course, or None after checking the PackageError; never anything else."""
    try:
        spec = load_package(root)
    except PackageError as exc:
        error = exc
    else:
        assert check_package(root) == []
        package_warnings(root)
        return spec
    check_problems(root, error.problems)
    assert str(error) == "\n".join(f"{p.file}:{p.line}: {p.message}" for p in error.problems)
    assert check_package(root) == error.problems
    return None


def check_mutations(changes: list[tuple[str, int, int, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_package(base_spec(), Path(folder) / "a")
        for change in changes:
            mutate(root, change)
        spec = load_or_problems(root)
        if spec is None:
            return
        # What loads is written back canonically and loads as the same course.
        again = load_package(write_package(spec, Path(folder) / "b"))
        assert again == spec


def test_the_base_package_loads_and_round_trips() -> None:
    check_mutations([])
    with tempfile.TemporaryDirectory() as folder:
        assert load_package(write_package(base_spec(), Path(folder))) == base_spec()


# Values PyYAML's SafeLoader cannot construct: it raises ValueError, KeyError,
# AttributeError... for them rather than a YAMLError; nesting deep enough overflows the
# stack of its recursive composer.
UNCONSTRUCTIBLE = [
    ("course.yaml", "estimated_hours: 1", "estimated_hours: 2026-02-30"),
    ("course.yaml", "estimated_hours: 1", "estimated_hours: !!int abc"),
    ("course.yaml", "estimated_hours: 1", "estimated_hours: !!float abc"),
    ("course.yaml", "estimated_hours: 1", "estimated_hours: !!timestamp abc"),
    ("course.yaml", "estimated_hours: 1", "estimated_hours: 2001-12-14t21:59:43.10+99:99"),
    ("course.yaml", "sequential: false", "sequential: !!bool maybe"),
    ("course.yaml", "completion: all-required", "completion: !!int 0x"),
    ("basics/hello.md", "minutes: 5", "minutes: 2026-13-01"),
    ("basics/hello.md", "minutes: 5", "minutes: !!int x\nrequired: !!bool x"),
    ("basics/module.yaml", "pass_mark: 80", "pass_mark: !!timestamp x"),
    ("basics/module.yaml", "attempts: 3", "attempts: 99999-01-01"),
    ("course.yaml", "sequential: false", "sequential: " + "[" * 2000 + "]" * 2000),
    ("basics/hello.md", "minutes: 5", "minutes: " + "{a: " * 2000 + "1" + "}" * 2000),
]


@fixed(150, suppress_health_check=[HealthCheck.too_slow])  # folders on disk are slow
@given(st.lists(mutation, min_size=1, max_size=3))
@example([("value", 0, 4, "2026-02-30")])  # estimated_hours: a date PyYAML cannot construct
@example([("value", 0, 6, "!!bool maybe")])
@example([("value", 0, 4, "[" * 2000 + "]" * 2000)])
def test_mutated_packages_load_or_raise_package_error(
    changes: list[tuple[str, int, int, object]],
) -> None:
    check_mutations(changes)


@pytest.mark.parametrize(("file", "old", "new"), UNCONSTRUCTIBLE)
def test_values_yaml_cannot_construct_are_problems(file: str, old: str, new: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_package(base_spec(), Path(folder))
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(PackageError) as caught:
            load_package(root)
        check_problems(root, caught.value.problems)
        assert any(p.file == f"{NAME}/{file}" for p in caught.value.problems)


@fixed(80, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILES[:-1]), any_text)
def test_any_text_in_any_file(file: str, text: str) -> None:
    check_mutations([("replace", FILES.index(file), 0, text)])


@fixed(80, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["course.yaml", "basics/module.yaml", "basics/hello.md"]),
    st.integers(0, 12),
    yaml_value,
)
def test_any_value_for_any_key(file: str, line: int, value: str) -> None:
    check_mutations([("value", FILES.index(file), line, value)])


# --------------------------------------------------------------------------- images

_svg_size = st.one_of(
    st.sampled_from(["1", "12px", " 7 ", "0", "-1", "1.5", "10000", "10001", "١٢", "²", "1e3"]),
    st.integers(0, 10**400).map(str),
    st.text(max_size=8),
)
svg = st.builds(
    lambda width, height, body: (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{body}</svg>'
    ).encode("utf-8", "surrogatepass"),
    _svg_size,
    _svg_size,
    st.sampled_from(["", "<rect/>", "<script/>", '<path d="M0 0"/>', "<g><g/></g>"]),
)
_side = st.integers(0, 2**32 - 1)
png_header = st.builds(png, _side, _side)
images = st.one_of(
    st.binary(max_size=200),
    svg,
    png_header,
    st.builds(lambda data, cut: data[:cut], png_header, st.integers(0, 80)),
    st.builds(lambda rest: b"\xff\xd8\xff" + rest, st.binary(max_size=60)),
    st.builds(
        lambda size, kind, rest: b"RIFF" + struct.pack("<I", size) + b"WEBP" + kind + rest,
        st.integers(0, 2**32 - 1),
        st.sampled_from([b"VP8 ", b"VP8L", b"VP8X", b"XXXX"]),
        st.binary(max_size=40),
    ),
)


@fixed(300)
@given(images)
@example(b'<svg xmlns="http://www.w3.org/2000/svg" width="' + b"9" * 400 + b'" height="1"/>')
def test_any_bytes_are_an_image_or_an_upload_error(data: bytes) -> None:
    try:
        image = check_image(data)
    except UploadError:
        return
    assert image.data == data
    assert (image.content_type, image.extension) in {
        ("image/png", "png"),
        ("image/jpeg", "jpg"),
        ("image/webp", "webp"),
        ("image/svg+xml", "svg"),
    }
    for side in (image.width, image.height):
        assert side is None or 1 <= side <= MAX_IMAGE_SIDE


def test_an_svg_side_too_long_for_a_float_is_refused() -> None:
    data = b'<svg xmlns="http://www.w3.org/2000/svg" width="' + b"9" * 400 + b'" height="1"/>'
    with pytest.raises(UploadError, match="at most 10000 pixels"):
        check_image(data)


# --------------------------------------------------------------------------- zips


@dataclasses.dataclass(frozen=True)
class Entry:
    """A zip member as raw as the format allows: any name bytes, flags, method, version,
    Unix mode, and a declared size or CRC that may lie."""

    name: bytes
    data: bytes
    method: int = 0
    flags: int = 0
    mode: int = 0o100644
    version: int = 20
    declared_size: int | None = None
    bad_crc: bool = False


def _compress(method: int, data: bytes) -> bytes:
    if method == zipfile.ZIP_DEFLATED:
        packer = zlib.compressobj(wbits=-15)
        return packer.compress(data) + packer.flush()
    if method == zipfile.ZIP_BZIP2:
        return bz2.compress(data)
    return data  # stored, or a method that is not implemented


def raw_zip(entries: list[Entry]) -> bytes:
    out, central = bytearray(), bytearray()
    for e in entries:
        body = _compress(e.method, e.data)
        crc = zlib.crc32(e.data) ^ (0xFFFFFFFF if e.bad_crc else 0)
        size = len(e.data) if e.declared_size is None else e.declared_size
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, e.version, e.flags, e.method, 0, 0x21, crc,
            len(body), size, len(e.name), 0,
        )  # fmt: skip
        out += e.name + body
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, e.version, e.flags, e.method, 0, 0x21,
            crc, len(body), size, len(e.name), 0, 0, 0, 0, (e.mode << 16) & 0xFFFFFFFF, offset,
        )  # fmt: skip
        central += e.name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0
    )
    return bytes(out + central + end)


LONG_PART = "x" * 300  # longer than a file name may be
_PARTS = [
    "pilot", "basics", "course.yaml", "hello.md", "HELLO.md", "a", "A", "..", ".", "",
    "__MACOSX", ".DS_Store", "Thumbs.db", "C:", "c:x", "a\\b", "\\", "\x00", "\x01", "\x7f",
    "\u202e", "\u200b", "é", "e\u0301", "ß", "SS", "İ", "i̇", LONG_PART, "~", " ", "%2e%2e",
]  # fmt: skip
member_name = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["", "", "/", "./", "../"]),
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4),
    st.sampled_from(["", "", "/"]),
)
_name_bytes = st.one_of(
    member_name.map(lambda name: name.encode("utf-8")),
    st.binary(max_size=20),
)
_mode = st.sampled_from(
    [0o100644, 0o100755, 0o040755, 0o120777, 0o020644, 0o060644, 0o010644, 0o140755, 0]
)
entry = st.builds(
    lambda name, data, method, utf8, encrypted, mode, version, declared, bad_crc: Entry(
        name=name,
        data=data,
        method=method,
        flags=(0x800 if utf8 else 0) | (0x1 if encrypted else 0),
        mode=mode,
        version=version,
        declared_size=declared,
        bad_crc=bad_crc,
    ),
    _name_bytes,
    st.binary(max_size=300) | st.sampled_from([b"", b"x" * 5000]),
    st.sampled_from([0, 0, 8, 8, 12, 14, 1, 6, 99]),
    st.booleans(),
    st.booleans(),
    _mode,
    st.sampled_from([20, 20, 45, 63, 64, 255, 0xFFFF]),
    st.none() | st.integers(0, 2**32 - 1),
    st.booleans(),
)


def _corrupt(data: bytes, patches: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in patches:
        if buffer:
            buffer[position % len(buffer)] = value
    return bytes(buffer)


def _zipfile_zip(names: list[str], method: int) -> bytes:
    """A zip written by the standard library, with its own headers and extra fields."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression=method) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for index, name in enumerate(names):
            archive.writestr(zipfile.ZipInfo(name or "x"), f"file {index}\n" * index)
    return buffer.getvalue()


zips = st.one_of(
    st.binary(max_size=300),
    st.lists(entry, max_size=5).map(raw_zip),
    st.builds(
        _corrupt,
        st.lists(entry, min_size=1, max_size=3).map(raw_zip),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
    ),
    st.builds(
        _corrupt,
        st.builds(
            _zipfile_zip,
            st.lists(member_name.filter(lambda n: "\x00" not in n), min_size=1, max_size=4),
            st.sampled_from(
                [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
            ),
        ),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
    ),
)

# zipfile refuses a "version needed to extract" above 6.3 with NotImplementedError.
NEWER_VERSION = raw_zip([Entry(b"pilot/course.yaml", b"title: x\n", version=64)])
# LZMA data whose properties header is damaged: lzma.LZMAError while decompressing.
_LZMA = _zipfile_zip(["pilot/a.md", "pilot/b.md"], zipfile.ZIP_LZMA)
DAMAGED_LZMA = _corrupt(_LZMA, [(30 + len("pilot/a.md") + 2, 0)])

# A drive hidden behind "./" or behind the root folder that read_zip cuts off: the check
# on the raw name missed it, and write_tree then refused what read_zip had accepted.
DRIVE_AFTER_DOT = raw_zip([Entry(b"./C:/x.md", b"x")])
DRIVE_AFTER_ROOT = raw_zip([Entry(b"pilot/C:/x.md", b"x"), Entry(b"pilot/y.md", b"y")])


def check_files(files: PackageFiles) -> None:
    assert files.files
    assert len(files.files) <= MAX_PACKAGE_FILES
    assert sum(len(data) for data in files.files.values()) <= MAX_PACKAGE_UNPACKED
    assert "/" not in files.root
    keys = set()
    for path in files.files:
        parts = path.split("/")
        assert all(part not in ("", ".", "..") for part in parts), path
        assert "\\" not in path, path
        assert not re.match(r"[A-Za-z]:", f"{files.root}/{path}" if files.root else path)
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in path), path
        keys.add(unicodedata.normalize("NFC", path).casefold())
    assert len(keys) == len(files.files)
    for key in keys:
        parts = key.split("/")
        assert not any("/".join(parts[:depth]) in keys for depth in range(1, len(parts)))


@fixed(300)
@given(zips)
@example(NEWER_VERSION)
@example(DAMAGED_LZMA)
@example(DRIVE_AFTER_DOT)
@example(DRIVE_AFTER_ROOT)
def test_any_bytes_are_a_checked_package_or_an_upload_error(data: bytes) -> None:
    try:
        files = read_zip(data)
    except UploadError:
        return
    check_files(files)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        written = write_tree(files, target)
        assert written.parent == target.resolve()
        on_disk = {
            path.relative_to(written).as_posix(): path.read_bytes()
            for path in written.rglob("*")
            if path.is_file()
        }
        assert on_disk == files.files


@fixed(150)
@given(st.lists(entry, min_size=1, max_size=5))
def test_a_clean_zip_gives_back_its_files(entries: list[Entry]) -> None:
    """When nothing about the members is hostile, read_zip gives exactly their contents."""
    entries = [
        dataclasses.replace(e, flags=e.flags & ~0x1, mode=0o100644, version=20,
                            declared_size=None, bad_crc=False, method=e.method % 9)
        for e in entries
    ]  # fmt: skip
    try:
        files = read_zip(raw_zip(entries))
    except UploadError:
        return  # a name that is refused, a collision, junk only...
    check_files(files)
    prefix = files.root + "/" if files.root else ""
    contents: dict[str, set[bytes]] = {}
    for e in entries:
        name = e.name.decode("utf-8" if e.flags & 0x800 else "cp437")
        path = "/".join(part for part in name.split("/") if part not in ("", "."))
        contents.setdefault(path, set()).add(e.data)
    for path, data in files.files.items():
        assert data in contents[prefix + path], path


@pytest.mark.parametrize("data", [NEWER_VERSION, DAMAGED_LZMA], ids=["version", "lzma"])
def test_zips_the_zipfile_module_chokes_on_are_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match="Nothing was changed"):
        read_zip(data)


@pytest.mark.parametrize("data", [DRIVE_AFTER_DOT, DRIVE_AFTER_ROOT], ids=["dot", "root"])
def test_a_drive_anywhere_in_a_name_is_refused(data: bytes) -> None:
    with pytest.raises(UploadError, match="outside its folder"):
        read_zip(data)

