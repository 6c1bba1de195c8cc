"""One place for configuration: environment variables prefixed with ``PODIUM_``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.models.user import Role

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that look like secrets but are not: refused outside development.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "secret", "secret-key", "dev", "development",
     "insecure", "podium", "please-change-me", "xxx"}
)
MIN_SECRET_LENGTH = 32
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# The SMTP server of PODIUM_SMTP_URL, checked when the settings are read.
SMTP_DEFAULT_PORTS = {"smtp": 587, "smtps": 465, "smtp+plain": 25}


class SmtpConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["starttls", "tls", "none"]
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpConfig:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SMTP_DEFAULT_PORTS:
        raise SmtpConfigError("use smtp://host:587 (STARTTLS), smtps://host:465 (TLS) or "
                              "smtp+plain://localhost:25 (a relay on this machine).")
    if not parts.hostname:
        raise SmtpConfigError("the address has no host name.")
    try:
        port = parts.port or SMTP_DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise SmtpConfigError("the port is not a number.") from exc
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if scheme == "smtp+plain" and username and parts.hostname not in LOOPBACK_HOSTS:
        raise SmtpConfigError("smtp+plain sends the password unencrypted: use it only for a "
                              "relay on this machine, or use smtp:// or smtps://.")
    security: Literal["starttls", "tls", "none"] = (
        "starttls" if scheme == "smtp" else "tls" if scheme == "smtps" else "none")
    return SmtpConfig(parts.hostname, port, security, username, password)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PODIUM_", env_file=None, extra="ignore")

    env: Literal["development", "production"] = "production"
    secret_key: SecretStr | None = None
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'podium.db'}"
    courses_dir: Path = PROJECT_ROOT / "courses"

    # Sessions
    session_cookie_name: str = "podium_session"
    session_idle_minutes: int = 240
    session_absolute_hours: int = 72
    cookie_secure: bool | None = None  # None: secure everywhere but development

    # Login throttling
    login_max_failures: int = 5
    login_lockout_base_seconds: int = 30
    login_lockout_max_seconds: int = 900
    login_max_failures_per_client: int = 20  # failed sign-ins, whatever the accounts
    login_client_window_minutes: int = 15
    login_spray_threshold: int = 200  # failed sign-ins of everyone in a window: an alarm
    # Addresses of the proxies whose X-Forwarded-For / X-Forwarded-Proto are believed
    # (comma-separated IPs or networks, "*" for any); others' headers are ignored.
    trusted_proxies: str = "127.0.0.1,::1"

    # Password hashing: argon2id at OWASP's recommended parameters
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    # Uploads
    max_csv_bytes: int = 2 * 1024 * 1024

    # Links in emails point here (production refuses to start without it)
    base_url: str | None = None
    # The issuer named on certificates (their PDF and the LinkedIn "add to profile" link)
    organisation_name: str = "Podium"

    # Outgoing mail: smtp://user:pass@host:587 (STARTTLS), smtps://host:465 (TLS), or
    # smtp+plain://host:25 (no TLS: a relay on this machine only). Unset: development keeps
    # every email in the admins' mailbox page; production records them as not sent.
    smtp_url: SecretStr | None = None
    smtp_ca_file: Path | None = None  # extra CA bundle to trust (a company's own relay)
    smtp_timeout_seconds: float = 30
    mail_from: str = "Podium <podium@localhost>"
    mail_max_attempts: int = 9  # then the email is marked failed: retries span about a day
    mail_retry_base_seconds: int = 4  # retries wait 4 s, 16 s, 64 s, ... 18 h (base, base², …)

    # Invitations and password reset
    invitation_days: int = 7
    reset_minutes: int = 60
    reset_per_address_per_hour: int = 3
    reset_per_client_per_hour: int = 20

    # Single sign-on with OpenID Connect (on when issuer, client id and secret are set)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_organisation: str = "your organisation"
    oidc_allowed_domains: str = ""  # comma-separated; empty: any domain
    oidc_role_claim: str = ""  # e.g. podium_role or groups; empty: everyone gets the default
    oidc_role_map: str = ""  # claim value=role, comma-separated, e.g. podium-hr=hr
    oidc_default_role: Role = Role.executive
    oidc_create_users: bool = True  # unknown users: created just in time, or refused
    oidc_password_login: bool = True  # False: accounts linked to SSO cannot use passwords
    oidc_timeout_seconds: float = 10

    # The organisation's time zone (IANA, e.g. Europe/Berlin): dates and times are shown in
    # it to everyone who has not chosen their own on the account page.
    time_zone: str = "UTC"

    # Background jobs
    worker_in_process: bool | None = None  # None: `podium serve` runs one in development
    worker_concurrency: int = 2
    worker_stalled_seconds: int = 120  # a job whose worker stopped beating for this long

    @model_validator(mode="after")
    def _check(self) -> Settings:
        problems = [*self._mail_and_sso_problems()]
        from app.content.moments import zone_message

        if message := zone_message(self.time_zone):
            problems.append(f"PODIUM_TIME_ZONE: {message}")
        if self.env != "development":
            value = self.secret_key.get_secret_value() if self.secret_key else ""
            if value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH:
                problems.append(
                    "PODIUM_SECRET_KEY is missing or a placeholder. Set it to a random value of "
                    f"at least {MIN_SECRET_LENGTH} characters (for example: python -c 'import "
                    "secrets; print(secrets.token_urlsafe(48))'), or set "
                    "PODIUM_ENV=development for local use.")
            if not self.base_url:
                problems.append(
                    "PODIUM_BASE_URL is missing: set it to the address people open Podium at "
                    "(for example https://podium.example.com); links in emails use it.")
        if problems:
            raise ValueError(" ".join(problems))
        return self

    def _mail_and_sso_problems(self) -> list[str]:
        problems = []
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
                    or parts.fragment:
                problems.append("PODIUM_BASE_URL must be an http(s) address such as "
                                "https://podium.example.com.")
            elif self.env != "development" and parts.scheme != "https" \
                    and parts.hostname not in LOOPBACK_HOSTS:
                problems.append("PODIUM_BASE_URL must use https outside development.")
        if self.smtp_url is not None:
            try:
                parse_smtp_url(self.smtp_url.get_secret_value())
            except SmtpConfigError as exc:
                problems.append(f"PODIUM_SMTP_URL: {exc}")
        oidc = (self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret)
        if any(oidc) and not all(oidc):
            problems.append("Single sign-on needs PODIUM_OIDC_ISSUER, PODIUM_OIDC_CLIENT_ID "
                            "and PODIUM_OIDC_CLIENT_SECRET together.")
        try:
            _ = self.role_map
        except ValueError as exc:
            problems.append(f"PODIUM_OIDC_ROLE_MAP: {exc}")
        return problems

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @cached_property
    def secret(self) -> bytes:
        """The key for HMACs. Development without a key gets a fixed, clearly-local value."""
        if self.secret_key:
            return self.secret_key.get_secret_value().encode()
        return b"podium-development-only-not-a-secret"

    @property
    def secure_cookies(self) -> bool:
        return (not self.is_development) if self.cookie_secure is None else self.cookie_secure

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def public_url(self) -> str:
        """The address links in emails start with (no trailing slash)."""
        return (self.base_url or DEVELOPMENT_BASE_URL).rstrip("/")

    @property
    def sso_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def allowed_domains(self) -> frozenset[str]:
        return frozenset(d.strip().lower().lstrip("@") for d in self.oidc_allowed_domains.split(",")
                         if d.strip())

    @property
    def role_map(self) -> dict[str, Role]:
        """Values of the role claim and the role each gives."""
        mapping: dict[str, Role] = {}
        for pair in self.oidc_role_map.split(","):
            if not pair.strip():
                continue
            value, sep, role = pair.partition("=")
            if not sep or not value.strip() or role.strip().lower() not in Role.__members__:
                raise ValueError(f"'{pair.strip()}' is not claim-value=role (roles: "
                                 f"{', '.join(Role)}).")
            mapping[value.strip()] = Role(role.strip().lower())
        return mapping

    @property
    def runs_worker_in_process(self) -> bool:
        if self.worker_in_process is None:
            return self.is_development
        return self.worker_in_process


def get_settings() -> Settings:
    return Settings()


def database_url_from_env() -> str:
    """The database URL alone, without the secret guard (migrations need no secret)."""
    import os

    return os.environ.get("PODIUM_DATABASE_URL") or Settings.model_fields["database_url"].default
