"""Evaluation of a retriever on the dev set, and a plain BM25 baseline to compare against.

Ranks are counted over *distinct source ids*, in the order the passages come: a question is a
hit@k when one of its expected sources is among the first k distinct sources returned. Hit rates
and MRR are over in-scope questions; refusals (``found=False``) are reported separately for
out-of-scope questions (wanted) and in-scope ones (false refusals).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import KnowledgeFileError
from retrieval.knowledge import load_knowledge
from retrieval.knowledge.yaml_files import read_entries
from retrieval.lexical.bm25 import BM25
from retrieval.models import Chunk, Passage, SearchResult

Search = Callable[[str], SearchResult]


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected: tuple[str, ...]
    out_of_scope: bool
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionOutcome:
    question: EvalQuestion
    rank: int | None  # 1-based rank of the first expected source (None: not returned)
    found: bool
    milliseconds: float
    sources: tuple[str, ...]  # distinct source ids in rank order


@dataclass(frozen=True)
class EvalReport:
    name: str
    hit_at_1: float
    hit_at_3: float
    hit_at_5: float
    mrr: float
    out_of_scope_refused: float
    in_scope_refused: float
    p50_ms: float
    p95_ms: float
    outcomes: tuple[QuestionOutcome, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures, with the ids of missed questions and of wrong gate decisions."""
        return {
            "hit_at_1": self.hit_at_1,
            "hit_at_3": self.hit_at_3,
            "hit_at_5": self.hit_at_5,
            "mrr": self.mrr,
            "out_of_scope_refused": self.out_of_scope_refused,
            "in_scope_refused": self.in_scope_refused,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "questions": len(self.outcomes),
            "missed_at_3": [o.question.id for o in self.outcomes if _missed(o, 3)],
            "gate_errors": [o.question.id for o in self.outcomes if _gate_error(o)],
        }

    def metrics(self) -> dict[str, float]:
        return {
            "hit@1": self.hit_at_1,
            "hit@3": self.hit_at_3,
            "hit@5": self.hit_at_5,
            "MRR": self.mrr,
            "hors périmètre refusées": self.out_of_scope_refused,
            "dans le périmètre refusées": self.in_scope_refused,
            "latence p50 (ms)": self.p50_ms,
            "latence p95 (ms)": self.p95_ms,
        }


def load_eval_set(path: Path) -> list[EvalQuestion]:
    """Questions of an eval YAML file (list of {id, question, expected, out_of_scope, tags})."""
    questions = []
    for position, entry in enumerate(read_entries(Path(path)), start=1):
        text = str(entry.get("question") or "").strip()
        expected = tuple(str(x) for x in entry.get("expected") or ())
        out_of_scope = bool(entry.get("out_of_scope", False))
        if not text or (not expected and not out_of_scope):
            reason = "question vide, ou ni expected ni out_of_scope: true"
            raise KnowledgeFileError(path, entry.line, reason)
        questions.append(
            EvalQuestion(
                id=str(entry.get("id") or f"q{position:03d}"),
                question=text,
                expected=expected,
                out_of_scope=out_of_scope,
                tags=tuple(str(t) for t in entry.get("tags") or ()),
            )
        )
    return questions


def evaluate(search: Search, questions: Sequence[EvalQuestion], name: str = "") -> EvalReport:
    """Run every question through ``search`` and compute the report."""
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        result = search(question.question)
        elapsed = (time.perf_counter() - started) * 1000.0
        sources = _distinct_sources(result.passages)
        rank = next((i for i, s in enumerate(sources, 1) if s in question.expected), None)
        outcomes.append(QuestionOutcome(question, rank, result.found, elapsed, sources))
    inside = [o for o in outcomes if not o.question.out_of_scope]
    outside = [o for o in outcomes if o.question.out_of_scope]
    latencies = sorted(o.milliseconds for o in outcomes)
    return EvalReport(
        name=name,
        hit_at_1=_share(inside, lambda o: o.rank is not None and o.rank <= 1),
        hit_at_3=_share(inside, lambda o: o.rank is not None and o.rank <= 3),
        hit_at_5=_share(inside, lambda o: o.rank is not None and o.rank <= 5),
        mrr=sum(1.0 / o.rank for o in inside if o.rank) / len(inside) if inside else 0.0,
        out_of_scope_refused=_share(outside, lambda o: not o.found),
        in_scope_refused=_share(inside, lambda o: not o.found),
        p50_ms=_percentile(latencies, 0.50),
        p95_ms=_percentile(latencies, 0.95),
        outcomes=tuple(outcomes),
    )


def format_comparison(reports: Sequence[EvalReport] | Mapping[str, EvalReport]) -> str:
    """A Markdown table: one row per metric, one column per retriever.

    Column names are the mapping's keys, or each report's ``name``.
    """
    if isinstance(reports, Mapping):
        names, reports = list(reports), list(reports.values())
    else:
        names = [report.name or f"retriever {i}" for i, report in enumerate(reports, 1)]
    if not reports:
        return ""
    lines = [
        "| métrique | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(reports),
    ]
    for metric in reports[0].metrics():
        cells = [_format(metric, report.metrics()[metric]) for report in reports]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _format(metric: str, value: float) -> str:
    if "ms" in metric:
        return f"{value:.1f}"
    if "refusées" in metric:
        return f"{value * 100:.0f} %"
    return f"{value:.3f}"


def _missed(outcome: QuestionOutcome, k: int) -> bool:
    return not outcome.question.out_of_scope and (outcome.rank is None or outcome.rank > k)


def _gate_error(outcome: QuestionOutcome) -> bool:
    return outcome.found == outcome.question.out_of_scope


def _distinct_sources(passages: Sequence[Passage]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for passage in passages:
        seen.setdefault(passage.citation.source_id, None)
    return tuple(seen)


def _share(outcomes: Sequence[QuestionOutcome], test: Callable[[QuestionOutcome], bool]) -> float:
    return sum(1 for o in outcomes if test(o)) / len(outcomes) if outcomes else 0.0


def _percentile(sorted_values: Sequence[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    position = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[position]


_PLAIN_TOKEN = re.compile(r"[^\W_]+")


def plain_tokens(text: str) -> list[str]:
    """Baseline analysis: lower-case and split on non-alphanumerics, nothing else."""
    return _PLAIN_TOKEN.findall(text.lower())


class PlainBM25Searcher:
    """BM25 without French analysis (no stems, stop words, folding or expansion); the baseline.

    Its gate is trivial: ``found`` is True as soon as one query word occurs in the knowledge.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._chunks = tuple(chunks)
        self._bm25 = BM25([plain_tokens(f"{c.heading}\n{c.text}") for c in self._chunks])

    @classmethod
    def from_knowledge_dir(cls, knowledge_dir: Path) -> PlainBM25Searcher:
        return cls(load_knowledge(knowledge_dir)[1])

    def search(self, query: str, k: int = 5) -> SearchResult:
        weights = dict.fromkeys(plain_tokens(query[:1000]), 1.0)
        scores = self._bm25.scores(weights)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        passages = tuple(
            Passage(self._chunks[i].chunk_id, self._chunks[i].text, self._chunks[i].citation, s)
            for i, s in ranked
        )
        return SearchResult(query[:1000], passages, bool(passages))
