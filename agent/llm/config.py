"""What the LLM stage needs to know, passed down explicitly by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from agent.errors import LLMError

OPENAI_COMPATIBLE = frozenset(
    {
        "openai",
        "openai-compatible",
        "ollama",
        "vllm",
        "llamacpp",
        "llama.cpp",
        "lmstudio",
        "albert",
    }
)


class LLMConfigError(LLMError):
    """The LLM settings are incomplete or name an unsupported provider."""

    user_message = "La configuration du modèle de langue (CARE_LLM_*) est invalide."


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat endpoint (Ollama ``/v1``, vLLM, llama.cpp, LM Studio, Albert…).

    ``timeout`` bounds every call; the user gets the extractive answer at most ``timeout`` + 1 s
    after asking, whatever the endpoint does.
    """

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 8.0
    provider: str = "openai"
    temperature: float = 0.1
    max_answer_chars: int = 1500
    failure_threshold: int = 3
    cooldown_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not self.base_url.strip():
            raise LLMConfigError("empty LLM base URL")
        if not self.model.strip():
            raise LLMConfigError(
                "CARE_LLM_MODEL is not set",
                user_message=(
                    "CARE_LLM_BASE_URL est défini mais pas CARE_LLM_MODEL : indiquez le nom "
                    "du modèle servi par ce point d'accès (par exemple mistral ou "
                    "qwen2.5:7b-instruct)."
                ),
            )
        if self.provider.strip().lower() not in OPENAI_COMPATIBLE:
            raise LLMConfigError(
                f"unsupported LLM provider {self.provider!r}",
                user_message=(
                    f"CARE_LLM_PROVIDER={self.provider!r} n'est pas pris en charge : utilisez "
                    "« openai » pour tout point d'accès compatible OpenAI (Ollama, vLLM, "
                    "llama.cpp, LM Studio, Albert)."
                ),
            )
        if self.timeout <= 0:
            raise LLMConfigError(
                "CARE_LLM_TIMEOUT must be positive",
                user_message="CARE_LLM_TIMEOUT doit être un nombre de secondes positif.",
            )

    @property
    def display_url(self) -> str:
        """The base URL without any user:password part, for logs and ``care-bot doctor``."""
        scheme, sep, rest = self.base_url.partition("://")
        if not sep:
            return self.base_url
        host, slash, path = rest.partition("/")
        return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"
