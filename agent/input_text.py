"""Normalisation of what users type, before anything else looks at it."""

from __future__ import annotations

import re
import unicodedata

from care_common.french_text import fold_phrase
from care_common.question_words import has_interrogative_word
from retrieval import analyze_text

MAX_QUESTION_CHARS = 2000

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """NFC-normalise, drop control and bidi-override characters, collapse blank runs."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


_MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&(?:[a-z]+|#\d+);")
_GREETING = re.compile(r"^(?:bonjour|bonsoir|salut|hello|coucou|hey|bjr)\b")
_THANKS = re.compile(r"^(?:merci|ok|d'accord|parfait|super|top|tres bien)\b")
_AND = re.compile(r"\bet\b")  # « et ? », « et alors ? »: the rest is the previous question
_ASK = (
    "Posez votre question en quelques mots, en nommant le sujet, par exemple : « Jusqu'à "
    "quand peut-on candidater au domaine 2 de CaRE ? » ou « Mon EHPAD est-il éligible ? ». "
    "Tapez /aide pour voir tout ce que je sais faire."
)
NO_QUESTION = f"Je n'ai pas trouvé de question dans votre message. {_ASK}"
GREETING = (
    "Bonjour ! Je réponds aux questions sur le programme CaRE et la cybersécurité des "
    f"établissements de santé, sources à l'appui. {_ASK}"
)
THANKS = f"Avec plaisir. Si vous avez une autre question, je suis là. {_ASK}"


def without_markup(text: str) -> str:
    """The text without HTML/XML tags and entities ("<b>", "&nbsp;"), pasted or typed."""
    return _MARKUP.sub(" ", text)


def has_words(text: str) -> bool:
    """True when the text has a letter or digit (not only emoji, punctuation or tags)."""
    return any(ch.isalnum() for ch in without_markup(text))


def no_question_reply(text: str, followup: bool = False) -> str | None:
    """A short French prompt when the text carries nothing to search for, else None.

    "ok", "merci", "bonjour", "<b>", "???" have no word the knowledge base could match (every
    word is a stop word or markup). With ``followup`` (the assistant can rewrite a follow-up
    from the conversation), a bare "pourquoi ?" or "et quand ?" is left to that rewriting.
    """
    plain = without_markup(text)
    if analyze_text(plain):
        return None
    folded = fold_phrase(plain)
    if followup and (has_interrogative_word(folded) or _AND.search(folded)):
        return None
    if _GREETING.match(folded):
        return GREETING
    if _THANKS.match(folded):
        return THANKS
    return NO_QUESTION
