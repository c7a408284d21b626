"""Settings from the environment (and a `.env` file in the working directory), named as in the contract."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.paths import default_db_path


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: str | None = None
    """Bot scopes asked for at install (OAuth mode), comma-separated; default: those in bot.slack.oauth.BOT_SCOPES."""
    slack_redirect_uri: str | None = None
    """OAuth redirect URL; optional when the app registers exactly one."""
    slack_api_url: str = "https://slack.com/api/"

    fwtrend_db: Path | None = None
    fwtrend_database_url: str | None = None
    """SQLAlchemy URL of the shared state (installations, queue, digests, threads…), e.g.
    postgresql+psycopg://user:pass@host/db; unset: the store file FWTREND_DB (`bot.store.shared`)."""

    github_token: SecretStr | None = None
    github_api_url: str = "https://api.github.com"
    stackexchange_key: SecretStr | None = None
    fwtrend_pypistats_url: str = "https://pypistats.org/api"
    fwtrend_clickhouse_url: str = "https://sql-clickhouse.clickhouse.com"
    fwtrend_npm_url: str = "https://api.npmjs.org"
    fwtrend_stackexchange_url: str = "https://api.stackexchange.com/2.3"
    fwtrend_huggingface_url: str = "https://huggingface.co"
    fwtrend_arxiv_url: str = "https://export.arxiv.org/api"
    fwtrend_pypi_url: str = "https://pypi.org"
    """PyPI's JSON API base (`/pypi/{name}/json`), for live look-ups."""
    fwtrend_npm_registry_url: str = "https://registry.npmjs.org"
    """npm registry base (`/{name}`), for live look-ups."""
    fwtrend_lookups_per_hour: int = Field(default=120, ge=0, le=100_000)
    """Live look-ups of projects no bundled file holds, per hour, all workspaces together; 0 turns them off."""
    fwtrend_lookups_per_hour_per_workspace: int = Field(default=30, ge=0, le=100_000)
    """Live look-ups per hour for one Slack workspace (the terminal counts as one)."""

    port: int = Field(default=3000, ge=1, le=65535)

    fwtrend_render_processes: int | None = Field(default=None, ge=0, le=32)
    """Chart-rendering processes for the Slack app (default: one per CPU, at most 2; 0 renders in-process)."""
    fwtrend_slack_threads: int = Field(default=8, ge=1, le=64)
    """Threads that talk to Slack for answers (outside Bolt's listener pool): the answer queue's workers."""
    fwtrend_job_lease_s: float = Field(default=60.0, gt=0, le=3600)
    """Seconds a worker's claim on a queued answer holds without a heartbeat: after a crash (kill -9, power)
    another process answers once it runs out."""
    fwtrend_refresh_hour: int = Field(default=4, ge=0, le=23)
    """UTC hour of the clock process's daily refresh (after npm and pypistats have counted the day)."""
    fwtrend_snapshot_publish: Path | None = None
    """Several machines: where this machine's clock publishes a snapshot of its figures after each refresh
    (a path every machine can read; `fwtrend snapshot`, docs/deploying.md)."""
    fwtrend_snapshot_from: Path | None = None
    """Several machines: the snapshot this machine's clock applies (checked every few minutes) instead of
    refreshing from the sources itself."""

    @property
    def db_path(self) -> Path:
        return self.fwtrend_db or default_db_path()

    @property
    def slack_api_base(self) -> str:
        # WebClient joins base + method name, so the base must end in a slash.
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"


class InvalidSetting(SystemExit):
    """A setting that does not parse stops the program with one line naming it (never its value)."""

    def __init__(self, exc: ValidationError):
        names = sorted({str(err["loc"][0]).upper() for err in exc.errors() if err.get("loc")})
        problems = sorted({err["msg"] for err in exc.errors()})
        super().__init__(f"fwtrend: invalid setting {', '.join(names)} ({'; '.join(problems)})")


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        raise InvalidSetting(exc) from None
    if settings.fwtrend_database_url:  # from .env: the store layer reads it from the environment
        os.environ.setdefault("FWTREND_DATABASE_URL", settings.fwtrend_database_url)
    return settings


@cache
def get_settings() -> Settings:
    return load_settings()


class MissingSetting(SystemExit):
    """Raised to stop the program with one line naming the setting, never a traceback."""

    def __init__(self, *names: str):
        them = "it" if len(names) == 1 else "them"
        noun = "setting" if len(names) == 1 else "settings"
        super().__init__(f"fwtrend: missing {noun} {' and '.join(names)} (set {them} in the environment or .env)")


def require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if getattr(settings, n.lower()) in (None, "")]
    if missing:
        raise MissingSetting(*[n.upper() for n in missing])
