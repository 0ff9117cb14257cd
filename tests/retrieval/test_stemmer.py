"""The French stemmer: PyStemmer (C, a dependency for start-up time) when installed, else the
pure-Python snowballstemmer. Both come from the same Snowball algorithm; this test fails if a
release of either ever stems the knowledge base's words differently (the BM25 index would then
depend on which one is installed)."""

from __future__ import annotations

import re

import pytest
import snowballstemmer
from snowballstemmer.french_stemmer import FrenchStemmer

from care_common.french_text import fold
from tests.conftest import KNOWLEDGE_DIR, PROJECT_ROOT

_WORD = re.compile(r"[^\W\d_]{4,}")


def vocabulary() -> list[str]:
    texts = [path.read_text("utf-8") for path in sorted(KNOWLEDGE_DIR.rglob("*.*"))]
    texts.append((PROJECT_ROOT / "tests" / "data" / "eval_questions.yaml").read_text("utf-8"))
    words = [word for text in texts for word in _WORD.findall(text)]
    return sorted({fold(word) for word in words} | {word.lower() for word in words})


def test_the_installed_stemmer_is_the_c_one() -> None:
    pytest.importorskip("Stemmer")
    assert type(snowballstemmer.stemmer("french")).__module__ == "Stemmer"


def test_the_c_and_python_stemmers_agree_on_the_knowledge_vocabulary() -> None:
    installed, reference = snowballstemmer.stemmer("french"), FrenchStemmer()
    words = vocabulary()
    assert len(words) > 3000
    different = [w for w in words if installed.stemWord(w) != reference.stemWord(w)]
    assert different == []
