"""Okapi BM25 over sparse term-frequency dicts, with weighted query terms.

Small enough for the knowledge base (hundreds to a few thousand chunks) to be rebuilt in memory
at every start in a few tens of milliseconds from the analysed chunks; the analysis itself is
what takes time, and ``retrieval.lexical.cache`` keeps it between runs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence


class BM25:
    """BM25 (k1, b) over documents given as token lists."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1 = k1
        self.b = b
        self.size = len(documents)
        self._lengths = [len(doc) for doc in documents]
        self._avg_length = (sum(self._lengths) / self.size) if self.size else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._terms: list[frozenset[str]] = []
        for index, doc in enumerate(documents):
            counts = Counter(doc)
            self._terms.append(frozenset(counts))
            for term, frequency in counts.items():
                self._postings.setdefault(term, []).append((index, frequency))
        self._idf = {term: self._idf_of(len(p)) for term, p in self._postings.items()}
        self.max_idf = self._idf_of(0)

    def _idf_of(self, document_frequency: int) -> float:
        return math.log(1.0 + (self.size - document_frequency + 0.5) / (document_frequency + 0.5))

    @property
    def vocabulary(self) -> Iterable[str]:
        return self._postings.keys()

    def idf(self, term: str) -> float:
        """IDF of a term; an unknown term gets the IDF of a term found nowhere."""
        return self._idf.get(term, self.max_idf)

    def document_frequency(self, term: str) -> int:
        """Number of documents holding the term."""
        return len(self._postings.get(term, ()))

    def has_term(self, term: str) -> bool:
        return term in self._postings

    def contains(self, document: int, term: str) -> bool:
        return term in self._terms[document]

    def scores(self, weighted_terms: Mapping[str, float]) -> dict[int, float]:
        """Score of every document matching at least one term: Σ weight · idf · tf-part."""
        result: dict[int, float] = {}
        k1, b, avg = self.k1, self.b, self._avg_length or 1.0
        for term, weight in weighted_terms.items():
            postings = self._postings.get(term)
            if not postings or weight <= 0:
                continue
            idf = self._idf[term] * weight
            for document, frequency in postings:
                norm = k1 * (1.0 - b + b * self._lengths[document] / avg)
                gain = idf * frequency * (k1 + 1.0) / (frequency + norm)
                result[document] = result.get(document, 0.0) + gain
        return result
