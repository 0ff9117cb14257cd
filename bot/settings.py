"""Settings from the environment (and a ``.env`` file): the only place that reads them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_PROMPTS_DIR = PROJECT_ROOT / "prompts"
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


def _id_list(value: Any) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [int(v) for v in value]
    items = [item.strip() for item in str(value).replace(";", ",").split(",")]
    try:
        return [int(item) for item in items if item]
    except ValueError as exc:
        raise ValueError("attendu : des identifiants numériques séparés par des virgules") from exc


class Settings(BaseSettings):
    """Every field is documented in docs/exploitation/configuration.md (a test checks it)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    care_data_dir: Path = Path("data")
    care_knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    care_prompts_dir: Path = DEFAULT_PROMPTS_DIR
    care_embeddings: str = ""  # empty → retrieval's measured default
    chroma_url: str | None = None
    care_database_url: str | None = None
    care_log_level: str = "INFO"
    care_log_json: bool = False

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    care_allowed_users: Annotated[list[int], NoDecode] = Field(default_factory=list)
    care_admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    care_rate_limit_per_minute: int = 20
    care_group_mode: str = "mentions"  # "mentions" | "refuse"
    care_webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook server listens on all interfaces
    care_webhook_port: int = 8443
    care_webhook_url: str | None = None
    care_webhook_secret: SecretStr | None = None
    care_webhook_secret_file: Path | None = None  # a file holding the secret (docker secrets)
    care_upload_max_kb: int = 200  # answers files sent to the Telegram bot
    care_forget_denied_days: int = Field(default=30, ge=0)  # denied requests forgotten after
    care_telegram_concurrency: int = 256  # updates processed at once (one at a time per user)
    # Requests per second to Telegram, all chats together (Telegram's flood limit is about 30
    # messages/s per bot; paid broadcasts allow more). 0 disables this limiter.
    care_telegram_max_rate: float = 30.0

    care_llm_base_url: str | None = None
    care_llm_model: str | None = None
    care_llm_api_key: SecretStr | None = None
    care_llm_timeout: float | None = None  # None → the profile's (cpu 120, gpu 8, api 15)
    care_llm_provider: str = "openai"
    care_llm_profile: str = "gpu"  # cpu | gpu | api: defaults per hardware class
    care_llm_max_tokens: int | None = None  # None → the profile's (cpu 220, gpu/api 400)
    care_llm_evidence: str | None = None  # sentences | passages (None → the profile's)
    care_llm_policy: str = "fallback"  # fallback | drop: what a sentence failing a check costs
    care_history_turns: int = 3

    @field_validator("care_allowed_users", "care_admins", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> list[int]:
        return _id_list(value)

    @property
    def store_path(self) -> Path:
        return self.care_data_dir / "care.sqlite3"

    def telegram_token(self) -> str:
        """The bot token, checked; raises a French ConfigurationError when missing or malformed."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigurationError(
                "TELEGRAM_BOT_TOKEN is not set",
                user_message=(
                    "La variable TELEGRAM_BOT_TOKEN n'est pas définie. Créez un bot avec "
                    "@BotFather puis exportez son jeton : export TELEGRAM_BOT_TOKEN=123456:ABC…"
                ),
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ConfigurationError(
                "TELEGRAM_BOT_TOKEN is malformed",
                user_message=(
                    "La variable TELEGRAM_BOT_TOKEN ne ressemble pas à un jeton de bot Telegram "
                    "(forme attendue : 123456789:AA… fourni par @BotFather)."
                ),
            )
        return token


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValueError as exc:
        raise ConfigurationError(
            f"invalid settings: {exc}",
            user_message=f"Configuration invalide : {exc}",
        ) from exc
