"""Bytes a browser transfers to show the lesson page and the /reports page, with a cold
cache and a warm one. Hand-run; see bench/README.md.

For a source tree (this one by default, or another checkout such as ``git archive``
of an older commit), the script migrates a fresh SQLite database in a temporary folder,
loads the demo (``podium demo``), serves the app with uvicorn on a free loopback port,
signs in as the demo executive (lesson) and the demo HR (reports), and for each page:

* **cold**: GET the page, then every file it names (stylesheets, scripts, icons, images),
  as Chromium asks for them (``Accept-Encoding: gzip, deflate, br``); transfer = the
  response headers plus the body as sent (compressed when it was);
* **warm**: the same page opened again later (every cache lifetime under an hour has run
  out): the page itself is fetched again; a file whose ``Cache-Control`` gives it a day or
  more (or ``immutable``) comes from the cache (0 bytes, no request); any other is asked
  again with ``If-None-Match``/``If-Modified-Since`` (a 304 costs its headers).

    .venv/bin/python bench/transfer_sizes.py                         # this tree
    git archive 792ceee | (mkdir -p /tmp/before && tar -x -C /tmp/before)
    .venv/bin/python bench/transfer_sizes.py --tree /tmp/before      # before
    .venv/bin/python bench/transfer_sizes.py --json out.json         # also as JSON
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import httpx2 as httpx  # the httpx fork Starlette's test client uses (installed with the dev tools)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ACCEPT_ENCODING = "gzip, deflate, br"  # what Chromium sends over plain http
PASSWORD = "podium-demo-2026"  # noqa: S105 (the published demo password)
PAGES = {
    "lesson": ("executive@demo.podium.example",
               "/courses/executive-enablement/lessons/trust-and-transparency"),
    "reports": ("hr@demo.podium.example", "/reports"),
}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LONG_LIVED = 86400  # seconds of freshness that count as "still cached" when warm


class Subresources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = None
        if tag == "link" and (values.get("rel") or "") in ("stylesheet", "icon",
                                                             "preload", "modulepreload"):
            url = values.get("href")
        elif tag in ("script", "img") and values.get("src"):
            url = values.get("src")
        if url and url not in self.urls:
            self.urls.append(url)


@dataclass
class Fetch:
    url: str
    status: int
    header_bytes: int
    body_bytes: int  # as sent on the wire (compressed when it was)
    decoded_bytes: int
    encoding: str
    cache_control: str
    validators: dict[str, str]  # ETag and Last-Modified, for the warm visit

    @property
    def transfer(self) -> int:
        return self.header_bytes + self.body_bytes


@dataclass
class Visit:
    fetches: list[Fetch] = field(default_factory=list)
    from_cache: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(f.transfer for f in self.fetches)

    @property
    def bodies(self) -> int:
        return sum(f.body_bytes for f in self.fetches)


def fetch(client: httpx.Client, url: str, headers: dict[str, str] | None = None
          ) -> tuple[Fetch, bytes]:
    """One GET as a browser sends it: what went over the wire, and the body decoded."""
    with client.stream("GET", url, headers={"Accept-Encoding": ACCEPT_ENCODING,
                                            **(headers or {})}) as response:
        raw = b"".join(response.iter_raw())
        header_bytes = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + sum(
            len(k) + len(v) + 4 for k, v in response.headers.raw) + 2
        decoded = raw
        encoding = response.headers.get("content-encoding", "")
        if encoding == "br":
            decoded = brotli.decompress(raw)
        elif encoding == "gzip":
            decoded = gzip.decompress(raw)
        validators = {name: response.headers[header] for name, header in
                      (("If-None-Match", "etag"), ("If-Modified-Since", "last-modified"))
                      if header in response.headers}
        return Fetch(url, response.status_code, header_bytes, len(raw), len(decoded), encoding,
                     response.headers.get("cache-control", ""), validators), decoded


def _max_age(cache_control: str) -> int:
    if "no-store" in cache_control or "no-cache" in cache_control:
        return 0
    if "immutable" in cache_control:
        return 10**9
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def visit(client: httpx.Client, base: str, path: str,
          cache: dict[str, Fetch] | None = None) -> Visit:
    """One page view; with ``cache`` (url -> the earlier response) a warm one."""
    result = Visit()
    page, html = fetch(client, base + path)
    result.fetches.append(page)
    parser = Subresources()
    parser.feed(html.decode())
    for reference in parser.urls:
        url = urljoin(base + path, reference)
        if urlsplit(url).netloc != urlsplit(base).netloc:
            continue
        if cache is not None and url in cache:
            earlier = cache[url]
            if _max_age(earlier.cache_control) >= LONG_LIVED:
                result.from_cache.append(url)
                continue
            result.fetches.append(fetch(client, url, earlier.validators)[0])
            continue
        result.fetches.append(fetch(client, url)[0])
    return result


def sign_in(client: httpx.Client, base: str, email: str) -> None:
    token = CSRF_RE.search(client.get(base + "/login").text)
    assert token, "no CSRF token on the login page"
    response = client.post(base + "/login", data={"email": email, "password": PASSWORD,
                                                  "csrf_token": token.group(1), "next": "/"})
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(tree: Path, workdir: Path) -> Iterator[str]:
    env = {**os.environ, "PODIUM_ENV": "development",
           "PODIUM_DATABASE_URL": f"sqlite:///{workdir / 'podium.db'}",
           "PODIUM_WORKER_IN_PROCESS": "false", "PYTHONPATH": str(tree)}
    python = sys.executable
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([python, "-c", "from app.cli import main; main()", *step], cwd=tree,
                       env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    env["PODIUM_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [python, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"], cwd=tree, env=env, stdout=log,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/login").status_code == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the server did not start: see {workdir / 'server.log'}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def measure(base: str) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, (email, path) in PAGES.items():
        with httpx.Client(follow_redirects=False, timeout=30) as client:
            sign_in(client, base, email)
            cold = visit(client, base, path)
            warm = visit(client, base, path, cache={f.url: f for f in cold.fetches[1:]})
        results[name] = {"path": path, "cold": cold.total, "cold_bodies": cold.bodies,
                         "warm": warm.total, "warm_bodies": warm.bodies,
                         "warm_from_cache": warm.from_cache,
                         "cold_fetches": [asdict(f) for f in cold.fetches],
                         "warm_fetches": [asdict(f) for f in warm.fetches]}
    return results


def _kb(n: object) -> str:
    return f"{int(n) / 1024:7.1f} KB"  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=PROJECT_ROOT,
                        help="source tree to serve (default: this one)")
    parser.add_argument("--url", help="measure a server already running (demo loaded)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="podium-transfer-")))
        base = args.url or stack.enter_context(served(args.tree.resolve(), tmp))
        results = measure(base)
    print(f"{'page':8} {'cold':>10} {'warm':>10}   (headers + bodies as sent; bodies only)")
    for name, r in results.items():
        bodies = f"cold {_kb(r['cold_bodies']).strip()}, warm {_kb(r['warm_bodies']).strip()}"
        print(f"{name:8} {_kb(r['cold'])} {_kb(r['warm'])}   (bodies: {bodies})")
        for item in r["cold_fetches"]:  # type: ignore[attr-defined]
            print(f"    cold {item['status']} {item['body_bytes']:>7} B"
                  f" of {item['decoded_bytes']:>7} B {item['encoding'] or '-':5}"
                  f" {urlsplit(item['url']).path}"
                  f"  [{item['cache_control'] or 'no Cache-Control'}]")
        for item in r["warm_fetches"]:  # type: ignore[attr-defined]
            print(f"    warm {item['status']} {item['body_bytes']:>7} B"
                  f" {item['encoding'] or '-':5} {urlsplit(item['url']).path}")
        for url in r["warm_from_cache"]:  # type: ignore[attr-defined]
            print(f"    warm cache      {urlsplit(url).path}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
