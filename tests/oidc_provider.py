"""A real OpenID Connect provider (npm `oidc-provider`, tests/oidc/provider.mjs) on loopback
for the single-sign-on tests, and helpers to sign in at it without a browser.

Login names encode the account's claims: `[flag,...:]email` with the flags `unverified`,
`role=<value>` and `name=<Some Name>` (see provider.mjs). Any password is accepted and consent
is automatic for the registered clients.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import httpx2

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
OIDC_PROVIDER_PACKAGE = OIDC_DIR / "node_modules" / "oidc-provider" / "package.json"

CLIENT_ID = "podium"
CLIENT_SECRET = "podium-test-secret-0123456789"
OTHER_CLIENT_ID = "other-client"
OTHER_CLIENT_SECRET = "other-test-secret-0123456789"
# Registered for both clients; issue_id_token() sends the code here (never requested).
CAPTURE_REDIRECT_URI = "http://127.0.0.1/capture"
# The development login page accepts any password.
ANY_PASSWORD = "any-password"

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0
MAX_INTERACTION_STEPS = 12


class OidcHarnessError(RuntimeError):
    """The test provider could not be started or a sign-in at it did not go as expected."""


def node_ready() -> str | None:
    """Why the provider cannot run here (Node or the npm package missing), or None."""
    if shutil.which("node") is None:
        return "Node.js (`node`) is not installed; the OIDC test provider needs Node >= 20"
    if not OIDC_PROVIDER_PACKAGE.is_file():
        return "tests/oidc/node_modules/oidc-provider is missing; run `npm ci --prefix tests/oidc`"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class OidcProvider:
    """A running provider process; a context manager that stops it on exit."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET
    other_client_id = OTHER_CLIENT_ID
    other_client_secret = OTHER_CLIENT_SECRET
    capture_redirect_uri = CAPTURE_REDIRECT_URI

    def __init__(self, process: subprocess.Popen[bytes], issuer: str, stderr: IO[bytes]) -> None:
        self.process = process
        self.issuer = issuer
        self._stderr = stderr
        self._discovery: dict[str, Any] | None = None

    def discovery(self) -> dict[str, Any]:
        """The provider's OpenID configuration (fetched once)."""
        if self._discovery is None:
            self._discovery = discover(self.issuer)
        return self._discovery

    def stderr_text(self) -> str:
        """Everything the provider wrote to stderr so far (for diagnostics)."""
        return _read_all(self._stderr)

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL) and release its pipes."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()

    def __enter__(self) -> OidcProvider:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _read_all(stream: IO[bytes]) -> str:
    # pread: the child shares the file offset, so never move it.
    if stream.closed:
        return ""
    fd = stream.fileno()
    return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")


