"""One sentence of a model's answer against the passages it cites: does it say something, and
is what it says in them?

Each check returns None when the sentence passes, else a short reason for the logs:

- ``no_content``: nothing but citation markers, an echo of the question, a repeat of an earlier
  sentence, or a sentence that stops before its point (« La date limite du D1 est [1]. »);
- ``figures_missing``: a number, date, amount, percentage or identifier absent from the cited
  passages (see ``agent.llm.figures``: « 45 M€ » matches « 45 millions d'euros »);
- ``unsupported_words``: distinctive words of the sentence absent from the cited passages;
- ``negation_mismatch``: the sentence denies what the closest sentence of the cited passages
  affirms, or the other way round;
- ``other_dispositif``: the sentence is about a dispositif (a CaRE domain, HospiConnect, NIS 2…)
  that the question does not name, while the question names one.

Words are compared once analysed (``retrieval.analyze_text``: folded, stemmed, identifiers kept
whole), so « éligibles » matches « éligibilité » and « D2.O1.C » matches « D2 O1 C ».
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from agent.llm.figures import evidence_keys, unsupported
from care_common.french_text import fold
from retrieval import analyze_text

MARKER = re.compile(r"\[(\d{1,3})\]")
MIN_CONTENT_TERMS = 2
MAX_UNSUPPORTED_SHARE = 0.2  # of a sentence's terms absent from its passages (at least 1 allowed)
SAME_SENTENCE = 0.85  # share of the shorter sentence's terms in the other one: a repeat
ECHO_SHARE = 0.8  # share of a sentence's terms that are the question's: an echo
_DIGIT = re.compile(r"\d")
_PROMPT_ECHO = re.compile(
    r"^\W*(?:extrait|source|titre|section|question|réponse|consigne)s?\b\s*(?:n(?:°|uméro)\s*)?"
    r"(?:\d|:|-|$)",
    re.IGNORECASE,
)
_PASSAGE_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_DANGLING = re.compile(
    r"(?:\b(?:est|sont|sera|seront|était|de|du|des|le|la|les|l'|d'|à|au|aux|par|pour|et|ou|"
    r"entre|avant|après|dans|sur|soit|suivant(?:e|es|s)?)|:)\s*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:ne|n'|pas|jamais|aucune?|nul(?:le)?|ni|sans|non|inéligibles?|exclue?s?|interdite?s?)\b"
    r"|n'",
    re.IGNORECASE,
)
# Words a faithful rewording may add: connectives, talk about sources, the question's intent.
_GENERIC = (
    "numéro extrait extraits titre section publié vérifié statut "
    "selon indique indiquent précise précisent prévoit prévoient permet permettent concerne "
    "concernent notamment également ainsi donc aussi cependant toutefois enfin alors source "
    "sources extrait extraits document documents texte textes réponse question information "
    "informations date dates délai délais limite nombre quand combien quel "
    "quelle quels quelles oui non fois cas cadre part lieu manière façon effet mesure besoin "
    "devez pouvez faut doit doivent peut peuvent être avoir fait faire mentionne mentionnent "
    "dit disent note notes voici il existe plusieurs différents différentes principal "
    "principaux principale principales important importante importants importantes "
    "établissement établissements santé programme"
)
_DISPOSITIFS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("D1bis", re.compile(r"\b(?:D\s?1\s?bis|domaine\s+1\s?bis)\b", re.IGNORECASE)),
    ("D1", re.compile(r"\b(?:D\s?1|domaine\s+1)\b(?!\s?bis)(?![.\-]?\d)", re.IGNORECASE)),
    ("D2", re.compile(r"\b(?:D\s?2|domaine\s+2)\b(?![.\-]?\d)", re.IGNORECASE)),
    ("D3", re.compile(r"\b(?:D\s?3|domaine\s+3)\b(?![.\-]?\d)", re.IGNORECASE)),
    ("D4", re.compile(r"\b(?:D\s?4|domaine\s+4)\b(?![.\-]?\d)", re.IGNORECASE)),
    ("HospiConnect", re.compile(r"\bhospi\s?connect\b|\bhop['’]?en\b", re.IGNORECASE)),
    ("Ségur", re.compile(r"\bs[ée]gur\b", re.IGNORECASE)),
    ("NIS 2", re.compile(r"\bnis\s?2\b", re.IGNORECASE)),
    ("HDS", re.compile(r"\bHDS\b|h[ée]bergement de donn[ée]es de sant[ée]", re.IGNORECASE)),
)


@dataclass(frozen=True)
class PassageFacts:
    """What one passage offers the checks: its terms, figure keys and sentences (analysed)."""

    terms: frozenset[str]
    figure_keys: frozenset[str]
    sentences: tuple[tuple[frozenset[str], bool], ...]  # (terms, has a negation)

    @classmethod
    def of(cls, text: str) -> PassageFacts:
        pieces = [p.strip() for p in _PASSAGE_SENTENCE.split(text) if p.strip()]
        return cls(
            terms=frozenset(terms_of(text)),
            figure_keys=evidence_keys(text),
            sentences=tuple((frozenset(terms_of(p)), negated(p)) for p in pieces),
        )


def terms_of(text: str) -> set[str]:
    """The analysed content words of a text, citation markers aside."""
    return set(analyze_text(MARKER.sub(" ", text)))


@lru_cache(maxsize=1)
def generic_terms() -> frozenset[str]:
    return frozenset(analyze_text(_GENERIC))


def core(sentence: str) -> str:
    """The sentence without its citation markers and trailing punctuation."""
    return MARKER.sub(" ", sentence).strip().strip(".;:!?…").strip()


def cited(sentence: str) -> list[int]:
    return [int(n) for n in MARKER.findall(sentence)]


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text.replace("’", "'")))


def dispositifs(text: str) -> set[str]:
    return {name for name, pattern in _DISPOSITIFS if pattern.search(text)}


def content_problem(sentence: str, question: str, earlier: Iterable[str]) -> str | None:
    """Why the sentence carries no content of its own, or None."""
    text = core(sentence)
    terms = terms_of(text)
    own = {t for t in terms - generic_terms() if not _DIGIT.search(t)}
    if len(own) < MIN_CONTENT_TERMS and fold(text) not in {"oui", "non"}:
        return "no content (citations or a fragment only)"
    if _DANGLING.search(MARKER.sub(" ", sentence).strip().rstrip(".!?… ")):
        return "no content (the sentence stops before its point)"
    if _PROMPT_ECHO.match(text):
        return "no content (the prompt's layout echoed)"
    question_terms = terms_of(question)
    if text.rstrip().endswith("?") or (
        question_terms and len(terms & question_terms) >= ECHO_SHARE * len(terms)
    ):
        return "no content (echo of the question)"
    for other in earlier:
        other_terms = terms_of(other)
        shorter = min(len(terms), len(other_terms))
        if shorter and len(terms & other_terms) >= SAME_SENTENCE * shorter:
            return "no content (repeats an earlier sentence)"
    return None


def support_problem(sentence: str, question: str, facts: Sequence[PassageFacts]) -> str | None:
    """Why the sentence is not backed by ``facts`` (the passages it cites), or None."""
    if not facts:
        return "no passage cited"
    evidence_terms = frozenset().union(*(f.terms for f in facts))
    keys = frozenset().union(*(f.figure_keys for f in facts))
    missing = unsupported(core(sentence), keys)
    if missing:
        return f"figures missing from the cited passages: {', '.join(missing[:3])}"
    # figures (digits, dates, identifiers) were checked above, with their own normalisation
    terms = {t for t in terms_of(core(sentence)) - generic_terms() if not _DIGIT.search(t)}
    absent = _absent(terms, evidence_terms)
    if len(absent) > max(1, MAX_UNSUPPORTED_SHARE * len(terms)):
        return f"unsupported words: {', '.join(sorted(absent)[:4])}"
    # every distinctive word within one passage sentence and its neighbour: words of the passage
    # recombined into a new claim (« DEBEX est un exercice de crise cyber ») do not pass; common
    # words of the question's own wording (« parution ») may be restated
    missing = _window_gap(terms - restated_question_terms(question), facts)
    if missing:
        return f"words not found together in one passage sentence: {', '.join(missing[:4])}"
    for clause in _PASSAGE_SENTENCE.split(core(sentence)):
        clause_terms = terms_of(clause) - generic_terms()
        closest = _closest_sentence(clause_terms, facts) if len(clause_terms) >= 2 else None
        if closest is not None and closest[1] != negated(clause):
            return "negation mismatch with the cited passage"
    question_dispositifs = dispositifs(question)
    own = dispositifs(core(sentence))
    if question_dispositifs and own and not own & question_dispositifs:
        return f"other dispositif ({', '.join(sorted(own))}) than the question's"
    return None


def restated_question_terms(question: str) -> set[str]:
    """Terms of the question's lower-case common words of 6 letters or more (« parution »,
    « obligatoire »), which an answer may restate; never its acronyms or names (« EHPAD »)."""
    words = [w for w in re.findall(r"[^\W\d_]{6,}", question) if w.islower()]
    return terms_of(" ".join(words))


def _window_gap(terms: set[str], facts: Sequence[PassageFacts]) -> list[str]:
    """The terms absent from the best window of two neighbouring sentences of one passage."""
    best: set[str] | None = None
    for fact in facts:
        pieces = [p for p, _ in fact.sentences] or [fact.terms]
        for i in range(len(pieces)):
            window = pieces[i] | (pieces[i + 1] if i + 1 < len(pieces) else frozenset())
            gap = _absent(terms, window)
            if best is None or len(gap) < len(best):
                best = gap
    return sorted(best or ())


def _absent(terms: Iterable[str], found: frozenset[str] | set[str]) -> set[str]:
    """``terms`` not in ``found``, a stem the analyzer left longer or shorter aside
    (« déclar » / « déclarent »: a shared start of 5 letters or more)."""
    return {
        t
        for t in terms
        if t not in found
        and not (
            len(t) >= 5
            and any(
                w[:5] == t[:5] and (w.startswith(t) or t.startswith(w))
                for w in found
                if len(w) >= 5
            )
        )
    }


def _closest_sentence(
    terms: set[str], facts: Sequence[PassageFacts]
) -> tuple[frozenset[str], bool] | None:
    best: tuple[int, tuple[frozenset[str], bool]] | None = None
    for fact in facts:
        for candidate in fact.sentences:
            shared = len(terms & candidate[0])
            if shared and (best is None or shared > best[0]):
                best = (shared, candidate)
    return None if best is None else best[1]
