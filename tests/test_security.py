from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app
from app.models import Role
from tests.conftest import TEST_SECRET, make_settings

ROOT = Path(__file__).resolve().parent.parent
HTMX = ROOT / "static" / "vendor" / "htmx-2.0.11" / "htmx.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


@pytest.mark.parametrize("secret", [None, "", "changeme", "secret", "short-but-random"])
def test_production_refuses_missing_or_placeholder_secret(secret):
    with pytest.raises(ValidationError, match="PODIUM_SECRET_KEY is missing"):
        Settings(env="production", secret_key=secret)


def test_production_accepts_a_real_secret_and_development_needs_none():
    production = Settings(env="production", secret_key=TEST_SECRET,
                          base_url="https://podium.example.com")
    assert production.secure_cookies is True
    dev = Settings(env="development")
    assert dev.secure_cookies is False
    assert dev.public_url == "http://127.0.0.1:8000"


def test_production_needs_a_public_https_address_for_links_in_emails():
    with pytest.raises(ValidationError, match="PODIUM_BASE_URL is missing"):
        Settings(env="production", secret_key=TEST_SECRET)
    with pytest.raises(ValidationError, match="must use https outside development"):
        Settings(env="production", secret_key=TEST_SECRET, base_url="http://podium.example.com")
    with pytest.raises(ValidationError, match="must be an http"):
        Settings(env="production", secret_key=TEST_SECRET, base_url="podium.example.com")
    loopback = Settings(env="production", secret_key=TEST_SECRET,
                        base_url="http://127.0.0.1:8000/")
    assert loopback.public_url == "http://127.0.0.1:8000"


def test_mail_and_sso_settings_are_checked_at_start():
    base = {"env": "production", "secret_key": TEST_SECRET,
            "base_url": "https://podium.example.com"}
    with pytest.raises(ValidationError, match="PODIUM_SMTP_URL: use smtp://"):
        Settings(**base, smtp_url="http://mail.example.com")
    with pytest.raises(ValidationError, match="smtp\\+plain sends the password unencrypted"):
        Settings(**base, smtp_url="smtp+plain://user:pw@mail.example.com:25")
    assert Settings(**base, smtp_url="smtp+plain://127.0.0.1:25").smtp_url is not None
    with pytest.raises(ValidationError, match="PODIUM_OIDC_ISSUER, PODIUM_OIDC_CLIENT_ID"):
        Settings(**base, oidc_issuer="https://login.example.com")
    with pytest.raises(ValidationError, match="PODIUM_OIDC_ROLE_MAP: 'admins=boss'"):
        Settings(**base, oidc_role_map="admins=boss")
    sso = Settings(**base, oidc_issuer="https://login.example.com", oidc_client_id="podium",
                   oidc_client_secret="s3cret-s3cret", oidc_role_map="g-hr=hr, g-admin=admin",
                   oidc_allowed_domains="Acme.example, @acme.co.uk")
    assert sso.sso_enabled
    assert sso.role_map == {"g-hr": Role.hr, "g-admin": Role.admin}
    assert sso.allowed_domains == {"acme.example", "acme.co.uk"}


def test_production_reads_the_guard_from_the_environment(monkeypatch):
    monkeypatch.delenv("PODIUM_SECRET_KEY", raising=False)
    monkeypatch.setenv("PODIUM_ENV", "production")
    with pytest.raises(ValidationError, match="PODIUM_SECRET_KEY is missing"):
        Settings()


def test_security_headers_on_pages_errors_and_static(client):
    for path in ("/login", "/does-not-exist", "/static/css/podium.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client, login_as):
    from app.models import Role

    login_as(Role.admin)
    for path in ("/", "/admin/users", "/admin/users/new", "/admin/users/import",
                 "/admin/cohorts", "/account"):
        page = client.get(path).text
        assert "<script>" not in page and " on" + "click=" not in page
        for tag in page.split("<script")[1:]:
            assert 'src="/static/' in tag.split(">")[0], path


def test_no_api_docs_in_production(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404


def test_api_description_in_development(database_url, database):
    app = create_app(make_settings(database_url, env="development"), database)
    with TestClient(app) as c:
        assert c.get("/openapi.json").status_code == 200


def test_vendored_htmx_is_the_pinned_release(client):
    assert hashlib.sha256(HTMX.read_bytes()).hexdigest() == HTMX_SHA256
    assert (HTMX.parent / "LICENSE").exists()
    page = client.get("/login").text
    # its hashed name carries the first 12 hex digits of the file's SHA-256
    assert client_script_tag(HTMX_SHA256[:12]) in page


def client_script_tag(digest: str) -> str:
    return f'<script src="/static/vendor/htmx-2.0.11/htmx.min.{digest}.js" defer></script>'


def test_htmx_config_disables_eval_and_inline_styles():
    base = (ROOT / "app" / "templates" / "base.html").read_text()
    config = base.split('name="htmx-config" content=\'')[1].split("'")[0]
    parsed = json.loads(config)
    assert {k: parsed[k] for k in ("includeIndicatorStyles", "allowEval", "allowScriptTags")} \
        == {"includeIndicatorStyles": False, "allowEval": False, "allowScriptTags": False}
    # validation messages (422) are swapped in next to the field; other errors are not
    assert {"code": "422", "swap": True} in parsed["responseHandling"]


def test_requests_without_an_id_get_distinct_ids_and_a_forked_process_its_own(client):
    import os
    import re

    from app.security.middleware import _request_ids

    ids = [client.get("/login").headers["X-Request-ID"] for _ in range(3)]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert client.get("/login", headers={"X-Request-ID": "lb-7"}).headers["X-Request-ID"] \
        == "lb-7"  # a load balancer's id is kept
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker forked from this process
        os.write(write, _request_ids.next().encode())
        os._exit(0)
    os.close(write)
    child_id = os.read(read, 64).decode()
    os.waitpid(pid, 0)
    assert child_id[:16] != ids[0][:16]  # another process, another prefix
