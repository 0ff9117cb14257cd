"""``care-bot eligibility``: verdicts per CaRE dispositif, from a profile file or an interview.

Without ``--profile`` the interview is the assistant's own /eligibilite dialogue, run through
the terminal driver of ``care-bot chat`` (``bot.cli.chat.TerminalDriver``): the same questions,
keywords and buttons (answer with the option's number), free questions answered from the
knowledge base, and the profile saved in the user's session (it prefills /fiche_projet and
/lettre_engagement in ``care-bot chat``). The conversation goes to stderr; stdout holds the
report, the same as for ``--profile`` (text or ``--json``), computed from the saved profile.

Exit codes: 0 verdicts printed · 2 invalid profile, date or rules version (French message
listing each problem) · 3 rule tables invalid · 1 internal error · 130 interview abandoned.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.panel import Panel
from rich.text import Text

from agent.actions import ShowDetails
from agent.evidence_dates import sources_state_line
from agent.turns import Reply, SourceRef, TextReply
from bot.cli.common import console, err_console, index_progress, services, setup
from bot.settings import Settings
from care_common.front_matter import FrontMatterError, read_front_matter
from care_errors import CareError
from eligibility import EligibilityReport, check_eligibility, load_rule_book
from eligibility.summary import obligations_text, report_heading, verdict_text
from eligibility.values import parse_date

_STYLES = {"eligible": "green", "non_eligible": "red", "a_confirmer": "yellow"}


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
    """The interview ended without a verdict: « annuler », end of input, another dialogue
    (typer's Abort is not click's, so ``bot.cli.main`` would not recognise it)."""

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
    user: Annotated[
        str, typer.Option(help="Identifiant de l'utilisateur (session), comme pour chat.")
    ] = "",
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Éligibilité aux financements CaRE (D1, D1 bis, D2, HospiConnect, exercices de crise).

    Sans --profile : entretien guidé dans le terminal (le dialogue /eligibilite de
    l'assistant ; le profil est enregistré comme dans chat).
    """
    settings = setup(verbose)
    day = _as_of(as_of)
    book = load_rule_book(settings.care_knowledge_dir / "eligibility")
    data = _read_profile(profile) if profile is not None else interview(settings, day, user)
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
def interview(settings: Settings, as_of: date, user: str = "") -> dict[str, Any]:
    """The /eligibilite dialogue through the assistant in the terminal (on stderr); the profile
    the dialogue saved in the user's session. ``InterviewAbandoned`` when it ends otherwise
    (« annuler », end of input, another dialogue started…)."""
    from agent.flows.eligibility_flow import EligibilityFlow
    from bot.cli.chat import PROMPT, TerminalDriver, terminal_user

    interactive = sys.stdin.isatty()
    svc = services(settings, index_progress)
    try:
        svc.assistant.clock = lambda: as_of  # the dialogue's date is --as-of
        driver = TerminalDriver(
            svc.assistant, terminal_user(user), out=err_console, interactive=interactive
        )
        replies = driver.handle(EligibilityFlow.command)
        while svc.store.load_session(driver.user_id).flow == EligibilityFlow.name:
            driver.show(replies)
            driver.refine(replies)
            replies = driver.handle(_read_line(PROMPT if interactive else ""))
        # Over: its « Détails » button would have nowhere to go (the report follows on stdout).
        driver.show([_without_options(reply) for reply in replies])
        if not _verdict_given(replies, EligibilityFlow.name):
            raise InterviewAbandoned("the dialogue ended without a verdict")
        return svc.store.load_session(driver.user_id).profile
    finally:
        svc.close()


def _read_line(prompt: str) -> str:
    while True:
        err_console.print(prompt, end="", markup=False)
        try:
            line = input()
        except EOFError:
            raise InterviewAbandoned("end of input during the interview") from None
        if line.strip():
            return line


def _verdict_given(replies: list[Reply], flow: str) -> bool:
    """True when these replies end the dialogue with its verdict (the verdict is the reply
    offering the flow's « Détails »), not with a cancellation or another dialogue."""
    return any(
        isinstance(option.action, ShowDetails) and option.action.flow == flow
        for reply in replies
        if isinstance(reply, TextReply)
        for option in reply.options
    )


def _without_options(reply: Reply) -> Reply:
    return dataclasses.replace(reply, options=()) if isinstance(reply, TextReply) else reply


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
