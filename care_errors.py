"""Root of the project's error tree.

Every package defines its own errors under ``CareError``::

    CareError
    ├── retrieval.RetrievalError        (knowledge files, index, embedders, vector store)
    │   ├── KnowledgeFileError          (file, line, reason)
    │   └── EmbedderUnavailableError    (model missing, names the setting)
    ├── eligibility.EligibilityError    (rule tables, profiles)
    ├── drafting.DraftingError          (field specs, answers files, rendering)
    ├── agent.AgentError                (store, LLM)
    └── bot.ConfigurationError          (settings from the environment)

Front ends map any ``CareError`` to one French message (``user_message``) and log the cause.
"""

from __future__ import annotations


class CareError(Exception):
    """Base class of every error the project raises on purpose.

    ``user_message`` is the French text a user may see; the exception's own text is for logs.
    """

    user_message = "Une erreur interne est survenue. Veuillez réessayer plus tard."

    def __init__(self, message: str = "", *, user_message: str | None = None) -> None:
        super().__init__(message or self.user_message)
        if user_message is not None:
            self.user_message = user_message
