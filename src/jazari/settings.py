"""Settings: typed, from `JAZARI_*` environment variables and an optional `jazari.toml`."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from jazari.errors import ConfigError

DEV_SECRET = "dev-secret-not-for-production"
MIN_SECRET = 32


def _config_file() -> Path | None:
    explicit = os.environ.get("JAZARI_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("jazari.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Everything a Jazari node is configured with. Precedence: arguments, env, jazari.toml."""

    model_config = SettingsConfigDict(env_prefix="JAZARI_", env_nested_delimiter="__", extra="forbid")

    home: Path = Field(default=Path(".jazari"), description="Folder of the embedded store.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the metadata database; default SQLite in home."
    )
    env: Literal["dev", "test", "prod"] = Field(default="dev", description="dev, test or prod.")
    secret_key: SecretStr = Field(default=SecretStr(DEV_SECRET), description="Signs sessions.")
    node_name: str = Field(default="jazari", description="Name of this node (Root or an institute).")
    upload_max_bytes: int = Field(default=20 * 1024**3, description="Largest accepted upload.")
    batch_rows: int = Field(default=100_000, ge=1, description="Rows per batch in the pipeline.")
    sample_rows: int = Field(default=100_000, ge=1, description="Rows used to infer types.")
    max_cell_bytes: int = Field(default=16 * 1024**2, ge=1, description="Largest accepted cell.")
    archive_max_files: int = Field(default=100_000, ge=1, description="Most files in one ZIP or folder of images.")
    archive_max_bytes: int = Field(
        default=20 * 1024**3, ge=1, description="Largest total uncompressed size of a ZIP or folder of images."
    )
    image_max_pixels: int = Field(
        default=50_000_000, ge=1, description="Largest image (width x height) read; a bigger one is set aside."
    )
    lock_timeout: float = Field(default=30.0, ge=0, description="Seconds to wait for a dataset lock.")
    privacy_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="Master key of the pseudonyms (one key per institute is derived)."
    )
    raw_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="Master key of the raw zone's encryption (AES-GCM) at rest."
    )
    raw_retention_days: int = Field(
        default=365, ge=1, description="Days an original upload is kept when its dataset has no register entry."
    )
    retention_interval_hours: float = Field(
        default=24.0, gt=0, description="Hours between two retention runs of `jazari serve`."
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the node administrator for the API."
    )
    session_hours: float = Field(default=12.0, gt=0, description="Hours a web sign-in lasts.")
    cookie_secure: bool | None = Field(
        default=None, description="Send the session cookie over HTTPS only [on when env is prod]."
    )
    signin_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins per account in 15 minutes before a pause."
    )
    signin_max_failures_address: int = Field(
        default=20, ge=1, description="Failed sign-ins per client address in 15 minutes before a pause."
    )
    report_threshold: int = Field(
        default=3, ge=2, description="Distinct people (weighted) whose reports hide a content until a moderator decides."
    )
    report_threshold_personal_data: int = Field(
        default=2, ge=2, description="The same for reports of exposed personal data (never below 2: nobody hides alone)."
    )
    reports_per_hour: int = Field(default=20, ge=1, description="Reports one person may make in an hour.")
    comments_per_hour: int = Field(default=30, ge=1, description="Comments one person may post in an hour.")
    redis_url: str | None = Field(default=None, description="Redis URL for the job queue (server).")
    host: str = Field(default="127.0.0.1", description="Address `jazari serve` listens on.")
    port: int = Field(default=8000, description="Port `jazari serve` listens on.")
    workers: int = Field(
        default=1, ge=1, le=64,
        description="Server processes `jazari serve` runs: one per core answers the most requests "
        "(the background jobs run in the process that starts them).",
    )
    public_url: str | None = Field(
        default=None, pattern=r"^https?://[^\s<>\"]+$",
        description="Address users reach the node at, for links written outside a request (data cards, "
        "datapackage.json from the CLI) [http://HOST:PORT].",
    )

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def url(self) -> str:
        """The metadata database URL actually used."""
        return self.database_url or f"sqlite:///{self.home / 'jazari.db'}"

    @property
    def base_url(self) -> str:
        """Where users reach the node: `public_url`, else `http://host:port`."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def lake_dir(self) -> Path:
        return self.home / "lake"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def blobs_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def tmp_dir(self) -> Path:
        return self.home / "tmp"

    @property
    def jobs_path(self) -> Path:
        return self.home / "jobs.db"

    def check_secrets(self) -> None:
        """Refuse to start outside dev mode with a development default secret, and in production with
        a short one (a laptop in dev mode may use the defaults)."""
        for name in ("secret_key", "privacy_key", "raw_key"):
            value = getattr(self, name).get_secret_value()
            default = value == DEV_SECRET
            if (default and self.env != "dev") or (self.env == "prod" and len(value) < MIN_SECRET):
                what = "the development default" if default else f"shorter than {MIN_SECRET} characters"
                raise ConfigError(
                    f"JAZARI_{name.upper()} is {what}",
                    hint=f"set JAZARI_{name.upper()} to a long random value (`python -c 'import secrets; "
                    f"print(secrets.token_urlsafe(48))'`), or JAZARI_ENV=dev on a laptop",
                    field=name,
                )

    def pseudonym_key(self, institute: str) -> bytes:
        """The institute's own pseudonymisation key, derived from the master key; never stored."""
        master = self.privacy_key.get_secret_value().encode()
        return hmac.new(master, f"jazari-pseudonyms:{institute}".encode(), hashlib.sha256).digest()

    def raw_zone_key(self) -> bytes:
        """The 32-byte key of the raw zone's encryption, derived from JAZARI_RAW_KEY; never stored."""
        master = self.raw_key.get_secret_value().encode()
        return hmac.new(master, b"jazari-raw-zone", hashlib.sha256).digest()


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning pydantic's errors into one ConfigError that names the setting."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        path = _config_file()
        places = f"JAZARI_{name.upper()} or {path}" if path else f"JAZARI_{name.upper()}"
        raise ConfigError(
            f"setting {name!r}: {first['msg']}", hint=f"looked in arguments, {places}", field=name
        ) from exc
