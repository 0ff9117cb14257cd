"""« Proposer une rédaction »: a grounded wording for a narrative field, offered, never imposed.

Only when a model is configured (the composition root passes ``DraftingHelp`` or None). The
proposal is kept in the dialogue state, not in the draft: it reaches the draft only if the user
accepts it (and then through the same validation as a typed answer); « modifier » hands the
text back for the user to edit and send, « refuser » drops it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from agent.turns import Option
from drafting import Answers, DocumentSpec, display_value, get_path, is_missing
from drafting.walk import Question

if TYPE_CHECKING:
    from agent.llm.suggester import DraftSuggester, Suggestion
    from retrieval import Passage

SUGGEST_ACTION = "dr:suggest"
SUGGEST_OPTION = Option("Proposer une rédaction", SUGGEST_ACTION)
ACCEPT, EDIT, REFUSE = "dr:sug:accept", "dr:sug:edit", "dr:sug:refuse"
CHOICE_OPTIONS = (
    Option("Accepter", ACCEPT),
    Option("Modifier", EDIT),
    Option("Refuser", REFUSE),
)
TYPED_SUGGEST = frozenset({"proposer", "proposer une redaction", "proposition"})
TYPED_ACCEPT = frozenset({"accepter", "oui", "j'accepte"})
TYPED_EDIT = frozenset({"modifier", "editer"})
TYPED_REFUSE = frozenset({"refuser", "non", "je refuse"})

# What to search the knowledge base for, per narrative field (the dispositif is added).
_QUERIES: dict[str, str] = {
    "contexte": "enjeux de cybersécurité des établissements de santé programme CaRE",
    "etat_des_lieux": "prérequis et exigences du domaine CaRE état des lieux",
    "objectifs": "objectifs et indicateurs du domaine CaRE",
}
NARRATIVE_FIELDS = tuple(_QUERIES)


def suggestion_target(question: Question) -> str | None:
    """The narrative field a proposal can be made for at this question, or None.

    ``contexte`` and ``etat_des_lieux`` are free texts; for ``objectifs`` (a list) the proposal
    is the wording of one objective, at its « intitulé » question.
    """
    if question.kind != "value":
        return None
    if question.parent is None:
        return question.path if question.path in ("contexte", "etat_des_lieux") else None
    if question.parent.key == "objectifs" and question.field.key == "intitule":
        return "objectifs"
    return None


class DraftingHelp:
    """Retrieves passages for a narrative field and asks the suggester for a proposal."""

    def __init__(
        self, suggester: DraftSuggester, search: Callable[[str], Sequence[Passage]]
    ) -> None:
        self._suggester = suggester
        self._search = search

    def propose(self, target: str, spec: DocumentSpec, answers: Answers) -> Suggestion | None:
        context = dossier_context(spec, answers)
        dispositif = context.get(_label(spec, "dispositif"), "")
        query = f"{_QUERIES.get(target, target)} {dispositif}".strip()
        passages = self._search(query)
        if not passages:
            return None
        return self._suggester.suggest(target, context, passages)


def dossier_context(spec: DocumentSpec, answers: Answers) -> dict[str, str]:
    """The answers already given, label → readable value (lists summarised), for the prompt."""
    context: dict[str, str] = {}
    for spec_field in spec.fields:
        value = get_path(answers, spec_field.key)
        if is_missing(value):
            continue
        if spec_field.type == "list":
            items = value if isinstance(value, list) else []
            first = spec_field.fields[0].key if spec_field.fields else ""
            shown = [str(item.get(first, "")) for item in items if isinstance(item, dict)]
            if any(shown):
                context[spec_field.label] = " ; ".join(s for s in shown if s)
            continue
        context[spec_field.label] = display_value(spec_field, value)
    return context


def _label(spec: DocumentSpec, key: str) -> str:
    spec_field = spec.field(key)
    return spec_field.label if spec_field is not None else key


def pending_text(state: Mapping[str, object], path: str) -> str | None:
    """The proposal waiting for the user's choice at ``path``, if any."""
    pending = state.get("suggestion")
    if isinstance(pending, dict) and pending.get("path") == path:
        text = pending.get("text")
        return text if isinstance(text, str) else None
    return None
