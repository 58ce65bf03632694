"""Settings from the environment and `.env`, all prefixed with ``SASIAD_``.

Settings are built in ``main()`` and passed down; nothing here runs at import.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.db.engine import DEFAULT_SERVER_POOL
from bot.services.defaults import TIMEZONE
from bot.services.helping.offers import MatchingConfig
from bot.services.helping.reminders import ReminderConfig
from bot.services.helping.turning_up import ConfirmConfig
from bot.services.messaging.quiet import QuietHours

Language = Literal["pl", "en", "uk"]
LANGUAGES: tuple[Language, ...] = ("pl", "en", "uk")

# BotFather tokens look like "123456789:AA...": a numeric bot id, a colon, a secret.
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
# Telegram's rule for secret_token is 1-256 of these; we ask for at least 16.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one sentence for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SASIAD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///sasiad.db"
    database_pool_size: int = Field(default=DEFAULT_SERVER_POOL, ge=1, le=200)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: Language = "pl"
    timezone: str = TIMEZONE
    api_base_url: str | None = None
    log_level: str = "INFO"
    flood_max_updates: int = Field(default=20, ge=1)
    # Button presses have their own, larger budget: filling the 21-button weekly grid
    # at a quick human pace is not a flood.
    flood_max_presses: int = Field(default=60, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    invite_ttl_hours: int = Field(default=168, ge=1)
    offer_wave_size: int = Field(default=5, ge=1, le=20)
    offer_lifetime_minutes: int = Field(default=60, ge=1)
    offer_waves: int = Field(default=3, ge=1)
    escalate_hours_before: float = Field(default=3.0, ge=0)
    max_open_requests: int = Field(default=3, ge=1)
    matching_interval_seconds: int = Field(default=60, ge=5)
    outbox_rate: float = Field(default=25.0, gt=0)
    outbox_per_chat_seconds: float = Field(default=1.0, ge=0)
    outbox_batch: int = Field(default=50, ge=1, le=1000)
    outbox_lease_seconds: float = Field(default=30.0, gt=0)
    quiet_start: time = time(21)
    quiet_end: time = time(8)
    reminder_hours_before: Annotated[tuple[float, ...], NoDecode] = (24.0, 2.0)
    follow_up_hours_after: float = Field(default=24.0, gt=0)
    # Confirm or release: the volunteer is asked this long before a task whether they
    # still come; without an answer within the minutes, standbys are asked.
    confirm_hours_before: float = Field(default=24.0, gt=0)
    confirm_within_minutes: int = Field(default=180, gt=0)
    # A place given up late and offered to volunteers: the animators hear of it if it is
    # still free this many hours after the invitations went out.
    freed_place_wait_hours: float = Field(default=3.0, gt=0)
    digest_day: str = "mon"
    digest_time: time = time(9)
    summary_time: time = time(8)
    # Scale-out (docs/deploy.md): webhook replicas share PostgreSQL and Redis.
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    webhook_register: bool = True
    # The Mini App (docs/miniapp.md): served by this process when a port is set; the
    # public https address behind the deployer's proxy goes on the buttons.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    web_url: str | None = None
    web_signin_max_age_hours: float = Field(default=24, gt=0)
    # /metrics alone on this port (on SASIAD_WEB_HOST), where the Mini App's is not wanted.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # The nightly copy of an SQLite database, and how many of them to keep.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1)
    redis_url: str | None = None
    background: bool = True
    log_format: Literal["text", "json"] | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        """Accept "1, 2,3" from the environment as well as a list."""
        if isinstance(value, str):
            parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("use numeric Telegram user ids separated by commas")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("reminder_hours_before", mode="before")
    @classmethod
    def _split_hours(cls, value: object) -> object:
        """Accept "24, 2" from the environment."""
        if isinstance(value, str):
            return tuple(float(part) for part in re.split(r"[,\s]+", value.strip()) if part)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def matching(self) -> MatchingConfig:
        return MatchingConfig(
            wave_size=self.offer_wave_size,
            offer_lifetime=timedelta(minutes=self.offer_lifetime_minutes),
            max_waves=self.offer_waves,
            escalate_before=timedelta(hours=self.escalate_hours_before),
            quiet=self.quiet(),
        )

    def quiet(self) -> QuietHours:
        return QuietHours(self.quiet_start, self.quiet_end)

    def reminders(self) -> ReminderConfig:
        return ReminderConfig(
            offsets=tuple(timedelta(hours=h) for h in self.reminder_hours_before),
            follow_up_after=timedelta(hours=self.follow_up_hours_after),
            replaced_by_confirmation=timedelta(hours=self.confirm_hours_before),
        )

    def confirmations(self) -> ConfirmConfig:
        return ConfirmConfig(
            before=timedelta(hours=self.confirm_hours_before),
            within=timedelta(minutes=self.confirm_within_minutes),
            quiet=self.quiet(),
        )

    def require_webhook(self) -> tuple[str, str]:
        """The public webhook address and its secret, or one sentence on what to set."""
        if not self.webhook_url:
            raise ConfigError(
                "Webhook mode needs SASIAD_WEBHOOK_URL: the public https address "
                "Telegram should call, for example https://bot.example.org."
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not _SECRET_RE.match(secret):
            raise ConfigError(
                "Webhook mode needs SASIAD_WEBHOOK_SECRET: 16 to 256 characters of "
                "letters, digits, _ and - (for example from: openssl rand -hex 32)."
            )
        return self.webhook_url.rstrip("/") + self.webhook_path, secret

    def require_token(self) -> str:
        """Return the bot token or explain, in one sentence, which variable to set."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(
                "No bot token: set SASIAD_BOT_TOKEN (in the environment or in .env) "
                "to the token @BotFather gave you."
            )
        token = self.bot_token.get_secret_value().strip()
        if not _TOKEN_RE.match(token):
            raise ConfigError(
                "SASIAD_BOT_TOKEN does not look like a bot token "
                "(expected the form 123456789:AA..., as given by @BotFather)."
            )
        return token
