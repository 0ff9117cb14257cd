"""``care-bot eligibility``: verdicts per CaRE dispositif, from a profile file or an interview.

Exit codes: 0 verdicts printed · 2 invalid profile, date or rules version (French message
listing each problem) · 3 rule tables invalid · 1 internal error · 130 interview abandoned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.panel import Panel
from rich.text import Text

from agent.evidence_dates import sources_state_line
from agent.turns import SourceRef
from bot.cli.common import console, err_console, setup
from care_common.front_matter import FrontMatterError, read_front_matter
from care_errors import CareError
from eligibility import (
    AnswerError,
    EligibilityReport,
    check_eligibility,
    load_rule_book,
    special_input,
)
from eligibility.interview import (
    current_question,
    go_back,
    new_state,
    profile_data,
    record_answer,
    record_unknown,
)
from eligibility.questions import Question
from eligibility.summary import obligations_text, report_heading, verdict_text
from eligibility.values import parse_date

_STYLES = {"eligible": "green", "non_eligible": "red", "a_confirmer": "yellow"}

INTRO = (
    "Vérifions l'éligibilité de votre structure aux financements CaRE. Je ne pose que les "
    "questions utiles. Tapez « retour » pour revenir à la question précédente, « je ne sais "
    "pas » si vous n'avez pas l'information, « annuler » pour arrêter."
)


class _ProfileLoader(yaml.SafeLoader):
    """Safe YAML without implicit dates: "2024-02-30" stays text, so the profile validation
    reports it with its field instead of the YAML parser failing on it."""


_ProfileLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class EligibilityUsageError(CareError):
    """Bad command-line input (file, date): exit code 2, French message."""

    exit_code = 2


class InterviewAbandoned(CareError):
    """« annuler » or end of input during the interview (typer's Abort is not click's, so
    ``bot.cli.main`` would not recognise it)."""

    exit_code = 130
    user_message = "Entretien interrompu : aucune vérification n'a été faite."


def eligibility(
    profile: Annotated[
        Path | None,
        typer.Option("--profile", "-p", help="Profil à vérifier (fichier YAML ou JSON)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date de référence AAAA-MM-JJ (défaut : aujourd'hui)."),
    ] = None,
    rules_version: Annotated[
        str | None,
        typer.Option("--rules-version", help="Version des règles à appliquer (ex. 2025.1)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
    save_profile: Annotated[
        Path | None,
        typer.Option("--save-profile", help="Enregistre le profil saisi (YAML) dans ce fichier."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Éligibilité aux financements CaRE (D1, D1 bis, D2, HospiConnect, exercices de crise).

    Sans --profile : entretien guidé dans le terminal.
    """
    settings = setup(verbose)
    day = _as_of(as_of)
    book = load_rule_book(settings.care_knowledge_dir / "eligibility")
    data = _read_profile(profile) if profile is not None else interview(day)
    report = check_eligibility(data, book, day, rules_version)
    if save_profile is not None:
        _write_profile(save_profile, report)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report, _sources(settings.care_knowledge_dir))


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise EligibilityUsageError(
            f"bad --as-of {text!r}", user_message=f"--as-of : {exc} (attendu : AAAA-MM-JJ)."
        ) from None


def _read_profile(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "encodage UTF-8 attendu"
        raise EligibilityUsageError(
            f"cannot read {path}: {exc}",
            user_message=f"Impossible de lire le profil {path} : {reason}.",
        ) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_ProfileLoader)  # noqa: S506 - a SafeLoader subclass
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise EligibilityUsageError(
            f"cannot parse {path}: {exc}",
            user_message=f"Le profil {path} n'est pas un fichier YAML ou JSON valide : {exc}",
        ) from exc


def _write_profile(path: Path, report: EligibilityReport) -> None:
    try:
        path.write_text(
            yaml.safe_dump(report.profile.to_dict(), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    except OSError as exc:
        raise EligibilityUsageError(
            f"cannot write {path}: {exc}",
            user_message=f"Impossible d'enregistrer le profil dans {path} : {exc.strerror}.",
        ) from exc
    err_console.print(f"Profil enregistré : {path}", markup=False)


# -- interview -------------------------------------------------------------------------------
def interview(as_of: date, read: Callable[[], str] = input) -> dict[str, Any]:
    """Ask the questions in the terminal (prompts on stderr); return the profile data."""
    state = new_state()
    err_console.print(INTRO, markup=False)
    while (question := current_question(state, as_of)) is not None:
        _ask(question, len(state["history"]) + 1)
        try:
            line = read()
        except EOFError:
            raise InterviewAbandoned("end of input during the interview") from None
        keyword = special_input(line)
        if keyword == "cancel":
            raise InterviewAbandoned("interview cancelled")
        if keyword == "back":
            if not go_back(state):
                err_console.print("C'est la première question.", markup=False)
        elif keyword == "unknown":
            record_unknown(state, question)
        else:
            try:
                record_answer(state, question, line, as_of)
            except AnswerError as exc:
                err_console.print(
                    f"Réponse non valide ({exc.field}) : {exc.reason}.", style="red", markup=False
                )
    return profile_data(state, as_of)


def _ask(question: Question, number: int) -> None:
    err_console.print()
    err_console.print(f"{number}. {question.text}", style="bold", markup=False)
    for index, choice in enumerate(question.choices, start=1):
        err_console.print(f"   {index}. {choice.label}", markup=False)
    err_console.print(f"   {question.spec.hint}", style="dim", markup=False)
    err_console.print("> ", end="", markup=False)


# -- human output ----------------------------------------------------------------------------
def print_report(report: EligibilityReport, source: Callable[[str], SourceRef]) -> None:
    console.print(report_heading(report), style="bold", markup=False)
    if not report.results:
        console.print("Aucun dispositif n'était ouvert à cette date.", markup=False)
    for verdict in report.results:
        refs = [source(source_id) for source_id in verdict.sources]
        body = verdict_text(verdict, lambda n, source_id: f"[{n}] {source(source_id).title}")
        if refs:
            body += f"\n{sources_state_line(refs)}"
        console.print(
            Panel(
                Text(body.split("\n", 1)[1].lstrip("\n")),
                title=Text(verdict.title, style="bold"),
                title_align="left",
                border_style=_STYLES[verdict.verdict],
            ),
            soft_wrap=False,
        )
    if report.obligations:
        console.print(Panel(Text(obligations_text(report)), border_style="blue"), soft_wrap=False)


def _sources(knowledge_dir: Path) -> Callable[[str], SourceRef]:
    """``source id → SourceRef`` (title "Title (id)" and dates), read from the front matter.

    Tolerant on purpose: a missing or unreadable note gives a reference titled by its id.
    """
    cache: dict[str, SourceRef] = {}

    def source(source_id: str) -> SourceRef:
        if source_id not in cache:
            cache[source_id] = SourceRef(0, source_id, source_id, "", "", "")
            path = knowledge_dir / "sources" / f"{source_id}.md"
            try:
                meta, _ = read_front_matter(path.read_text(encoding="utf-8"))
                cache[source_id] = SourceRef(
                    0,
                    source_id,
                    f"{meta['title']} ({source_id})",
                    "",
                    str(meta.get("url") or ""),
                    str(meta.get("checked") or ""),
                    published=_iso(meta.get("published")),
                    evidence=_iso(meta.get("evidence")),
                )
            except (OSError, UnicodeDecodeError, FrontMatterError, KeyError):
                pass
        return cache[source_id]

    return source


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def register(app: typer.Typer) -> None:
    app.command("eligibility")(eligibility)
