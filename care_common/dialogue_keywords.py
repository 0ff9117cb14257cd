"""The words that steer an interview rather than answer it, one list for both interviews.

    dialogue_keyword("Précédent")         → DialogueKeyword.BACK
    dialogue_keyword(" Je ne sais pas. ") → DialogueKeyword.UNKNOWN
    dialogue_keyword("Non")               → None (an answer)

The eligibility check and the drafting dialogue both ask one question at a time; a user who
types « retour » in one expects it to work in the other. Each interview decides what a keyword
does there (drafting has no « je ne sais pas » answer: it skips the field, if it may be skipped);
which words are keywords is decided here only. The whole message must be the keyword (folded,
blanks collapsed, final « . » or « ! » ignored): « retour sur investissement » is an answer.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from care_common.french_text import fold_phrase


class DialogueKeyword(Enum):
    """What a keyword asks of the interview."""

    BACK = "back"  # take the last answer back and ask its question again
    UNKNOWN = "unknown"  # « je ne sais pas »: no answer to this question
    SKIP = "skip"  # leave this question unanswered (optional fields)
    DONE = "done"  # a list is complete
    CANCEL = "cancel"  # stop the interview (what was saved stays saved)


# Folded spellings (see ``care_common.french_text.fold_phrase``).
_WORDS: Final[dict[DialogueKeyword, frozenset[str]]] = {
    DialogueKeyword.BACK: frozenset(
        {
            "retour",
            "precedent",
            "precedente",
            "question precedente",
            "revenir",
            "en arriere",
            "<",
        }
    ),
    DialogueKeyword.UNKNOWN: frozenset(
        {
            "je ne sais pas",
            "je sais pas",
            "ne sais pas",
            "je ne sais plus",
            "jsp",
            "nsp",
            "inconnu",
            "aucune idee",
        }
    ),
    DialogueKeyword.SKIP: frozenset({"passer", "je passe", "sauter"}),
    DialogueKeyword.DONE: frozenset({"termine", "terminee", "fini", "c'est tout"}),
    DialogueKeyword.CANCEL: frozenset({"annuler", "stop", "abandonner"}),
}
_KEYWORD_OF: Final[dict[str, DialogueKeyword]] = {
    word: keyword for keyword, words in _WORDS.items() for word in words
}


def dialogue_keyword(text: str) -> DialogueKeyword | None:
    """The keyword the whole of ``text`` is (any case, accents, spacing, final « . » / « ! »),
    else None."""
    return _KEYWORD_OF.get(fold_phrase(text).strip(" .!"))


def keyword_words(keyword: DialogueKeyword) -> frozenset[str]:
    """The folded spellings recognised for ``keyword`` (for documentation and tests)."""
    return _WORDS[keyword]
