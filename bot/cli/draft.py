"""``care-bot draft``: fiche projet and lettre d'engagement from an answers file (YAML or JSON).

Exit codes: 0 document written · 2 answers file unreadable, invalid values, missing required
fields (without ``--allow-incomplete``), patient data in the file, or an output path refused
(see ``bot.cli.output_files``: an existing file is replaced only with ``--force``) — the French
list of problems is printed and no file is written · 3 dossier specifications invalid · 1
internal error.

Missing ≠ invalid: ``--allow-incomplete`` renders a draft whose first page lists the missing
fields, but a wrong value (FINESS key, negative amount, unordered milestones…) is always refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from agent.patient_data import find_in_answers
from bot.cli.common import console, err_console, setup
from bot.cli.output_files import choose_format, resolve_target, write_document
from care_common.front_matter import FrontMatterError, read_front_matter
from care_errors import CareError
from drafting import (
    Answers,
    AnswersFileError,
    AnswersRejected,
    DossierDrafter,
    describe_problems,
    load_answers,
    load_dossier_knowledge,
    source_ids,
)

draft_app = typer.Typer(
    help="Brouillons de dossier CaRE (fiche projet, lettre d'engagement) depuis un fichier "
    "de réponses YAML ou JSON.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class RunOptions:
    allow_incomplete: bool
    force: bool
    verbose: bool


class DraftUsageError(CareError):
    """Bad command-line input for ``care-bot draft``: exit code 2, French message."""

    exit_code = 2


def source_fields(knowledge_dir: Path, ids: set[str], key: str) -> dict[str, str]:
    """One front-matter field (``title``, ``url``) of the cited source notes (missing skipped)."""
    values: dict[str, str] = {}
    for source_id in sorted(ids):
        path = knowledge_dir / "sources" / f"{source_id}.md"
        try:
            meta, _ = read_front_matter(path.read_text(encoding="utf-8"))
            values[source_id] = str(meta[key])
        except (OSError, UnicodeDecodeError, FrontMatterError, KeyError):
            continue
    return values


def source_titles(knowledge_dir: Path, ids: set[str]) -> dict[str, str]:
    return source_fields(knowledge_dir, ids, "title")


def make_drafter(knowledge_dir: Path) -> DossierDrafter:
    """The drafter over ``knowledge_dir/dossier``, citing source titles and addresses."""
    knowledge = load_dossier_knowledge(knowledge_dir / "dossier")
    ids = source_ids(knowledge)
    return DossierDrafter(
        knowledge,
        source_titles=source_titles(knowledge_dir, ids),
        source_urls=source_fields(knowledge_dir, ids, "url"),
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AnswersFileError(
            f"cannot read {path}: {exc}",
            user_message=f"Impossible de lire le fichier de réponses {path} : "
            f"{exc.strerror or exc}.",
        ) from exc


def _refuse_patient_data(answers: Answers, name: str) -> None:
    """An answers file must not carry patient data: refuse it, naming the fields only."""
    paths = find_in_answers(answers, date.today())
    if paths:
        raise DraftUsageError(
            f"patient data in {len(paths)} field(s)",
            user_message=(
                f"{name} semble contenir des données de patient (rubriques : "
                f"{', '.join(paths[:10])}). Aucun document n'a été produit : retirez l'identité "
                "et les informations de santé des patients, puis relancez la commande."
            ),
        )


def run(
    doc_type: str,
    answers_path: Path,
    requested_format: str | None,
    output: str | None,
    options: RunOptions,
) -> None:
    settings = setup(options.verbose)
    fmt = choose_format(output, requested_format)
    answers = load_answers(_read(answers_path), answers_path.name)
    _refuse_patient_data(answers, answers_path.name)
    drafter = make_drafter(settings.care_knowledge_dir)
    allow_incomplete = options.allow_incomplete
    try:
        document = drafter.render(doc_type, answers, fmt, allow_incomplete=allow_incomplete)
    except AnswersRejected as exc:
        if exc.report.missing and not exc.report.invalid and not allow_incomplete:
            exc.user_message += (
                "\n\nPour obtenir malgré tout un brouillon avec la liste des champs à "
                "compléter en première page, ajoutez --allow-incomplete."
            )
        raise  # bot.cli.main prints the French message and exits with code 2
    target = resolve_target(output, document.filename, fmt)
    write_document(target, document.content, force=options.force)
    report = document.report
    if report.warnings:
        err_console.print("Avertissements :\n" + describe_problems(report.warnings), markup=False)
    if report.missing:
        err_console.print(
            f"Brouillon incomplet : {len(report.missing)} champ(s) à compléter, listés en "
            "première page.",
            markup=False,
        )
    console.print(f"Document enregistré : {target}", markup=False)


_ANSWERS = typer.Option(
    "--answers",
    "-a",
    help="Fichier de réponses YAML ou JSON (voir examples/).",
    show_default=False,
)
_FORMAT = typer.Option(
    "--format",
    "-f",
    help="docx (défaut), odt ou md ; sinon tiré de l'extension de -o.",
    show_default=False,
)
_OUTPUT = typer.Option(
    "--output",
    "-o",
    help="Fichier de sortie (.docx, .odt ou .md), ou dossier (terminé par /) où l'écrire sous "
    "son nom par défaut, tiré du titre.",
    show_default=False,
)
_FORCE = typer.Option("--force", help="Remplace un fichier existant (jamais par défaut).")
_INCOMPLETE = typer.Option(
    "--allow-incomplete",
    help="Produit le brouillon même si des champs obligatoires manquent (liste en 1re page).",
)


@draft_app.command("fiche-projet")
def fiche_projet(
    answers: Annotated[Path, _ANSWERS],
    fmt: Annotated[str | None, _FORMAT] = None,
    output: Annotated[str | None, _OUTPUT] = None,
    allow_incomplete: Annotated[bool, _INCOMPLETE] = False,
    force: Annotated[bool, _FORCE] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Fiche projet (brouillon, modèle non officiel) en DOCX, ODT ou Markdown."""
    run("fiche_projet", answers, fmt, output, RunOptions(allow_incomplete, force, verbose))


@draft_app.command("lettre-engagement")
def lettre_engagement(
    answers: Annotated[Path, _ANSWERS],
    fmt: Annotated[str | None, _FORMAT] = None,
    output: Annotated[str | None, _OUTPUT] = None,
    allow_incomplete: Annotated[bool, _INCOMPLETE] = False,
    force: Annotated[bool, _FORCE] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Lettre d'engagement (brouillon, modèle non officiel) en DOCX, ODT ou Markdown."""
    run("lettre_engagement", answers, fmt, output, RunOptions(allow_incomplete, force, verbose))


def register(app: typer.Typer) -> None:
    app.add_typer(draft_app, name="draft")
