"""scripts/tune_retrieval.py: the fusion grid recomputed from the index's public ranked lists."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from retrieval import KnowledgeIndex
from retrieval.evaluation import EvalQuestion, evaluate

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "tune_retrieval.py"
QUESTIONS = [
    EvalQuestion("1", "Quels sont les prérequis du domaine 2 ?", ("care-d2",), False),
    EvalQuestion("2", "décret 2016-1214 signalement", ("signalement-incidents",), False),
    EvalQuestion("3", "recette des crêpes bretonnes", (), True),
]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tune_retrieval", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bm25_row_is_the_index_searched_lexically(knowledge_dir: Path, tmp_path: Path) -> None:
    index = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", embeddings="fake")
    table = _script().report(index, QUESTIONS).splitlines()
    lexical = evaluate(index.lexical_only().search, QUESTIONS)
    figures = (lexical.hit_at_1, lexical.hit_at_3, lexical.hit_at_5, lexical.mrr)
    row = "  ".join(f"{value:.3f}" for value in figures)
    assert table[1] == f"{'BM25 alone':20s}  {row}"
    assert lexical.hit_at_1 == 1.0  # both in-scope questions find their note first
    assert any(line.startswith("RRF w=0.3 k=10") for line in table)
    assert table[-1].split()[0] == "0.45"  # the gate table ends with the highest threshold
