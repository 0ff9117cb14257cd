"""The chat model factory: any OpenAI-compatible endpoint through LangChain's ``ChatOpenAI``."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from agent.llm.config import LLMConfig

NO_KEY = "not-needed"  # local servers (Ollama, llama.cpp) ignore the key, the client wants one


def build_chat_model(config: LLMConfig) -> BaseChatModel:
    """A ``BaseChatModel`` for the configured endpoint: no retries, every call bounded in time.

    Retries are ours to decide (the circuit breaker), not the client's: a retry would double the
    time a user waits before the extractive fallback. ``langchain_openai`` is imported here, not
    at module level: the extractive mode never pays its start-up cost.
    """
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=SecretStr(config.api_key or NO_KEY),
        timeout=config.timeout,
        max_retries=0,
        temperature=config.temperature,
        use_responses_api=False,
    )
