"""Follow-up questions made standalone by rule, without a model (extractive mode, and the
fallback of the LLM rewrite in ``agent.llm.followup``).

An elliptical question ("et pour le D2 ?", "qu'en est-il des EHPAD ?", "et le délai ?") takes
the previous question's subject: a domain or code of the same family is swapped ("Quels sont
les prérequis du D1 ?" → "… du D2 ?"), otherwise the new terms are added to the previous
question. The previous question is itself resolved first, so chains of follow-ups keep their
subject. Pure Python: importing this module costs nothing at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

History = Sequence[Mapping[str, str]]

_CONNECTORS = re.compile(r"^(?:(?:et|mais|alors|puis|ok|d['’]accord|merci)\b[\s,]*)+", re.I)
_ABOUT = re.compile(
    r"^(?:qu['’]en\s+est[\s-]il|quid|concernant|s['’]agissant|à\s+propos"
    r"|(?:pareil|idem|même\s+(?:question|chose))(?:\s+pour)?)\b\s*",
    re.IGNORECASE,
)
_STARTS_WITH_CUE = re.compile(
    r"^(?:et|pareil|idem|même\s+(?:question|chose)|qu['’]en\s+est[\s-]il|quid|concernant"
    r"|s['’]agissant|à\s+propos|ainsi\s+que|aussi)\b",
    re.IGNORECASE,
)
_DE_ARTICLE = re.compile(r"^(?:de\s+la\b|de\s+l['’]|des\b|du\b|de\b|d['’])\s*", re.IGNORECASE)
_IDENT = re.compile(
    r"\b(?:(?P<word>domaine)\s+(?P<num>\d{1,2})"
    r"|(?P<code>(?P<family>[A-Za-z]{1,3})(?P<digits>\d{1,2})(?:\.[A-Za-z]{0,2}\d{0,2}[A-Za-z]?)*))\b",
    re.IGNORECASE,
)
_FILLER_WORDS = frozenset(
    {"et", "pour", "le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "ce"}
    | {"cette", "ces", "aussi", "alors"}
)
_SHORT_QUESTION_WORDS = 3


def looks_like_followup(question: str) -> bool:
    """True when the question leans on the previous one.

    Either it opens with a cue ("et …", "qu'en est-il …", "pareil pour …"), or it is very short
    and names no subject of its own ("Quel délai ?", "Le D2 ?"; but not "La PGSSI-S ?").
    """
    text = question.strip().rstrip("?!. ").strip()
    if not text:
        return False
    if _STARTS_WITH_CUE.match(text):
        return True
    words = text.split()
    if len(words) > _SHORT_QUESTION_WORDS:
        return False
    return not any(_is_acronym(word) for word in words)


def _is_acronym(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2 and _IDENT.fullmatch(word) is None


class ExtractiveFollowupRewriter:
    """``rewrite_followup`` without a model: see the module docstring."""

    def __init__(self, history_turns: int = 3) -> None:
        self._history_turns = max(0, history_turns)

    def __call__(self, question: str, history: list[dict[str, str]]) -> str:
        recent = list(history[-self._history_turns :]) if self._history_turns else []
        return self.rewrite(question, recent)

    def rewrite(self, question: str, history: History) -> str:
        if not history or not looks_like_followup(question):
            return question
        previous = self.rewrite(history[-1].get("q", ""), history[:-1]).strip()
        if not previous:
            return question
        return combine(previous, question)


def combine(previous: str, question: str) -> str:
    """The previous question with the follow-up's subject swapped in or its terms added."""
    remainder = _remainder(question)
    core = previous.strip().rstrip("?!. ").strip()
    if not remainder:
        return f"{core} ?"
    new_ident = _IDENT.search(remainder)
    if new_ident is not None:
        swapped = _swap_identifier(core, new_ident)
        if swapped is not None:
            rest = remainder[: new_ident.start()] + remainder[new_ident.end() :]
            extra = " ".join(
                w for w in rest.split() if w.lower().strip("'’,") not in _FILLER_WORDS
            )
            return f"{swapped} {extra} ?" if extra else f"{swapped} ?"
    if not remainder.startswith("pour ") and not _is_acronym(remainder.split()[0]):
        remainder = remainder[0].lower() + remainder[1:]
    return f"{core}, {remainder} ?"


def _remainder(question: str) -> str:
    """The follow-up without its cue words: "et qu'en est-il des GHT ?" → "pour les GHT"."""
    text = _CONNECTORS.sub("", question.strip().rstrip("?!. ").strip()).strip(" ,")
    about = _ABOUT.match(text)
    if about is None:
        return text
    rest = text[about.end() :].strip(" ,")
    de = _DE_ARTICLE.match(rest)
    if de is not None:
        article = " ".join(de.group(0).lower().split())
        article = {"des": "les ", "du": "le ", "de la": "la ", "de": ""}.get(article, "l'")
        rest = article + rest[de.end() :]
    return f"pour {rest}" if rest else ""


def _swap_identifier(previous: str, new: re.Match[str]) -> str | None:
    new_family, new_number = _family(new)
    for old in _IDENT.finditer(previous):
        family, _ = _family(old)
        if family != new_family:
            continue
        if old.group("word"):
            replacement = f"{old.group('word')} {new_number}"
        elif new.group("word"):
            replacement = f"{old.group('family')}{new_number}"
        else:
            replacement = (
                new.group("code").upper() if old.group("code").isupper() else new.group("code")
            )
        return previous[: old.start()] + replacement + previous[old.end() :]
    return None


def _family(match: re.Match[str]) -> tuple[str, str]:
    if match.group("word"):
        return "D", match.group("num")
    return match.group("family").upper(), match.group("digits")
