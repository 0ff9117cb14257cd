"""Answer-level evaluation: the answers the user reads, checked against the evaluation set.

Every question goes through the real answering path of a free question (``Assistant.ask``,
after the same cleaning and validation as ``care-bot ask``); follow-ups are asked after their
``previous`` questions, with the same history the assistant keeps. Figures (see
``agent.answer_checks`` for the matching rules):

- ``accuracy``: share of in-scope questions whose answer has every ``must`` group and no
  ``must_not`` pattern (a decline is not an answer: never accurate);
- ``forbidden``: number of answers stating a ``must_not`` pattern (a wrong-dispositif date or
  figure…), with the list of hits;
- ``declines_correct``: share of out-of-scope questions declined with every ``redirect`` group;
- ``wrongly_declined``: share of in-scope questions answered with a decline;
- the same per tag, and the failures, for debugging.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from agent.answer_checks import AnswerCase, Verdict, judge
from agent.answering import Answer
from agent.assistant import Assistant
from agent.followup_context import history_entry
from agent.input_text import clean_text
from retrieval import GlossaryEntry, SearchResult, SourceNote

History = list[dict[str, str]]
Ask = Callable[[str, History], Answer]

_EXCERPT_CHARS = 300


def user_ask(assistant: Assistant) -> Ask:
    """The assistant's answer to a free question, as ``care-bot ask`` and the bots get it."""

    def ask(question: str, history: History) -> Answer:
        cleaned = clean_text(question)
        problem = assistant.validate_question(cleaned)
        if problem is not None:  # what the user reads instead of an answer
            return Answer(cleaned, problem, False, "extractive", assistant.clock(), (), ())
        return assistant.ask(cleaned, history)

    return ask


class _SwappedSearch:
    """A searcher answering with another search function, the rest from the original one."""

    def __init__(self, search: Callable[[str, int], SearchResult], base: Assistant) -> None:
        self._search = search
        self._base = base.searcher

    def search(self, query: str, k: int = 5) -> SearchResult:
        return self._search(query, k)

    def sources(self) -> list[SourceNote]:
        return self._base.sources()

    def glossary(self) -> list[GlossaryEntry]:
        return self._base.glossary()


def with_search(assistant: Assistant, search: Callable[[str, int], SearchResult]) -> Assistant:
    """The same assistant (composer, follow-up rewriter, clock…) fed by another retriever."""
    return dataclasses.replace(assistant, searcher=_SwappedSearch(search, assistant))


@dataclass(frozen=True)
class AnswerOutcome:
    case: AnswerCase
    answer: Answer
    verdict: Verdict
    milliseconds: float

    @property
    def accurate(self) -> bool:
        # a decline is never an accurate answer to an in-scope question (its contact list
        # could match a "who to ask" group): it counts as wrongly declined instead
        return not self.case.out_of_scope and self.verdict.accurate and not self.verdict.declined

    @property
    def declined_correctly(self) -> bool:
        return self.case.out_of_scope and self.verdict.declined_correctly

    @property
    def wrongly_declined(self) -> bool:
        return not self.case.out_of_scope and self.verdict.declined

    def failure(self) -> dict[str, object] | None:
        """Why this answer fails its case (None when it passes), for debugging."""
        verdict = self.verdict
        details: dict[str, object]
        if self.case.out_of_scope:
            if self.declined_correctly:
                return None
            kind = "wrong_redirect" if verdict.declined else "not_declined"
            details = {"redirect_missing": [list(g) for g in verdict.redirect_missing]}
        else:
            if self.accurate:
                return None
            kind = "wrongly_declined" if verdict.declined else "inaccurate"
            details = {
                "missing": [list(g) for g in verdict.missing],
                "forbidden": list(verdict.forbidden),
            }
        return {
            "id": self.case.id,
            "question": self.case.question,
            "kind": kind,
            **details,
            "answer": self.answer.text[:_EXCERPT_CHARS],
        }


