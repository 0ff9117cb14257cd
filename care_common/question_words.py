"""French interrogative words: does a text read as a question?

One list for every place that asks: a free question typed during an interview instead of an
answer (eligibility and drafting), the interrogative sentences of a long message, a bare
« et quand ? » after an answer. Words are folded (``care_common.french_text.fold``).
"""

from __future__ import annotations

import re

from care_common.french_text import fold_phrase

INTERROGATIVE_WORDS = frozenset(
    {
        "combien",
        "comment",
        "laquelle",
        "lequel",
        "lesquelles",
        "lesquels",
        "ou",
        "pourquoi",
        "quand",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
    }
)
"""Words that ask wherever they stand in a sentence (« et pour le D2, c'est quand ? »)."""

QUESTION_OPENINGS = INTERROGATIVE_WORDS | frozenset(
    {
        "a quoi",
        "c'est quoi",
        "de quoi",
        "dois-je",
        "doit-on",
        "est-ce",
        "faut-il",
        "peut-on",
        "puis-je",
        "qu'en",
        "qu'est",
        "que",
        "quest",  # « quest-ce que » typed without its apostrophe
        "y a-t-il",
    }
)
"""How a question may start (« que faut-il… », « est-ce que… », « peut-on… »)."""


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


# A word ends where no letter, digit or apostrophe follows: "quel" is not "quelque",
# "comment" is not "commentaire", "quest" is not "questionnaire".
_OPENING = re.compile(rf"^(?:{_alternation(QUESTION_OPENINGS)})(?![\w'])")
_ASKING = re.compile(rf"(?<!\w)(?:{_alternation(INTERROGATIVE_WORDS)})(?!\w)")


def starts_like_question(text: str) -> bool:
    """True when the text opens with an interrogative word or turn (« Comment… », « Y a-t-il »)."""
    return bool(_OPENING.match(fold_phrase(text)))


def has_interrogative_word(text: str) -> bool:
    """True when an interrogative word stands anywhere in the text (« et pour le D2, quand ? »)."""
    return bool(_ASKING.search(fold_phrase(text)))


def reads_as_question(text: str) -> bool:
    """Ends with « ? » or opens like a question: a free question typed instead of an answer."""
    return fold_phrase(text).endswith("?") or starts_like_question(text)
