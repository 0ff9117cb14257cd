"""French text analysis for BM25: the same pipeline for documents and queries.

text → control characters removed, NFKC → identifiers protected (see french_identifiers) →
elision removed (l', d', qu', j', n', s', c', m', t', jusqu', lorsqu', puisqu') → words →
accent folding → stop words dropped → Snowball French stem, with two derivations merged
("candidature" → "candidat", "obligatoire" → "oblig") and a few short forms read as the full
word ("max" → "maximal", "infos" → "information") (acronyms of the glossary and tokens
with digits are kept as they are).

Words of three letters or less are not stemmed (they are mostly acronyms: "ARS", "DNS", "CPS").
Accents are folded *before* stemming so that "securite" and "sécurité" give the same stem; a few
folded endings are re-accented first ("-ite" → "-ité", "-ee" → "-ée") so the stemmer still
recognises them.

Queries are also expanded with the glossary: a query that names a term, its expansion or one of
its synonyms gets the tokens of the term and of its expansion, each weighted
``expansion_weight / n ** expansion_norm`` (n: number of those tokens), so that a long expansion
counts about as much as one query word. 1.0 / 1.0 measured best on the dev set (a flat 0.5 per
token lost 5 points of hit@1: "CaRE" dragged in "cybersécurité", "établissements"…).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import snowballstemmer

from care_common.french_text import fold
from retrieval.lexical.french_identifiers import PLACEHOLDER_RE, protect
from retrieval.lexical.french_stopwords import STOP_WORDS
from retrieval.models import GlossaryEntry

MAX_QUERY_CHARS = 1000

_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]"
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'"})
_ELISION_RE = re.compile(
    r"\b(?:qu|jusqu|lorsqu|puisqu|quoiqu|presqu|[ldjmnstc])'(?=\w)", re.IGNORECASE
)
_WORD_RE = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_INVERTED = frozenset({"il", "elle", "on", "ils", "elles"})
_REACCENT = ((re.compile(r"ite(s?)$"), r"ité\1"), (re.compile(r"ee(s?)$"), r"ée\1"))
# Derivations Snowball leaves apart although users mix them: "candidater" / "candidature",
# "obligation" / "obligatoire" (applied to the stem, only when a long enough root remains).
_DERIVATIONS = ((re.compile(r"(?<=\w{5})atur$"), "at"), (re.compile(r"(?<=\w{4})atoir$"), ""))
# Short forms typed in questions, read as the full word ("combien max pour le D1").
_SHORT_FORMS = {
    "max": "maximal",
    "maxi": "maximal",
    "maximum": "maximal",
    "min": "minimal",
    "mini": "minimal",
    "minimum": "minimal",
    "info": "information",
    "infos": "information",
    "doc": "document",
    "docs": "document",
    "dispo": "disponible",
    "etab": "etablissement",
    "etabs": "etablissement",
    # numbers written in words match their digits ("les sept actions" / "les 7 actions");
    # "neuf" (also "new") is left out
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "six": "6",
    "sept": "7",
    "huit": "8",
    "dix": "10",
}
_HYPHEN_RE = re.compile(r"[-‐‑]")
_STEMMER = snowballstemmer.stemmer("french")
_CACHE_SIZE = 200_000


def clean_text(text: str, max_chars: int | None = None) -> str:
    """Drop control, invisible and lone surrogate characters, normalise (NFKC), truncate."""
    text = _CONTROL_RE.sub(" ", unicodedata.normalize("NFKC", text))
    text = " ".join(text.split())
    if max_chars is not None and len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return text


@functools.lru_cache(maxsize=65536)
def stem(folded: str) -> str:
    """Snowball French stem of a folded word (with its lost accents put back where it matters)."""
    if len(folded) > 5:
        for pattern, replacement in _REACCENT:
            if pattern.search(folded):
                folded = pattern.sub(replacement, folded)
                break
    stemmed = fold(_STEMMER.stemWord(folded))
    for pattern, replacement in _DERIVATIONS:
        stemmed = pattern.sub(replacement, stemmed)
    return stemmed


@dataclass(frozen=True)
class QueryGroup:
    """One word of the query and the tokens that may stand for it, with their weights."""

    token: str
    alternatives: tuple[tuple[str, float], ...]


class FrenchAnalyzer:
    """Documents → tokens; queries → weighted token groups expanded with the glossary."""

    def __init__(
        self,
        glossary: Sequence[GlossaryEntry] = (),
        expansion_weight: float = 1.0,
        expansion_norm: float = 1.0,
    ) -> None:
        self.expansion_weight = expansion_weight
        self.expansion_norm = expansion_norm
        self._cache: dict[str, tuple[str, ...]] = {}
        self._protected = frozenset(_acronyms(glossary))
        self._forms: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self._canonical: list[tuple[str, ...]] = []
        for index, entry in enumerate(glossary):
            canonical = self._phrase(entry.term) + self._phrase(entry.expansion)
            self._canonical.append(canonical)
            for form in (entry.term, entry.expansion, *entry.synonyms):
                tokens = self._phrase(form)
                if tokens:
                    self._forms.setdefault(tokens[0], []).append((tokens, index))
        for candidates in self._forms.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def tokens(self, text: str) -> list[str]:
        """The index tokens of a text, in order (identifiers give several tokens)."""
        text = _ELISION_RE.sub(" ", clean_text(text).translate(_APOSTROPHES))
        protected, identifiers = protect(text)
        result: list[str] = []
        for match in _WORD_RE.finditer(protected):
            result.extend(self._word_tokens(match.group(0), identifiers))
        return result

    def query(self, text: str) -> list[QueryGroup]:
        """Query groups: each query token with its glossary alternatives (deduplicated)."""
        tokens = self.tokens(clean_text(text, MAX_QUERY_CHARS))
        extra: dict[int, dict[str, float]] = {}
        position = 0
        while position < len(tokens):
            span, entries = self._match_forms(tokens, position)
            for offset in range(span):
                alternatives = extra.setdefault(position + offset, {})
                for entry in entries:
                    canonical = self._canonical[entry]
                    weight = self.expansion_weight / len(canonical) ** self.expansion_norm
                    for token in canonical:
                        alternatives[token] = max(alternatives.get(token, 0.0), weight)
            position += max(span, 1)
        groups: dict[str, dict[str, float]] = {}
        for index, token in enumerate(tokens):
            alternatives = groups.setdefault(token, {})
            alternatives[token] = 1.0
            for alt, weight in extra.get(index, {}).items():
                alternatives[alt] = max(alternatives.get(alt, 0.0), weight)
        return [QueryGroup(token, tuple(alts.items())) for token, alts in groups.items()]

    def _match_forms(self, tokens: list[str], position: int) -> tuple[int, list[int]]:
        """Longest glossary form starting at ``position``: (its length, matching entries)."""
        best, entries = 0, []
        for form, entry in self._forms.get(tokens[position], ()):
            if len(form) < best:
                break
            if tuple(tokens[position : position + len(form)]) == form:
                best = len(form)
                entries.append(entry)
        return best, entries

    def _phrase(self, text: str) -> tuple[str, ...]:
        return tuple(self.tokens(text)) if text else ()

    def _word_tokens(self, word: str, identifiers: list[list[str]]) -> Sequence[str]:
        placeholder = PLACEHOLDER_RE.match(word)
        if placeholder:
            return identifiers[int(placeholder.group(1))]
        cached = self._cache.get(word)
        if cached is None:
            parts = _HYPHEN_RE.split(word)
            inverted = len(parts) == 3 and fold(parts[1]) == "t" and fold(parts[2]) in _INVERTED
            if inverted:
                parts = [parts[0], parts[2]]  # "a-t-il", "parle-t-on": the euphonic t
            tokens = [t for part in parts if (t := self._normalise(part))]
            if not inverted and len(parts) > 1 and any(len(part) == 1 for part in parts):
                tokens.append(fold("".join(parts)))
            cached = tuple(tokens)
            if len(self._cache) < _CACHE_SIZE:
                self._cache[word] = cached
        return cached

    def _normalise(self, word: str) -> str | None:
        folded = fold(word)
        if folded in self._protected:
            acronym = word.isupper() and len(word) > 1
            return folded if acronym or folded not in STOP_WORDS else None
        if folded in STOP_WORDS:
            return None
        folded = _SHORT_FORMS.get(folded, folded)
        if any(c.isdigit() for c in folded):
            return folded
        if len(folded) < 2:
            return None
        return folded if len(folded) <= 3 else stem(folded)


def _acronyms(glossary: Sequence[GlossaryEntry]) -> Iterable[str]:
    """Glossary terms written as acronyms (kept unstemmed: "ARS" must not become "ar")."""
    for entry in glossary:
        for form in (entry.term, *entry.synonyms):
            for word in _WORD_RE.findall(form):
                for part in _HYPHEN_RE.split(word):
                    if len(part) > 1 and sum(c.isupper() for c in part) >= 2:
                        yield fold(part)


_PLAIN_ANALYZER = FrenchAnalyzer()


def analyze_text(text: str) -> list[str]:
    """Index tokens of a text with the default analyzer (no glossary): for sentence scoring."""
    return _PLAIN_ANALYZER.tokens(text)