def _wait_ready(process: subprocess.Popen[bytes], deadline: float) -> str | None:
    """Read stdout until the `ready <issuer>` line; None if the process ended first."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if not selector.select(timeout=remaining):
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").strip()
                if text.startswith("ready "):
                    return text.removeprefix("ready ").strip()


class _PortTaken(OidcHarnessError):
    """Another process took the free port before the provider could listen on it."""


def start_provider(id_token_ttl: int = 600) -> OidcProvider:
    """Start `node tests/oidc/provider.mjs` on a free loopback port and wait until it is ready.

    Use as `with start_provider() as provider:` or call `provider.stop()` yourself.
    """
    reason = node_ready()
    if reason is not None:
        raise OidcHarnessError(reason)
    node = shutil.which("node")
    assert node is not None
    for attempt in range(3):
        try:
            return _start_on(node, _free_port(), id_token_ttl)
        except _PortTaken:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _start_on(node: str, port: int, id_token_ttl: int) -> OidcProvider:
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_ID_TOKEN_TTL": str(id_token_ttl)}
    env.pop("NODE_OPTIONS", None)
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the OidcProvider
    try:
        process = subprocess.Popen(
            [node, str(PROVIDER_SCRIPT)],
            cwd=OIDC_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=0,
        )
    except BaseException:
        stderr.close()
        raise
    provider = OidcProvider(process, f"http://127.0.0.1:{port}", stderr)
    try:
        issuer = _wait_ready(process, time.monotonic() + START_TIMEOUT)
    except TimeoutError:
        detail = _read_all(stderr)
        provider.stop()
        raise OidcHarnessError(
            f"the OIDC test provider did not print `ready` within {START_TIMEOUT:.0f} s; "
            f"stderr:\n{detail}"
        ) from None
    except BaseException:
        provider.stop()
        raise
    if issuer is None:
        process.wait(timeout=STOP_TIMEOUT)
        detail = _read_all(stderr)
        provider.stop()
        error = _PortTaken if "EADDRINUSE" in detail else OidcHarnessError
        raise error(
            f"the OIDC test provider exited with status {process.returncode} before it was "
            f"ready; stderr:\n{detail}"
        )
    if issuer != provider.issuer:
        provider.stop()
        raise OidcHarnessError(f"unexpected issuer {issuer!r}, wanted {provider.issuer!r}")
    return provider


def discover(issuer: str) -> dict[str, Any]:
    """Fetch `<issuer>/.well-known/openid-configuration`."""
    with httpx2.Client(trust_env=False, timeout=HTTP_TIMEOUT) as client:
        response = client.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
        response.raise_for_status()
        config: dict[str, Any] = response.json()
    return config


class _Form:
    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method
        self.fields: dict[str, str] = {}


class _FormParser(HTMLParser):
    """Collects the forms of a page with their named input fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = _Form(values.get("action", ""), values.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag in {"input", "button"} and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class _TextParser(HTMLParser):
    """The visible text of a page (for error messages)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script", "head"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script", "head"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _page_text(html: str, limit: int = 1000) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)[:limit]


def _interaction_form(html: str) -> _Form | None:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return next((f for f in parser.forms if "prompt" in f.fields), None)


def authorize(authorization_url: str, login: str, *, password: str = ANY_PASSWORD) -> str:
    """Sign in as `login` at the provider's development login page, pass consent if shown,
    and return the URL the provider redirects to (the client's redirect_uri with `code` and
    `state`, or with `error`) without requesting it.

    Redirects are only followed within the provider's origin; cookies live for this call only.
    """
    origin = _origin(authorization_url)
    with httpx2.Client(follow_redirects=False, trust_env=False, timeout=HTTP_TIMEOUT) as client:
        response = client.get(authorization_url)
        for _ in range(MAX_INTERACTION_STEPS):
            url = str(response.url)
            if response.is_redirect:
                location = urljoin(url, response.headers["location"])
                if _origin(location) != origin:
                    return location
                response = client.get(location)
                continue
            if response.status_code != 200:
                raise OidcHarnessError(
                    f"{response.request.method} {url} answered {response.status_code}: "
                    f"{_page_text(response.text)} (the provider's stderr may tell more)"
                )
            form = _interaction_form(response.text)
            if form is None:
                raise OidcHarnessError(
                    f"no sign-in or consent form at {url}: {_page_text(response.text)}"
                )
            action = urljoin(url, form.action)
            if _origin(action) != origin or form.method != "post":
                raise OidcHarnessError(
                    f"unexpected form ({form.method} {action}) at {url}; "
                    "response_mode=form_post is not supported by this helper"
                )
            fields = dict(form.fields)
            if fields["prompt"] == "login":
                fields.update(login=login, password=password)
            elif fields["prompt"] != "consent":
                raise OidcHarnessError(f"unknown interaction prompt {fields['prompt']!r}")
            response = client.post(action, data=fields)
    raise OidcHarnessError(f"no redirect to the client after {MAX_INTERACTION_STEPS} steps")


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE (code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def _basic_auth(client_id: str, client_secret: str) -> str:
    # RFC 6749 section 2.3.1: form-urlencode both parts before base64.
    raw = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def issue_id_token(
    provider: OidcProvider,
    *,
    client_id: str,
    client_secret: str,
    login: str,
    nonce: str,
    scope: str = "openid email profile",
) -> str:
    """A genuine ID token for `client_id` about `login`: a full authorization-code flow with
    PKCE (S256) to CAPTURE_REDIRECT_URI, then the code exchanged with client_secret_basic."""
    config = provider.discovery()
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CAPTURE_REDIRECT_URI,
            "scope": scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    location = authorize(f"{config['authorization_endpoint']}?{query}", login)
    parts = urlsplit(location)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if f"{parts.scheme}://{parts.netloc}{parts.path}" != CAPTURE_REDIRECT_URI:
        raise OidcHarnessError(f"redirected to {location}, wanted {CAPTURE_REDIRECT_URI}")
    if "code" not in params:
        raise OidcHarnessError(f"no authorization code: {location}")
    if params.get("state") != state:
        raise OidcHarnessError(f"state mismatch in {location}")
    with httpx2.Client(trust_env=False, timeout=HTTP_TIMEOUT) as client:
        response = client.post(
            config["token_endpoint"],
            headers={"Authorization": _basic_auth(client_id, client_secret)},
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "redirect_uri": CAPTURE_REDIRECT_URI,
                "code_verifier": verifier,
            },
        )
        if response.status_code != 200:
            raise OidcHarnessError(
                f"token endpoint answered {response.status_code}: {response.text[:2000]}"
            )
        id_token: str = response.json()["id_token"]
    return id_token
