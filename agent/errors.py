"""Errors of the conversational core."""

from __future__ import annotations

from care_errors import CareError


class AgentError(CareError):
    """Base of the agent's errors."""


class StoreError(AgentError):
    user_message = (
        "Le stockage des conversations est momentanément indisponible. "
        "Votre dernière saisie n'a peut-être pas été enregistrée : veuillez réessayer."
    )


class LLMError(AgentError):
    """The configured language model failed; callers fall back to the extractive answer."""
