"""Drafting help: a grounded wording proposed for a narrative field of a dossier.

The suggestion is only a proposal: the drafting flow shows it and the user accepts, edits or
refuses it; nothing here writes into a draft.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from langchain_core.messages import HumanMessage, SystemMessage

from agent.answering import source_ref
from agent.llm.client import LLMCallError, LLMClient
from agent.llm.grounding import Rejected, check_grounded, renumber, strip_markers
from agent.llm.prompts import PromptLibrary
from agent.turns import SourceRef
from retrieval import Passage

logger = logging.getLogger(__name__)

SUGGESTION_MAX_CHARS = 1500
SUGGESTION_MAX_TOKENS = 900
MAX_PASSAGES = 5
MAX_CONTEXT_VALUE_CHARS = 500

FIELD_GUIDANCE: dict[str, tuple[str, str]] = {
    "contexte": (
        "Contexte du projet",
        "présentez l'établissement, son activité et ce qui motive le projet de cybersécurité, "
        "en lien avec le domaine CaRE visé.",
    ),
    "etat_des_lieux": (
        "État des lieux",
        "décrivez la situation actuelle de l'établissement au regard des exigences du domaine "
        "CaRE visé : ce qui existe déjà et ce qui manque.",
    ),
    "objectifs": (
        "Intitulé d'un objectif",
        "énoncez en une phrase l'intitulé d'un seul objectif du projet, concret et vérifiable, "
        "aligné sur les objectifs et indicateurs du domaine CaRE visé, différent des objectifs "
        "déjà listés dans le dossier.",
    ),
}
FIELD_MAX_CHARS = {"objectifs": 400}  # one objective's wording (the field takes 500 at most)


@dataclass(frozen=True)
class Suggestion:
    """A proposed wording. ``text`` goes into the draft if the user accepts it; ``annotated``
    keeps the ``[n]`` markers that ``sources`` explain, for display."""

    field: str
    text: str
    annotated: str
    sources: tuple[SourceRef, ...]


class DraftSuggester(Protocol):
    """What the drafting flow calls for "proposer une rédaction"; None means no proposal."""

    def suggest(
        self, field: str, context: Mapping[str, str], passages: Sequence[Passage]
    ) -> Suggestion | None: ...


class LLMDraftSuggester:
    """``DraftSuggester`` through the model, with the same grounding rules as answers."""

    def __init__(
        self,
        client: LLMClient,
        prompts: PromptLibrary,
        *,
        max_chars: int = SUGGESTION_MAX_CHARS,
        today: date | None = None,
    ) -> None:
        self._client = client
        self._prompts = prompts
        self._max_chars = max_chars
        self._today = today

    def suggest(
        self, field: str, context: Mapping[str, str], passages: Sequence[Passage]
    ) -> Suggestion | None:
        """A grounded proposal for ``field`` from the draft's answers (``context``: label or
        field name → value) and retrieved ``passages``; None when none can be given."""
        given = tuple(passages[:MAX_PASSAGES])
        if not given:
            return None
        try:
            return self._suggest(field, context, given)
        except LLMCallError:
            return None
        except Exception as exc:  # a failed proposal must never break the drafting dialogue
            logger.warning("drafting suggestion failed: %s", type(exc).__name__, exc_info=True)
            return None

    def _suggest(
        self, field: str, context: Mapping[str, str], passages: tuple[Passage, ...]
    ) -> Suggestion | None:
        label, guidance = FIELD_GUIDANCE.get(
            field, (field.replace("_", " ").capitalize(), "rédigez ce champ du dossier.")
        )
        system = self._prompts.system(self._today or date.today())
        items = [
            (str(key), str(value)[:MAX_CONTEXT_VALUE_CHARS])
            for key, value in context.items()
            if str(value).strip()
        ]
        max_chars = min(self._max_chars, FIELD_MAX_CHARS.get(field, self._max_chars))
        user = self._prompts.suggestion(field, label, guidance, items, passages, max_chars)
        completion = self._client.complete(
            [SystemMessage(system), HumanMessage(user)],
            max_tokens=SUGGESTION_MAX_TOKENS,
            max_chars=2 * max_chars,
            purpose="drafting suggestion",
        )
        checked = check_grounded(
            completion.text, passages, system_prompt=system, max_chars=max_chars
        )
        if isinstance(checked, Rejected):
            logger.info("drafting suggestion discarded: %s", checked.reason)
            return None
        text, order = renumber(checked.text)
        sources = tuple(source_ref(new, passages[old - 1]) for new, old in enumerate(order, 1))
        return Suggestion(field, strip_markers(text), text, sources)
