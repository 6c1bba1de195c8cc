"""Checking a course package zip that a trainer uploads: everything in it is treated as
hostile. The rule, and the threats it stops:

* A package zip is refused whole if any entry could escape its folder (zip slip), is a link
  or a device, collides with another entry on a case-insensitive disk, or if the archive
  has too many entries or unpacks to too much data (zip bomb). Sizes are counted while
  decompressing, never taken from the archive's headers.
"""

from __future__ import annotations

import io
import lzma
import re
import shutil
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.security.images import MB, UploadError, size_text

MAX_PACKAGE_BYTES = 20 * MB  # the zip itself
MAX_PACKAGE_FILES = 500  # entries in the archive, folders and junk included
MAX_PACKAGE_UNPACKED = 50 * MB  # total uncompressed, counted while decompressing
MAX_RATIO = 200  # a member over 1 MB that compresses better than this is a bomb
_CHUNK = 64 * 1024
_MAX_NAME_PART = 255  # bytes in one path component (the usual filesystem limit)
_MAX_NAME = 1024  # characters in a whole entry name
NOTHING_CHANGED = "Nothing was changed."


@dataclass(frozen=True)
class PackageFiles:
    """The files of a package zip, checked and in memory."""

    root: str  # the single top-level folder if every file is inside one, else ""
    files: dict[str, bytes]  # normalised relative POSIX path (without root) -> content


def _show(name: str) -> str:
    """An entry name safe to put in a message: control characters escaped, length capped."""
    shown = "".join(
        ch if unicodedata.category(ch) not in ("Cc", "Cf") else f"\\x{ord(ch):02x}"
        for ch in name[:120]
    )
    return shown + ("…" if len(name) > 120 else "")


def _refuse(what: str, name: str | None = None) -> UploadError:
    detail = f": {_show(name)}" if name is not None else ""
    return UploadError(f"The package {what}{detail}. {NOTHING_CHANGED}")


def _clean_name(name: str) -> tuple[str, bool]:
    """Normalise an entry name to a relative POSIX path; return it and whether it names a
    folder. Refuses every name that could leave the package folder on any system
    (``..``, absolute and drive paths, backslashes) or hide what it is (control
    characters, NUL which truncates names in C code)."""
    if not name or not name.strip("/"):
        raise _refuse("has an entry with no name")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise _refuse("has a file name with hidden characters", name)
    if "\\" in name:
        raise _refuse("has a file name with a backslash (zip it again with a standard tool)", name)
    parts = name.split("/")
    # A drive is looked for in every part: "./C:/x" is "C:/x" once "." is dropped, and the
    # package's root folder is cut off "root/C:/x" later.
    if name.startswith("/") or ".." in parts or any(re.match(r"[A-Za-z]:", p) for p in parts):
        raise _refuse("has a file outside its folder", name)
    kept = [part for part in parts if part not in ("", ".")]
    if not kept:
        raise _refuse("has an entry with no name", name)
    if len(name) > _MAX_NAME or any(len(p.encode()) > _MAX_NAME_PART for p in kept):
        raise _refuse("has a file name that is too long", name)
    return "/".join(kept), name.endswith("/")


def _is_junk(path: str) -> bool:
    """Files that archivers add by themselves; skipped rather than refused."""
    parts = path.split("/")
    return "__MACOSX" in parts or parts[-1] in (".DS_Store", "Thumbs.db")


def _check_collisions(paths: list[str]) -> None:
    """Refuse two files that would land on the same place: exact duplicates, names that
    differ only in case or Unicode normalisation (one file on macOS and Windows disks), and
    a file that is also used as a folder."""
    seen: dict[str, str] = {}
    for path in paths:
        key = unicodedata.normalize("NFC", path).casefold()
        if key in seen:
            raise _refuse("has the same file twice", path)
        seen[key] = path
    for key, path in seen.items():
        parts = key.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in seen:
                raise _refuse("has a file and a folder with the same name", path)


