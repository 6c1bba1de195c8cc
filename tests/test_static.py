"""Static files under content-hashed names, precompressed (Brotli, gzip) and cached for a
year; the plain names still served (short cache, ETag); pages compressed too, with the CSRF
token masked afresh on every page so compression cannot leak it."""

from __future__ import annotations

import gzip
import re
import shutil
import threading
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.assets import IMMUTABLE, StaticAssets, build
from app.main import STATIC_DIR, create_app
from app.models import Cohort, Role
from tests.conftest import CSRF_RE, make_settings

HASHED_CSS = re.compile(r'href="(/static/css/podium\.[0-9a-f]{12}\.css)"')
HASHED_HTMX = re.compile(r'src="(/static/vendor/htmx-2\.0\.11/htmx\.min\.[0-9a-f]{12}\.js)"')
SOURCE_CSS = (STATIC_DIR / "css" / "podium.css").read_bytes()


def _hashed_css_url(client: TestClient) -> str:
    match = HASHED_CSS.search(client.get("/login").text)
    assert match, "the page does not link the hashed stylesheet"
    return match.group(1)


def _raw_get(client: TestClient, url: str, encoding: str, **headers: str):  # type: ignore[no-untyped-def]
    """GET without httpx decoding the body (stream), so the bytes sent can be checked."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding, **headers}) as r:
        r.raw = b"".join(r.iter_raw())  # type: ignore[attr-defined]
        return r


def test_pages_link_hashed_static_files(client):
    page = client.get("/login").text
    assert HASHED_CSS.search(page) and HASHED_HTMX.search(page)
    assert re.search(r'src="/static/js/podium\.[0-9a-f]{12}\.js"', page)
    assert re.search(r'href="/static/favicon\.[0-9a-f]{12}\.svg"', page)
    assert "?v=" not in page


def test_reports_page_links_its_hashed_stylesheet(client, login_as):
    login_as(Role.hr)
    page = client.get("/reports").text
    assert re.search(r'href="/static/css/reports\.[0-9a-f]{12}\.css"', page)


@pytest.mark.parametrize(("accept", "coding", "decode"), [
    ("br, gzip", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    ("gzip;q=1, br;q=0", "gzip", gzip.decompress),
])
def test_hashed_file_is_compressed_and_immutable(client, accept, coding, decode):
    url = _hashed_css_url(client)
    response = _raw_get(client, url, accept)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == coding
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/css")
    assert int(response.headers["content-length"]) == len(response.raw) < len(SOURCE_CSS) / 3
    assert decode(response.raw) == SOURCE_CSS


def test_without_accept_encoding_the_plain_file_is_sent(client):
    response = _raw_get(client, _hashed_css_url(client), "identity")
    assert "content-encoding" not in response.headers
    assert response.raw == SOURCE_CSS


def test_static_responses_keep_the_security_headers_and_set_no_cookie(client):
    fresh = TestClient(client.app, base_url="https://testserver")
    for response in (fresh.get(_hashed_css_url(client)), fresh.get("/static/js/podium.js")):
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "set-cookie" not in response.headers
        assert "access-control-allow-origin" not in response.headers


def test_plain_name_still_served_with_a_short_cache_and_revalidation(client):
    response = _raw_get(client, "/static/css/podium.css", "br")
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "br"
    assert brotli.decompress(response.raw) == SOURCE_CSS
    assert response.headers["cache-control"] == "max-age=60, public"
    etag = response.headers["etag"]
    again = client.get("/static/css/podium.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    changed = client.get("/static/css/podium.css", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200


def test_unknown_static_file_is_the_not_found_page(client):
    response = client.get("/static/css/nothing.css")
    assert response.status_code == 404
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize(("accept", "coding", "decode"), [
    ("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress),
])
def test_pages_are_compressed_when_asked(client, accept, coding, decode):
    response = _raw_get(client, "/login", accept)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == coding
    assert "Accept-Encoding" in response.headers["vary"]
    html = decode(response.raw).decode()
    assert "<form" in html and 'name="csrf_token"' in html
    plain = _raw_get(client, "/login", "identity")
    assert "content-encoding" not in plain.headers and b"<form" in plain.raw


@pytest.mark.parametrize("accept", ["br", "gzip"])
def test_workbook_download_is_not_compressed_twice(client, login_as, make_user, accept):
    # an .xlsx is a zip already: sent as it is, while the CSV of the same report is
    # compressed (enough rows to pass the minimum size)
    login_as(Role.hr)
    for n in range(12):
        make_user(Role.executive, full_name=f"Executive number {n}")
    workbook = _raw_get(client, "/reports/export.xlsx", accept)
    assert workbook.status_code == 200
    assert "content-encoding" not in workbook.headers
    assert workbook.raw.startswith(b"PK")
    table = _raw_get(client, "/reports/export.csv", accept)
    assert table.status_code == 200
    assert table.headers["content-encoding"] == accept


def test_csrf_token_differs_on_every_page_and_each_is_valid(client, login_as, database):
    login_as(Role.admin)
    first = CSRF_RE.search(client.get("/admin/cohorts").text).group(1)  # type: ignore[union-attr]
    second = CSRF_RE.search(client.get("/admin/cohorts").text).group(1)  # type: ignore[union-attr]
    assert first != second
    for name, token in (("First", first), ("Second", second)):
        response = client.post("/admin/cohorts", data={"name": name, "csrf_token": token})
        assert response.status_code == 303, response.text
    # a token altered in one character is refused
    forged = second[:-1] + ("0" if second[-1] != "0" else "1")
    assert client.post("/admin/cohorts", data={"name": "Forged", "csrf_token": forged}
                       ).status_code == 403
    with database.session() as s:
        assert sorted(c.name for c in s.exec(select(Cohort)).all()) == ["First", "Second"]


def test_stylesheet_references_point_at_hashed_copies(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "img").mkdir()
    (source / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (source / "css" / "base.css").write_text("body { color: red }\n")
    css = ('@import "base.css";\n.a { background: url("../img/logo.svg#x") }\n'
           ".b { background: url(data:image/png;base64,AAAA) }\n"
           ".c { background: url(/static/img/logo.svg?v=2) }\n"
           ".d { background: url(../img/missing.png) }\n")
    (source / "css" / "site.css").write_text(css)
    assets = StaticAssets(source, tmp_path / "builds")
    manifest = assets.current.manifest
    logo = Path(manifest["img/logo.svg"]).name
    base = Path(manifest["css/base.css"]).name
    assert re.fullmatch(r"logo\.[0-9a-f]{12}\.svg", logo)
    hashed = (assets.current.root / manifest["css/site.css"]).read_text()
    assert f'@import "{base}";' in hashed
    assert f'url("../img/{logo}#x")' in hashed
    assert f"url(/static/img/{logo}?v=2)" in hashed
    assert "url(data:image/png;base64,AAAA)" in hashed
    assert "url(../img/missing.png)" in hashed
    assert (assets.current.root / "css" / "site.css").read_text() == css  # plain name: as is
    assert assets.url("css/site.css") == "/static/" + manifest["css/site.css"]
    with pytest.raises(LookupError):
        assets.url("css/nothing.css")


def test_processes_starting_at_once_share_one_build(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    (source / "app.js").write_text("console.log('podium');\n" * 200)
    results, errors = [], []

    def start() -> None:
        try:
            results.append(build(source, tmp_path / "builds"))
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.root for r in results}) == 1
    assert [p.name for p in (tmp_path / "builds").iterdir()] == [results[0].root.parent.name]
    root = results[0].root
    assert {p.name for p in root.iterdir()} >= {"app.js", "app.js.br", "app.js.gz"}
    # a changed file is a new build under another name
    (source / "app.js").write_text("console.log('changed');\n" * 200)
    assert build(source, tmp_path / "builds").root != root


def test_development_rebuilds_an_edited_file(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("a { color: red }\n")
    assets = StaticAssets(source, tmp_path / "builds", watch=True, watch_interval=0)
    before = assets.url("site.css")
    (source / "site.css").write_text("a { color: blue }\n")
    after = assets.url("site.css")
    assert after != before
    assert assets.find(after) is not None


def test_no_api_docs_page_but_the_description_in_development(database_url, database):
    """Swagger UI needs a CDN and an inline script, which the policy refuses: no /docs."""
    app = create_app(make_settings(database_url, env="development"), database)
    with TestClient(app, base_url="https://testserver") as c:
        assert c.get("/docs").status_code == 404
        assert c.get("/redoc").status_code == 404
        assert c.get("/openapi.json").json()["info"]["title"] == "Podium"


def test_unwritable_builds_folder_falls_back_to_a_private_one(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("a { color: red }\n" * 50)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # var/ cannot be made here (the tests run as root: no chmod)
    result = build(source, blocked / "builds")
    assert not result.root.is_relative_to(tmp_path)
    assert (result.root.parent.parent.stat().st_mode & 0o077) == 0  # this user's only
    assert (result.root / "site.css.br").exists()
    shutil.rmtree(result.root.parent.parent)
