"""The lexical side of search: French analysis and BM25.

Modules::

    french_analyzer.py     text → tokens (normalisation, elision, stop words, stems, glossary)
    french_identifiers.py  identifiers kept whole (CaRE objectives, FINESS, instruction numbers…)
    french_stopwords.py    the stop-word list
    bm25.py                Okapi BM25 over the analysed chunks
    search.py              LexicalSearcher: BM25 + glossary expansion + typo tolerance + coverage
    cache.py               the analysed chunks kept between runs in the data directory
"""

from retrieval.lexical.search import LexicalParams, LexicalResult, LexicalSearcher

__all__ = ["LexicalParams", "LexicalResult", "LexicalSearcher"]