def read_zip(data: bytes) -> PackageFiles:
    """Read and check a package zip in memory; refuse the whole archive on any problem."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise UploadError(
            f"Packages can be at most {size_text(MAX_PACKAGE_BYTES)}; "
            f"this one is {size_text(len(data))}. {NOTHING_CHANGED}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        raise UploadError(f"This file is not a zip archive. {NOTHING_CHANGED}") from err
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_PACKAGE_FILES:
            raise _refuse(f"has more than {MAX_PACKAGE_FILES} files")
        wanted: list[tuple[str, zipfile.ZipInfo]] = []
        declared = 0
        for info in entries:
            path = _check_entry(info)
            if path is not None:
                wanted.append((path, info))
                declared += info.file_size
        _check_collisions([path for path, _ in wanted])
        if declared > MAX_PACKAGE_UNPACKED:
            raise _refuse(f"unpacks to more than {size_text(MAX_PACKAGE_UNPACKED)}")
        files: dict[str, bytes] = {}
        budget = [MAX_PACKAGE_UNPACKED]
        for path, info in wanted:
            files[path] = _read_member(archive, info, budget)
    if not files:
        raise _refuse("is empty")
    return _strip_root(files)


def _check_entry(info: zipfile.ZipInfo) -> str | None:
    """Check one entry's name, type, encryption and compression ratio; return its path, or
    None for folders and junk."""
    # orig_filename keeps what zipfile would cut at a NUL byte.
    path, is_dir = _clean_name(info.orig_filename)
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise _refuse("has a link instead of a file", info.orig_filename)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _refuse("has an entry that is not a file or a folder", info.orig_filename)
    if info.flag_bits & 0x1:
        raise _refuse("has a password-protected file", info.orig_filename)
    if is_dir or kind == stat.S_IFDIR or _is_junk(path):
        return None
    if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _refuse("has a file that unpacks to far more than its size", info.orig_filename)
    return path


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """Decompress one member in chunks, stopping as soon as the package's remaining budget
    is exceeded: the sizes in the archive's headers are not trusted (zip bomb)."""
    out = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise _refuse(
                        f"unpacks to more than {size_text(MAX_PACKAGE_UNPACKED)}",
                        info.orig_filename,
                    )
                out += chunk
    except UploadError:
        raise
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, RuntimeError,
            NotImplementedError, ValueError) as err:  # fmt: skip
        raise _refuse("has a damaged file", info.orig_filename) from err
    return bytes(out)


def _strip_root(files: dict[str, bytes]) -> PackageFiles:
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1 and all("/" in path for path in files):
        root = tops.pop()
        return PackageFiles(root, {path.split("/", 1)[1]: data for path, data in files.items()})
    return PackageFiles("", dict(files))


def _folder_name(root: str) -> str:
    """A safe single folder name from the package's root (letters, digits, ``.-_``)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", root).strip(".-")
    return name[:100] or "package"


def write_tree(files: PackageFiles, target: Path) -> Path:
    """Write the package under ``target/<safe folder name>`` and return that folder.

    Every path is checked again (a :class:`PackageFiles` may not come from
    :func:`read_zip`) and resolved inside the folder before anything is written. The folder
    must not exist yet, so an existing package is never mixed with a new one; files are
    created exclusively (a pre-planted link is never followed), and a failed write removes
    the folder again.
    """
    target.mkdir(parents=True, exist_ok=True)
    folder = target.resolve() / _folder_name(files.root)
    plan: list[tuple[Path, bytes]] = []
    for path, content in files.files.items():
        clean, is_dir = _clean_name(path)
        if clean != path or is_dir:
            raise _refuse("has a file outside its folder", path)
        dest = (folder / clean).resolve()
        if not dest.is_relative_to(folder) or dest == folder:
            raise _refuse("has a file outside its folder", path)
        plan.append((dest, content))
    _check_collisions(list(files.files))
    try:
        folder.mkdir()
    except FileExistsError as err:
        raise UploadError(
            f"A package folder named {folder.name} already exists. {NOTHING_CHANGED}"
        ) from err
    try:
        for dest, content in plan:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with dest.open("xb") as out:
                out.write(content)
    except OSError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadError(f"The package could not be saved. {NOTHING_CHANGED}") from err
    return folder
