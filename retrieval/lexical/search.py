"""BM25 search over the chunks with French analysis, glossary expansion and typo tolerance.

Besides the ranking it measures how much of the query the best chunks cover (the share of the
query's IDF mass whose words, or their glossary/typo alternatives, occur in one chunk): the main
signal of the relevance gate.

Optionally (``LexicalParams.distinctive_chunks`` > 0), a chunk that leaves out a *distinctive*
word of the query (one the knowledge base holds in very few passages, elsewhere) counts for the
coverage only when it still covers most of the query (``LexicalParams.full_coverage``). The rule
is off by default since 2026-12: rare words are as often context ("retenus", "reçus") as the
subject, and near-domain subjects ("amende RGPD") are now declined by topic in the composer
(``knowledge/facts.yaml``, ``topics``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from retrieval.lexical.bm25 import BM25
from retrieval.lexical.french_analyzer import FrenchAnalyzer, QueryGroup, analyze_text
from retrieval.models import Chunk

TYPO_WEIGHT = 0.7
_COVERAGE_DEPTH = 10
_MIN_TYPO_LENGTH = 6


@dataclass(frozen=True)
class LexicalParams:
    """Field weights (repetitions of the heading and title tokens) and BM25 constants."""

    heading_weight: int = 1
    title_weight: int = 1
    k1: float = 1.2
    b: float = 0.75
    # a query word is distinctive when the knowledge holds it in this many chunks at most (0: the
    # rule is off) …
    distinctive_chunks: int = 0
    # … and a chunk missing one counts only if it covers at least this share of the query
    full_coverage: float = 0.6


@dataclass(frozen=True)
class LexicalResult:
    hits: tuple[tuple[int, float], ...]  # (chunk index, BM25 score), best first
    coverage: float  # 0..1, best over the first hits
    terms: int  # number of query groups (0: nothing indexable in the query)
    term_weights: tuple[tuple[str, float], ...] = ()  # query token → IDF / max IDF (0..1)


class LexicalSearcher:
    def __init__(
        self,
        analyzer: FrenchAnalyzer,
        chunks: Sequence[Chunk],
        params: LexicalParams = LexicalParams(),
        documents: Sequence[list[str]] | None = None,
    ) -> None:
        """``documents``: the chunks already analysed (``retrieval.lexical.cache``), if known."""
        self.analyzer = analyzer
        self.params = params
        self.documents = (
            list(documents) if documents is not None else [self._document(c) for c in chunks]
        )
        self.bm25 = BM25(self.documents, k1=params.k1, b=params.b)
        self._typos = _TypoIndex(self.bm25.vocabulary)

    def _document(self, chunk: Chunk) -> list[str]:
        tokens = self.analyzer.tokens(chunk.text)
        tokens += self.analyzer.tokens(chunk.heading) * self.params.heading_weight
        tokens += self.analyzer.tokens(chunk.citation.title) * self.params.title_weight
        return tokens

    def search(self, query: str, limit: int = 50) -> LexicalResult:
        groups = [self._with_typos(group) for group in self.analyzer.query(query)]
        weights: dict[str, float] = {}
        for group in groups:
            for token, weight in group.alternatives:
                weights[token] = max(weights.get(token, 0.0), weight)
        scores = self.bm25.scores(weights)
        hits = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        coverage = max((self._coverage(groups, i) for i, _ in hits[:_COVERAGE_DEPTH]), default=0.0)
        term_weights = self._term_weights(groups)
        return LexicalResult(tuple(hits), coverage, len(groups), term_weights)

    def _term_weights(self, groups: Sequence[QueryGroup]) -> tuple[tuple[str, float], ...]:
        """Each query token and glossary/typo alternative: IDF / max IDF, times its weight.

        Each token is also given under its form in the plain analysis (``analyze_text``, no
        glossary: "SILENE" → "silen", "CaRE" → "car"), the one the answer composer uses. The
        parts of an identifier ("3", "2", "1" of "3-2-1") are left out: it counts once.
        """
        top = self.bm25.max_idf or 1.0
        parts = {part for g in groups if "_" in g.token for part in g.token.split("_")}
        weights: dict[str, float] = {}
        for group in groups:
            for token, weight in group.alternatives:
                value = round(weight * self.bm25.idf(token) / top, 4)
                for form in {token, *analyze_text(token)} - parts:
                    weights[form] = max(weights.get(form, 0.0), value)
        return tuple(weights.items())

    def _with_typos(self, group: QueryGroup) -> QueryGroup:
        token = group.token
        if self.bm25.has_term(token) or len(token) < _MIN_TYPO_LENGTH or not token.isalpha():
            return group
        fixed = self._typos.closest(token, self.bm25.idf)
        if fixed is None:
            return group
        return QueryGroup(token, (*group.alternatives, (fixed, TYPO_WEIGHT)))

    def _coverage(self, groups: Sequence[QueryGroup], document: int) -> float:
        """Share of the query's IDF mass in the chunk; 0 when it misses a distinctive word.

        A chunk covering at least ``full_coverage`` keeps its share even then.
        """
        total = matched = 0.0
        misses_distinctive = False
        for group in groups:
            idf = self.bm25.idf(group.token)
            total += idf
            found = max(
                (w for t, w in group.alternatives if self.bm25.contains(document, t)), default=0.0
            )
            matched += idf * found
            if not found and self._distinctive(group.token):
                misses_distinctive = True
        share = matched / total if total else 0.0
        if misses_distinctive and share < self.params.full_coverage:
            return 0.0
        return share

    def _distinctive(self, token: str) -> bool:
        """A word the knowledge holds, in very few chunks: the question is about it."""
        frequency = self.bm25.document_frequency(token)
        return 0 < frequency <= self.params.distinctive_chunks


class _TypoIndex:
    """Vocabulary terms within one edit of a word (deletion neighbourhoods, SymSpell-style)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._keys: dict[str, set[str]] = {}
        for term in vocabulary:
            if len(term) >= _MIN_TYPO_LENGTH - 1 and term.isalpha():
                for key in _deletions(term):
                    self._keys.setdefault(key, set()).add(term)

    def closest(self, word: str, idf: Callable[[str], float]) -> str | None:
        """The most frequent (lowest IDF) vocabulary term within one edit, if any."""
        candidates: set[str] = set()
        for key in _deletions(word):
            candidates |= self._keys.get(key, set())
        candidates = {term for term in candidates if _within_one_edit(word, term)}
        if not candidates:
            return None
        return min(candidates, key=lambda term: (idf(term), term))


def _within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent swap turns a into b.

    Deletion neighbourhoods alone also pair words two edits apart ("brest" / "reste").
    """
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) <= 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