@dataclass(frozen=True)
class AnswerFigures:
    """The figures of a group of outcomes (all questions, or one tag)."""

    n: int
    in_scope: int
    out_of_scope: int
    accuracy: float
    forbidden: int
    declines_correct: float
    wrongly_declined: float

    @classmethod
    def of(cls, outcomes: Sequence[AnswerOutcome]) -> AnswerFigures:
        inside = [o for o in outcomes if not o.case.out_of_scope]
        outside = [o for o in outcomes if o.case.out_of_scope]
        return cls(
            n=len(outcomes),
            in_scope=len(inside),
            out_of_scope=len(outside),
            accuracy=_share(inside, lambda o: o.accurate),
            forbidden=sum(1 for o in outcomes if o.verdict.forbidden),
            declines_correct=_share(outside, lambda o: o.declined_correctly),
            wrongly_declined=_share(inside, lambda o: o.wrongly_declined),
        )

    def as_dict(self) -> dict[str, float | int]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class AnswerReport:
    name: str
    figures: AnswerFigures
    outcomes: tuple[AnswerOutcome, ...]

    def by_tag(self) -> dict[str, AnswerFigures]:
        tags = sorted({tag for o in self.outcomes for tag in o.case.tags})
        return {t: AnswerFigures.of([o for o in self.outcomes if t in o.case.tags]) for t in tags}

    def by_dispositif(self) -> dict[str, AnswerFigures]:
        names = sorted({o.case.dispositif for o in self.outcomes if o.case.dispositif})
        return {
            name: AnswerFigures.of([o for o in self.outcomes if o.case.dispositif == name])
            for name in names
        }

    def forbidden_hits(self) -> list[dict[str, object]]:
        return [
            {"id": o.case.id, "patterns": list(o.verdict.forbidden)}
            for o in self.outcomes
            if o.verdict.forbidden
        ]

    def failures(self) -> list[dict[str, object]]:
        return [f for o in self.outcomes if (f := o.failure()) is not None]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: overall figures, hits, per tag and per dispositif, failures."""
        latencies = sorted(o.milliseconds for o in self.outcomes)
        return {
            "name": self.name,
            **self.figures.as_dict(),
            "forbidden_hits": self.forbidden_hits(),
            "p50_ms": _percentile(latencies, 0.5),
            "per_tag": {tag: f.as_dict() for tag, f in self.by_tag().items()},
            "per_dispositif": {name: f.as_dict() for name, f in self.by_dispositif().items()},
            "failures": self.failures(),
        }


def evaluate_answers(ask: Ask, cases: Iterable[AnswerCase], name: str = "") -> AnswerReport:
    """Ask every question (its ``previous`` questions first) and judge every answer."""
    outcomes = []
    for case in cases:
        history: History = []
        for earlier in case.previous:
            history = _after(history, earlier, ask(earlier, list(history)))
        started = time.perf_counter()
        answer = ask(case.question, list(history))
        elapsed = (time.perf_counter() - started) * 1000.0
        outcomes.append(
            AnswerOutcome(case, answer, judge(case, answer.text, answer.found), elapsed)
        )
    outcomes_tuple = tuple(outcomes)
    return AnswerReport(name, AnswerFigures.of(outcomes_tuple), outcomes_tuple)


def _after(history: History, question: str, answer: Answer) -> History:
    """The conversation history after one more turn, as the assistant records it."""
    return [*history, history_entry(question, answer)]


def _share(items: Sequence[AnswerOutcome], test: Callable[[AnswerOutcome], bool]) -> float:
    return sum(1 for item in items if test(item)) / len(items) if items else 0.0


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    return values[max(0, round(fraction * len(values) + 0.4999) - 1)]


def format_answer_comparison(reports: Mapping[str, AnswerReport]) -> str:
    """A Markdown table of the answer-level figures, one column per configuration."""
    if not reports:
        return ""
    names = list(reports)
    rows: list[tuple[str, Callable[[AnswerReport], str]]] = [
        ("exactitude (dans le périmètre)", lambda r: f"{r.figures.accuracy:.3f}"),
        ("réponses interdites (must_not)", lambda r: str(r.figures.forbidden)),
        ("refus corrects (hors périmètre)", lambda r: f"{r.figures.declines_correct * 100:.0f} %"),
        (
            "refus à tort (dans le périmètre)",
            lambda r: f"{r.figures.wrongly_declined * 100:.0f} %",
        ),
        ("questions", lambda r: str(r.figures.n)),
    ]
    lines = ["| réponses | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(reports[n]) for n in names) + " |")
    return "\n".join(lines)


def format_tag_table(report: AnswerReport, baseline: AnswerReport | None = None) -> str:
    """A Markdown table of the figures per tag ("—" where a tag has no such question)."""
    header = (
        "| étiquette | dans / hors | exactitude | interdites | refus corrects | refus à tort |"
    )
    rule = "|---|---:|---:|---:|---:|---:|"
    if baseline is not None:
        header += " exactitude, référence |"
        rule += "---:|"
    other = baseline.by_tag() if baseline is not None else {}
    lines = [header, rule]
    for tag, figures in report.by_tag().items():
        inside, outside = figures.in_scope, figures.out_of_scope
        cells = [
            f"{inside} / {outside}",
            f"{figures.accuracy:.3f}" if inside else "—",
            str(figures.forbidden),
            f"{figures.declines_correct * 100:.0f} %" if outside else "—",
            f"{figures.wrongly_declined * 100:.0f} %" if inside else "—",
        ]
        if baseline is not None:
            cells.append(f"{other[tag].accuracy:.3f}" if tag in other and inside else "—")
        lines.append(f"| {tag} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
