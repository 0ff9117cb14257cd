"""``care-bot draft``: fiche projet and lettre d'engagement from an answers file (YAML or JSON).

Exit codes: 0 document written · 2 answers file unreadable, invalid values, missing required
fields (without ``--allow-incomplete``) or bad output path — the French list of problems is
printed and no file is written · 3 dossier specifications invalid · 1 internal error.

Missing ≠ invalid: ``--allow-incomplete`` renders a draft whose first page lists the missing
fields, but a wrong value (FINESS key, negative amount, unordered milestones…) is always refused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import yaml

from bot.cli.common import console, err_console, setup
from care_errors import CareError
from drafting import (
    AnswersFileError,
    AnswersRejected,
    DossierDrafter,
    Format,
    describe_problems,
    load_answers,
    load_dossier_knowledge,
    parse_format,
    source_ids,
)

draft_app = typer.Typer(
    help="Brouillons de dossier CaRE (fiche projet, lettre d'engagement) depuis un fichier "
    "de réponses YAML ou JSON.",
    no_args_is_help=True,
)


class DraftUsageError(CareError):
    """Bad command-line input for ``care-bot draft``: exit code 2, French message."""

    exit_code = 2


def source_titles(knowledge_dir: Path, ids: set[str]) -> dict[str, str]:
    """Titles of the cited source notes, read from their front matter (missing ones skipped)."""
    titles: dict[str, str] = {}
    for source_id in sorted(ids):
        path = knowledge_dir / "sources" / f"{source_id}.md"
        try:
            meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
            titles[source_id] = str(meta["title"])
        except (OSError, IndexError, KeyError, TypeError, UnicodeDecodeError, yaml.YAMLError):
            continue
    return titles


def make_drafter(knowledge_dir: Path) -> DossierDrafter:
    """The drafter over ``knowledge_dir/dossier``, citing source titles from ``sources/``."""
    knowledge = load_dossier_knowledge(knowledge_dir / "dossier")
    return DossierDrafter(
        knowledge, source_titles=source_titles(knowledge_dir, source_ids(knowledge))
    )


def _format(requested: str | None, output: Path | None) -> Format:
    if requested is not None:
        fmt = parse_format(requested)
        if fmt is None:
            raise DraftUsageError(
                f"bad --format {requested!r}",
                user_message=f"--format « {requested} » inconnu : choisissez docx, odt ou md.",
            )
        suffix_format = (
            parse_format(output.suffix) if output is not None and output.suffix else None
        )
        if suffix_format is not None and suffix_format != fmt:
            raise DraftUsageError(
                "format and extension disagree",
                user_message=(
                    f"--format {fmt} ne correspond pas à l'extension de {output} : "
                    "changez l'un ou l'autre."
                ),
            )
        return fmt
    if output is not None and output.suffix:
        return parse_format(output.suffix) or "docx"
    return "docx"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AnswersFileError(
            f"cannot read {path}: {exc}",
            user_message=f"Impossible de lire le fichier de réponses {path} : "
            f"{exc.strerror or exc}.",
        ) from exc


def _target(output: Path | None, filename: str) -> Path:
    if output is None:
        return Path.cwd() / filename
    if output.is_dir():
        return output / filename
    if not output.parent.is_dir():
        raise DraftUsageError(
            f"no directory {output.parent}",
            user_message=f"Le dossier {output.parent} n'existe pas : créez-le ou changez -o.",
        )
    return output


def _write_atomically(target: Path, content: bytes) -> None:
    """Write through a temporary file in the same directory, so no partial file is left."""
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".care-draft-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        Path(temporary).replace(target)
    except OSError as exc:
        raise DraftUsageError(
            f"cannot write {target}: {exc}",
            user_message=f"Impossible d'écrire {target} : {exc.strerror or exc}.",
        ) from exc


def run(
    doc_type: str,
    answers_path: Path,
    requested_format: str | None,
    output: Path | None,
    allow_incomplete: bool,
    verbose: bool,
) -> None:
    settings = setup(verbose)
    fmt = _format(requested_format, output)
    answers = load_answers(_read(answers_path), answers_path.name)
    drafter = make_drafter(settings.care_knowledge_dir)
    try:
        document = drafter.render(doc_type, answers, fmt, allow_incomplete=allow_incomplete)
    except AnswersRejected as exc:
        if exc.report.missing and not exc.report.invalid and not allow_incomplete:
            exc.user_message += (
                "\n\nPour obtenir malgré tout un brouillon avec la liste des champs à "
                "compléter en première page, ajoutez --allow-incomplete."
            )
        raise  # bot.cli.main prints the French message and exits with code 2
    target = _target(output, document.filename)
    _write_atomically(target, document.content)
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
_FORMAT = typer.Option("--format", "-f", help="docx (défaut), odt ou md.", show_default=False)
_OUTPUT = typer.Option(
    "--output",
    "-o",
    help="Fichier ou dossier de sortie (défaut : nom tiré du titre).",
    show_default=False,
)
_INCOMPLETE = typer.Option(
    "--allow-incomplete",
    help="Produit le brouillon même si des champs obligatoires manquent (liste en 1re page).",
)


@draft_app.command("fiche-projet")
def fiche_projet(
    answers: Annotated[Path, _ANSWERS],
    fmt: Annotated[str | None, _FORMAT] = None,
    output: Annotated[Path | None, _OUTPUT] = None,
    allow_incomplete: Annotated[bool, _INCOMPLETE] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Fiche projet (brouillon, modèle non officiel) en DOCX, ODT ou Markdown."""
    run("fiche_projet", answers, fmt, output, allow_incomplete, verbose)


@draft_app.command("lettre-engagement")
def lettre_engagement(
    answers: Annotated[Path, _ANSWERS],
    fmt: Annotated[str | None, _FORMAT] = None,
    output: Annotated[Path | None, _OUTPUT] = None,
    allow_incomplete: Annotated[bool, _INCOMPLETE] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Lettre d'engagement (brouillon, modèle non officiel) en DOCX, ODT ou Markdown."""
    run("lettre_engagement", answers, fmt, output, allow_incomplete, verbose)


def register(app: typer.Typer) -> None:
    app.add_typer(draft_app, name="draft")
