"""Static files: content-hashed names, Brotli and gzip variants, immutable caching.

At startup the files of ``static/`` are built into a folder named after the digest of their
content (``var/static/<digest>/``): each file under its own name (short cache, revalidated
with its ETag, for any page that still names it so) and under a hashed name
(``css/podium.3f2a9c1e04ab.css``, cached for a year as immutable), each with ``.br`` and
``.gz`` variants. ServeStatic serves that folder and sends the variant the browser accepts.
A stylesheet's hashed copy names the hashed copies of the files its ``url(...)`` and
``@import`` refer to. Several processes starting at once each build in a private folder and
rename it into place: the first wins, the others use its build; a build already there is
reused, so only the first start after a change pays for compression. Templates name files
through ``static('css/podium.css')``. In development the sources are watched: an edited
file is rebuilt on the next page or file request.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.headers import Headers

from jinja2 import pass_context
from servestatic.asgi import FileServerASGI, ServeStaticASGI
from servestatic.compress import Compressor
from servestatic.utils import decode_path_info
from starlette.types import ASGIApp, Receive, Scope, Send

URL_PREFIX = "/static/"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
UNHASHED_MAX_AGE = 60  # seconds; then the browser revalidates with the ETag (304)
BUILD_FORMAT = "1"  # bump when the build's layout changes, so old builds are not reused
KEEP_UNUSED_BUILDS_DAYS = 7
MANIFEST = "manifest.json"  # beside the served folder, FILES
FILES = "files"

# url(...) and @import "..." in stylesheets (what Django's ManifestStaticFilesStorage rewrites)
CSS_REFERENCE = re.compile(
    r"""url\(\s*(?P<q1>['"]?)(?P<url>[^'")\s]+)(?P=q1)\s*\)"""
    r"""|@import\s+(?P<q2>['"])(?P<imp>[^'"]+)(?P=q2)""")
_COMPRESSOR = Compressor(use_zstd=False, quiet=True)


@dataclass(frozen=True)
class StaticBuild:
    root: Path
    manifest: dict[str, str]  # "css/podium.css" -> "css/podium.3f2a9c1e04ab.css"
    etags: dict[str, str]  # every served name (plain and hashed) -> its content digest

    def hashed_urls(self) -> frozenset[str]:
        return frozenset(URL_PREFIX + name for name in self.manifest.values())


def _hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, base = posixpath.split(name)
    stem, dot, suffix = base.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return posixpath.join(folder, hashed)


def _sources(source: Path) -> dict[str, Path]:
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in relative.split("/")):
            files[relative] = path
    return files


def source_signature(source: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap fingerprint (names, sizes, modification times) to notice edits in development."""
    return tuple((name, path.stat().st_size, path.stat().st_mtime_ns)
                 for name, path in _sources(source).items())


def source_digest(source: Path) -> str:
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    for name, path in _sources(source).items():
        content = path.read_bytes()
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:20]


def _rewrite_css(name: str, text: str, hashed: Callable[[str], str | None]) -> str:
    """The stylesheet with each relative reference to one of our files pointing at that
    file's hashed copy (queries and fragments kept; data:, absolute and missing ones kept)."""
    folder = posixpath.dirname(name)

    def replace(match: re.Match[str]) -> str:
        reference = match.group("url") or match.group("imp")
        path, rest = re.match(r"([^?#]*)(.*)", reference, re.DOTALL).groups()  # type: ignore[union-attr]
        if not path or re.match(r"^([a-z][a-z0-9+.-]*:|//)", path, re.IGNORECASE):
            return match.group(0)  # empty, data:, http:, protocol-relative
        if path.startswith("/") and not path.startswith(URL_PREFIX):
            return match.group(0)
        target = (path[len(URL_PREFIX):] if path.startswith(URL_PREFIX)
                  else posixpath.normpath(posixpath.join(folder, path)))
        target_hashed = hashed(target)
        if target_hashed is None:
            return match.group(0)
        new_path = path[: path.rfind("/") + 1] + posixpath.basename(target_hashed)
        return match.group(0).replace(reference, new_path + rest, 1)

    return CSS_REFERENCE.sub(replace, text)


def _compressed(content: bytes) -> dict[str, bytes]:
    variants = {".br": _COMPRESSOR.compress_brotli(content),
                ".gz": _COMPRESSOR.compress_gzip(content)}
    # a variant that saves little is left out: the plain file is served instead
    return {suffix: data for suffix, data in variants.items() if len(data) <= 0.95 * len(content)}


def _write(root: Path, name: str, content: bytes, etags: dict[str, str],
           compressed: dict[str, dict[str, bytes]]) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    digest = etags[name] = hashlib.sha256(content).hexdigest()[:HASH_LENGTH * 2]
    if _COMPRESSOR.should_compress(name):
        if digest not in compressed:  # the plain and the hashed name share their variants
            compressed[digest] = _compressed(content)
        for suffix, data in compressed[digest].items():
            path.with_name(path.name + suffix).write_bytes(data)


def _build_into(source: Path, folder: Path) -> None:
    root = folder / FILES
    sources = _sources(source)
    manifest: dict[str, str] = {}
    etags: dict[str, str] = {}
    compressed: dict[str, dict[str, bytes]] = {}
    in_progress: set[str] = set()

    def hashed(name: str) -> str | None:
        if name in manifest:
            return manifest[name]
        if name not in sources or name in in_progress:  # missing, or an @import cycle
            return None
        in_progress.add(name)
        content = sources[name].read_bytes()
        _write(root, name, content, etags, compressed)  # the plain name: exactly the source
        if name.endswith(".css"):
            content = _rewrite_css(name, content.decode("utf-8"), hashed).encode("utf-8")
        manifest[name] = _hashed_name(name, content)
        _write(root, manifest[name], content, etags, compressed)
        in_progress.discard(name)
        return manifest[name]

    for name in sources:
        hashed(name)
    (folder / MANIFEST).write_text(json.dumps({"manifest": manifest, "etags": etags},
                                              indent=1, sort_keys=True))


def _load(folder: Path) -> StaticBuild | None:
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return StaticBuild(folder / FILES, data["manifest"], data["etags"])


def _builds_folder(preferred: Path) -> Path:
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred
    except OSError:
        pass
    # a read-only install: a private folder of this process (a shared one in /tmp could
    # have been prepared by another local user, with files we would then serve)
    return Path(tempfile.mkdtemp(prefix="podium-static-"))


def _prune(folder: Path, keep: Path) -> None:
    """Builds no process has started from for a week (the one in use is touched)."""
    limit = time.time() - KEEP_UNUSED_BUILDS_DAYS * 86400
    for entry in folder.iterdir():
        try:
            if entry != keep and entry.is_dir() and entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def build(source: Path, builds: Path) -> StaticBuild:
    """The build of ``source``'s current content under ``builds`` (made if missing)."""
    folder = _builds_folder(builds)
    final = folder / source_digest(source)
    existing = _load(final)
    if existing is None:
        private = folder / f".building-{uuid.uuid4().hex}"
        private.mkdir()
        try:
            _build_into(source, private)
            # atomic: a whole build or none; if another process renamed its build first,
            # this fails and that one is used
            with contextlib.suppress(OSError):
                os.rename(private, final)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        existing = _load(final)
        if existing is None:
            raise RuntimeError(f"static files could not be built in {final}")
    os.utime(final)
    _prune(folder, keep=final)
    return existing


WATCH_INTERVAL_S = 1.0  # development: how often an edit to static/ is looked for


class StaticAssets:
    """The current build, its ServeStatic file table, and the hashed URL of each file."""

    def __init__(self, source: Path, builds: Path, *, watch: bool = False,
                 watch_interval: float = WATCH_INTERVAL_S) -> None:
        self.source = source
        self.builds = builds
        self.watch = watch
        self.watch_interval = watch_interval
        self._lock = threading.Lock()
        self._signature = source_signature(source) if watch else ()
        self._checked_at = time.monotonic()
        self._load(build(source, builds))

    def _load(self, current: StaticBuild) -> None:
        hashed_urls = current.hashed_urls()
        etags = current.etags

        def add_headers(headers: Headers, path: str, url: str) -> None:
            headers["ETag"] = f'"{etags[url[len(URL_PREFIX):]]}"'
            if url in hashed_urls:  # a year, the most RFC 9111 advises (ServeStatic: ten)
                headers["Cache-Control"] = IMMUTABLE

        server = ServeStaticASGI(
            None, root=current.root, prefix=URL_PREFIX, max_age=UNHASHED_MAX_AGE,
            allow_all_origins=False, add_headers_function=add_headers,
            immutable_file_test=lambda _path, url: url in hashed_urls)
        self.current, self._files = current, server.files

    def _refresh(self) -> None:
        # Development only: look at static/ again at most once per interval (walking the
        # folder on every page cost more than rendering the page).
        if not self.watch or time.monotonic() - self._checked_at < self.watch_interval:
            return
        self._checked_at = time.monotonic()
        signature = source_signature(self.source)
        if signature != self._signature:
            with self._lock:
                if signature != self._signature:
                    self._load(build(self.source, self.builds))
                    self._signature = signature

    def url(self, name: str) -> str:
        """The hashed URL of ``name`` (a path under static/, e.g. ``css/podium.css``)."""
        self._refresh()
        try:
            return URL_PREFIX + self.current.manifest[name]
        except KeyError:
            raise LookupError(f"no static file {name!r} in {self.source}") from None

    def find(self, path: str) -> Any:
        if not path.startswith(URL_PREFIX):
            return None
        self._refresh()
        return self._files.get(decode_path_info(path))


class StaticFilesMiddleware:
    """Answers requests for static files from the build; every other request goes on."""

    def __init__(self, app: ASGIApp, *, assets: StaticAssets) -> None:
        self.app = app
        self.assets = assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            static_file = self.assets.find(scope["path"])
            if static_file is not None:
                await FileServerASGI(static_file)(scope, receive, send)  # type: ignore[arg-type]
                return
        await self.app(scope, receive, send)


@pass_context
def static_url(context: Any, name: str) -> str:
    """Jinja global ``static('css/podium.css')``: the file's hashed URL."""
    request = context.get("request")
    assets = getattr(getattr(getattr(request, "app", None), "state", None), "static_assets", None)
    if assets is None:
        return URL_PREFIX + name
    return str(assets.url(name))
