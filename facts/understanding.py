"""Question understanding: the dispositifs a question is about and what it asks of them.

``understand(question, catalogue, previous)`` resolves a follow-up against the previous answer
(``Previous``): « et pour le D1 ? » keeps the previous intents with the new dispositif, « et la
date limite ? » keeps the previous dispositif with the new intent, « et la 4e action, c'est pour
quand ? » points at the 4th item of the list the previous answer gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facts.catalogue import Catalogue
from facts.intents import DEFINITION, Ask, asks
from facts.text import plain

_ORDINAL_WORDS = {
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3,
    "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9,
    "dixieme": 10, "dernier": -1, "derniere": -1,
}  # fmt: skip
_ITEM_NOUNS = (
    r"actions?|points?|items?|etapes?|objectifs?|pieces?|preuves?|prerequis|cibles?|mesures?"
    r"|elements?|criteres?|conditions?|lignes?"
)
_ORDINAL_REF = re.compile(
    rf"(?<![a-z0-9])(?:la |le |l |les )?(?:(?P<num>\d{{1,2}}) ?(?:e|eme|er|ere|°)"
    rf"|(?P<word>{'|'.join(_ORDINAL_WORDS)})) (?P<noun>{_ITEM_NOUNS})(?![a-z0-9])"
)
_NUMBERED_REF = re.compile(
    rf"(?<![a-z0-9])(?P<noun>{_ITEM_NOUNS}) (?:n |numero |no )?(?P<num>\d{{1,2}})(?![a-z0-9])"
)
_CUE = re.compile(
    r"^(?:et|mais|alors|ok|d accord|merci|pareil|idem|meme question|qu en est il|quid"
    r"|concernant|s agissant|a propos|pour (?:le|la|les|l))(?![a-z0-9])"
)
_ANAPHORA = re.compile(
    r"(?<![a-z0-9])(?:ce (?:guichet|domaine|dispositif|texte|programme|financement|appel)"
    r"|cette (?:instruction|action|fenetre|liste|obligation)|celle ci|celui ci|ces (?:actions|"
    r"objectifs|prerequis|pieces|preuves))(?![a-z0-9])"
)
_SHORT = 4


@dataclass(frozen=True)
class Previous:
    """What the previous answer was about, kept in the session between turns."""

    dispositifs: tuple[str, ...] = ()
    asks: tuple[Ask, ...] = ()
    items: tuple[str, ...] = ()  # the items of the list it gave, in order


@dataclass(frozen=True)
class Understanding:
    question: str
    dispositifs: tuple[str, ...]  # the dispositifs the answer must be about (never CaRE itself)
    asks: tuple[Ask, ...]
    programme: bool = False  # the question names CaRE itself
    inherited: bool = False  # dispositifs or intents taken from the previous answer
    item: int | None = None  # 1-based item of a list the question points at (-1: the last)
    item_text: str | None = None  # that item, when the previous answer (or a fact) gave it
    item_noun: str = ""  # what the item is called in the question ("action")
    followup: bool = False

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.attribute for a in self.asks if a.attribute))

    def wants(self, kind: str) -> bool:
        return any(ask.kind == kind for ask in self.asks)


def looks_like_followup(question: str) -> bool:
    """A question leaning on the previous answer: a cue ("et …"), a pronoun ("ce guichet"), a
    list item (« la 4e action »), or a very short question that is not a definition."""
    text = plain(question)
    if _CUE.match(text) or _ANAPHORA.search(text) or item_reference(question) is not None:
        return True
    return 0 < len(text.split()) <= _SHORT and not any(a.kind == DEFINITION for a in asks(text))


def item_reference(question: str) -> int | None:
    """The list item a question points at: « la 4e action » → 4, « la dernière » → -1."""
    return _item(question)[0]


def _item(question: str) -> tuple[int | None, str]:
    text = plain(question)
    match = _ORDINAL_REF.search(text)
    if match is not None:
        number = match.group("num")
        value = int(number) if number else _ORDINAL_WORDS[match.group("word")]
        return value, match.group("noun").rstrip("s")
    numbered = _NUMBERED_REF.search(text)
    if numbered is None:
        return None, ""
    return int(numbered.group("num")), numbered.group("noun").rstrip("s")


def understand(
    question: str, catalogue: Catalogue, previous: Previous | None = None
) -> Understanding:
    named = catalogue.find(question)
    dispositifs = catalogue.specific(named)
    intents = asks(question)
    item, noun = _item(question)
    followup = previous is not None and looks_like_followup(question)
    inherited = False
    if followup and previous is not None:
        if not dispositifs and previous.dispositifs:
            dispositifs, inherited = previous.dispositifs, True
        if not intents and previous.asks:
            intents, inherited = previous.asks, True
    item_text = None
    if item is not None and followup and previous is not None and previous.items:
        index = item - 1 if item > 0 else len(previous.items) - 1
        if 0 <= index < len(previous.items):
            item_text = previous.items[index]
    return Understanding(
        question=question,
        dispositifs=dispositifs,
        asks=intents,
        programme=len(named) > len(dispositifs),
        inherited=inherited,
        item=item,
        item_text=item_text,
        item_noun=noun,
        followup=followup,
    )
