"""One place for configuration: environment variables prefixed with ``PODIUM_``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that look like secrets but are not: refused outside development.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "secret", "secret-key", "dev", "development",
     "insecure", "podium", "please-change-me", "xxx"}
)
MIN_SECRET_LENGTH = 32


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

    # Password hashing: argon2id at OWASP's recommended parameters
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    # Uploads
    max_csv_bytes: int = 2 * 1024 * 1024

    @model_validator(mode="after")
    def _enforce_non_default_secret(self) -> Settings:
        if self.env == "development":
            return self
        value = self.secret_key.get_secret_value() if self.secret_key else ""
        if value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH:
            raise ValueError(
                "PODIUM_SECRET_KEY is missing or a placeholder. Set it to a random value of at "
                f"least {MIN_SECRET_LENGTH} characters (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), or set PODIUM_ENV=development for local use."
            )
        return self

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


def get_settings() -> Settings:
    return Settings()


def database_url_from_env() -> str:
    """The database URL alone, without the secret guard (migrations need no secret)."""
    import os

    return os.environ.get("PODIUM_DATABASE_URL") or Settings.model_fields["database_url"].default
