"""``care-bot ask``: one question (or a file of questions) answered from the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.answering import Answer, checked_line
from agent.input_text import clean_text
from bot.cli.common import console, index_progress, services, setup

PATIENT_DATA_MASK = "[question masquée : données de patient]"


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as JSON: ``sources`` are the cited pages in [n] order (``number`` = n);
    ``passages`` the retrieved passages the answer could quote, best first."""
    return {
        "question": answer.question,
        "answer": answer.text
        if not answer.found
        else f"{answer.text}\n\n{checked_line(answer.sources, answer.as_of)}",
        "found": answer.found,
        "mode": answer.mode,
        "as_of": answer.as_of.isoformat(),
        "citations": [  # what the answer's [n] markers point to
            {"number": ref.number, "id": ref.source_id, "section": ref.section, "url": ref.url}
            for ref in (answer.sources if answer.found else ())
        ],
        "sources": [
            {
                "number": ref.number,
                "id": ref.source_id,
                "title": ref.title,
                "section": ref.section,
                "url": ref.url,
                "published": ref.published,
                "checked": ref.checked,
                "evidence": ref.evidence,
                "uncertain": ref.uncertain,
                "excerpt": ref.excerpt,
            }
            for ref in (answer.sources if answer.found else ())
        ],
        "passages": [
            {
                "id": p.citation.source_id,
                "title": p.citation.title,
                "section": p.citation.section,
                "url": p.citation.url,
                "published": p.citation.published.isoformat() if p.citation.published else None,
                "checked": p.citation.checked.isoformat(),
                "evidence": p.citation.evidence.isoformat() if p.citation.evidence else None,
                "status": p.citation.status,
                "confidence": p.citation.confidence,
                "score": round(p.score, 4),
                "text": p.text,
            }
            for p in (answer.passages if answer.found else ())
        ],
    }


def refusal_json(question: str, message: str, as_of: str) -> dict[str, Any]:
    return {
        "question": question,
        "answer": message,
        "found": False,
        "mode": "extractive",
        "as_of": as_of,
        "sources": [],
        "passages": [],
        "error": message,
    }


def _print_answer(answer: Answer) -> None:
    from agent.answering import render_sources

    console.print(answer.text, markup=False)
    if answer.found:
        console.print()
        console.print(checked_line(answer.sources, answer.as_of), style="italic", markup=False)
        console.print()
        console.print(render_sources(answer.sources), style="dim", markup=False)


def _read_questions(path: Path) -> list[tuple[int, str | None]]:
    """(line number, question or None when the line is not valid UTF-8)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise typer.BadParameter(f"impossible de lire {path} : {exc.strerror}") from exc
    lines: list[tuple[int, str | None]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            lines.append((number, None))
            continue
        if text.strip():
            lines.append((number, text.lstrip("\ufeff")))
    return lines


def ask(
    question: Annotated[str | None, typer.Argument(help="La question, en français.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (une ligne).")] = False,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Fichier : une question par ligne (sortie JSON Lines)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Répond à une question à partir des sources (avec citations datées)."""
    if (question is None) == (file is None):
        raise typer.BadParameter("donnez soit une QUESTION, soit --file FICHIER.")
    settings = setup(verbose)
    questions = _read_questions(file) if file is not None else [(1, question)]
    svc = services(settings, index_progress, with_flows=False)  # questions only
    assistant = svc.assistant
    invalid = False
    for number, text in questions:
        as_of = assistant.clock().isoformat()
        if text is None:
            invalid = True
            message = f"Ligne {number} : texte illisible (encodage UTF-8 attendu)."
            _emit(refusal_json("", message, as_of), as_json or file is not None, message)
            continue
        cleaned = clean_text(text)
        problem = assistant.validate_question(cleaned)
        if problem is not None:
            invalid = invalid or file is None
            if assistant.screen(cleaned) is not None:  # patient data: never echoed
                cleaned = PATIENT_DATA_MASK
            _emit(refusal_json(cleaned, problem, as_of), as_json or file is not None, problem)
            continue
        answer = assistant.ask(cleaned)
        if as_json or file is not None:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
    svc.close()
    if invalid:
        raise typer.Exit(2)


def _emit(payload: dict[str, Any], as_json: bool, message: str) -> None:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False), flush=True)
    else:
        print(message, file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
