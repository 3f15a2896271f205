"""CohortWatch settings: one pydantic-settings class, built by the CLI and handed down.

Values come, in rising priority, from defaults, an optional ``cohortwatch.toml`` (in the working
directory or named by ``COHORTWATCH_CONFIG``), and ``COHORTWATCH_*`` environment variables. Nothing
else in the code base reads the environment. Secrets are ``SecretStr`` so they never print, and a
placeholder secret is refused outside the ``development`` environment.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 - the value production refuses
DEFAULT_BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class SettingsError(Exception):
    """Settings could not be loaded or are not safe to use."""


class Settings(BaseSettings):
    """Every knob of CohortWatch. Prefix ``COHORTWATCH_`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="COHORTWATCH_",
        extra="forbid",
        toml_file="cohortwatch.toml",
    )

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path(".cohortwatch")
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL; default is SQLite in the data dir.",
    )
    redis_url: str = "redis://127.0.0.1:6379/0"
    browser_path: Path | None = Field(
        default=None,
        description="Chromium for Playwright; default /usr/bin/chromium, else Playwright's own.",
    )
    crawl_timeout_seconds: float = 600.0
    crawl_download_delay: float | None = Field(
        default=None, ge=0, description="Seconds between requests; default each source's own."
    )
    crawl_pipeline_threads: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Threads per crawl for its pipelines' blocking work (database writes, "
        "evidence files, the scanner).",
    )
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_html_bytes: int = 5 * 1024 * 1024
    alert_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Text score that raises an alert (0.5: the profile's leak-offer cutoff).",
    )
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    fingerprint_key: SecretStr | None = Field(
        default=None,
        description="The 32-byte fingerprint key as 64 hex digits (or use --key-file).",
    )
    fingerprint_path: Path | None = Field(
        default=None,
        description="Cohort fingerprint that crawls scan attachments against (none: no scan).",
    )
    fingerprint_key_file: Path | None = Field(
        default=None, description="File holding the fingerprint key (else fingerprint_key)."
    )
    log_level: str = "WARNING"
    scan_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="Largest upload POST /api/scan accepts (and everything unpacked from it).",
    )
    scan_concurrency: int = Field(
        default=2, ge=1, description="Uploads POST /api/scan reads and scans at once; others wait."
    )
    scan_max_queued: int = Field(
        default=8,
        ge=0,
        description="Uploads POST /api/scan lets wait for a slot; more get 503 with Retry-After.",
    )
    scan_memory_kept_bytes: int = Field(
        default=1536 * 1024 * 1024,
        ge=0,
        le=2**31 - 1,
        description="serve keeps up to this much memory a scan frees for the next scan "
        "(fresh memory is slow to touch); 0: the C library returns it as usual.",
    )
    scan_index_all_families: bool = Field(
        default=True,
        description="serve sorts every fingerprint family into one index at start, so no scan "
        "sorts its own (memory: 8 bytes per family and cohort row, plus bucket indexes).",
    )
    auth_max_failures: int = Field(
        default=10,
        ge=1,
        description="Failed tokens (bearer or login) one client address may send per window "
        "before it gets 429.",
    )
    auth_failure_window_seconds: float = Field(
        default=300.0, gt=0, description="The window auth_max_failures counts within."
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a dashboard login lasts."
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Mark the dashboard's cookies Secure (HTTPS only); default: in production.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("COHORTWATCH_CONFIG", "cohortwatch.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        placeholder = self.secret_key.get_secret_value() in ("", PLACEHOLDER_SECRET)
        if self.environment == "production" and placeholder:
            raise ValueError(
                "secret_key is a placeholder; set COHORTWATCH_SECRET_KEY in production"
            )
        return self

    # Derived locations -------------------------------------------------------------------

    @property
    def database_path(self) -> Path:
        return self.data_dir / "cohortwatch.db"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one, else SQLite in the data dir."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.database_path.resolve()}"

    def resolved_secure_cookies(self) -> bool:
        """Whether cookies get the Secure flag: as configured, else only in production."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.environment == "production"

    def resolved_browser_path(self) -> Path | None:
        """The Chromium to launch, or None to let Playwright use its own download."""
        if self.browser_path is not None:
            return self.browser_path
        for candidate in DEFAULT_BROWSER_PATHS:
            if Path(candidate).exists():
                return Path(candidate)
        found = shutil.which("chromium")
        return Path(found) if found else None


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation failures into one readable SettingsError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"bad setting: {problems}") from exc
    except (OSError, ValueError) as exc:  # e.g. a malformed cohortwatch.toml
        raise SettingsError(f"cannot read settings: {exc}") from exc
