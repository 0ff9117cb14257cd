"""What the LLM stage needs to know, passed down explicitly by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from agent.errors import LLMError

EVIDENCE_KINDS = ("sentences", "passages")
POLICIES = ("drop", "fallback")


@dataclass(frozen=True)
class Profile:
    """Defaults for a class of hardware (``CARE_LLM_PROFILE``); each can be overridden.

    ``cpu``: a 0.5–1.5B model served by llama.cpp on the bot's own CPU: ~75 tokens/s read,
    ~20 tokens/s written on 2 cores, so short prompts (the chosen sentences) and a short cap.
    ``gpu``: a 7–8B instruct model on a GPU (vLLM, Ollama, llama.cpp): a few seconds an answer.
    ``api``: a hosted OpenAI-compatible API (Albert…): fast, larger context, whole passages.
    """

    timeout: float
    max_tokens: int
    max_passages: int
    evidence: str


PROFILES = {
    "cpu": Profile(timeout=120.0, max_tokens=220, max_passages=3, evidence="sentences"),
    "gpu": Profile(timeout=8.0, max_tokens=400, max_passages=4, evidence="sentences"),
    "api": Profile(timeout=15.0, max_tokens=400, max_passages=5, evidence="passages"),
}
DEFAULT_PROFILE = "gpu"

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

    ``timeout`` bounds every call: a caller that waits for the model (``care-bot ask``) gets the
    extractive answer at most ``timeout`` + 1 s after asking, whatever the endpoint does; in the
    chat and on Telegram the extractive answer is sent first and the model's version replaces it
    when it arrives in time and passes the checks. ``max_tokens`` caps the answer's length at the
    server; ``evidence`` is what the model reads: ``sentences`` (those the extractive answer
    chose, for small models) or ``passages`` (whole chunks); ``policy`` what a failing sentence
    costs (see ``agent.llm.answer_checks``). ``for_profile`` fills them per hardware class.
    """

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = PROFILES[DEFAULT_PROFILE].timeout
    provider: str = "openai"
    temperature: float = 0.1
    max_answer_chars: int = 900
    failure_threshold: int = 3
    cooldown_seconds: float = 30.0
    max_tokens: int = PROFILES[DEFAULT_PROFILE].max_tokens
    max_passages: int = PROFILES[DEFAULT_PROFILE].max_passages
    evidence: str = PROFILES[DEFAULT_PROFILE].evidence
    policy: str = "fallback"
    profile: str = DEFAULT_PROFILE

    @classmethod
    def for_profile(
        cls, profile: str, base_url: str, model: str, **overrides: object
    ) -> LLMConfig:
        """A configuration with ``profile``'s defaults; ``overrides`` that are None are ignored."""
        name = (profile or DEFAULT_PROFILE).strip().lower()
        if name not in PROFILES:
            raise LLMConfigError(
                f"unknown LLM profile {profile!r}",
                user_message=(
                    f"CARE_LLM_PROFILE={profile!r} est inconnu : utilisez cpu (petit modèle sur "
                    "le processeur), gpu (modèle 7-8B sur carte graphique) ou api (Albert…)."
                ),
            )
        chosen = PROFILES[name]
        values: dict[str, object] = {
            "profile": name,
            "timeout": chosen.timeout,
            "max_tokens": chosen.max_tokens,
            "max_passages": chosen.max_passages,
            "evidence": chosen.evidence,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(base_url=base_url, model=model, **values)  # type: ignore[arg-type]

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
        if self.max_tokens < 16:
            raise LLMConfigError(
                "CARE_LLM_MAX_TOKENS too small",
                user_message="CARE_LLM_MAX_TOKENS doit valoir au moins 16.",
            )
        if self.evidence not in EVIDENCE_KINDS or self.policy not in POLICIES:
            raise LLMConfigError(
                f"unknown evidence {self.evidence!r} or policy {self.policy!r}",
                user_message=(
                    "CARE_LLM_EVIDENCE vaut sentences ou passages ; CARE_LLM_POLICY vaut drop "
                    "ou fallback."
                ),
            )

    @property
    def small_model(self) -> bool:
        """A CPU model: one call at a time, and never on the path of the first answer."""
        return self.profile == "cpu"

    @property
    def display_url(self) -> str:
        """The base URL without any user:password part, for logs and ``care-bot doctor``."""
        scheme, sep, rest = self.base_url.partition("://")
        if not sep:
            return self.base_url
        host, slash, path = rest.partition("/")
        return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"
