"""``care-bot doctor`` / ``care-bot llm check``: does the LLM endpoint answer, which model, speed.

Without ``CARE_LLM_BASE_URL`` both say that answers are extractive (exit 0). With it, one tiny
chat call is made, bounded by ``CARE_LLM_TIMEOUT``; a failing endpoint exits with code 3 (the
assistant would still answer, extractively, but the configuration does not do what it says).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from bot.cli.common import console, setup

EXIT_ENDPOINT_FAILING = 3

_CAUSES_FR = {
    "timeout": "pas de réponse dans le délai imparti",
    "connection refused": "connexion refusée (le serveur est-il démarré, l'adresse exacte ?)",
    "connection error": "connexion impossible (adresse, réseau ou certificat ?)",
    "malformed response": "réponse illisible (ce point d'accès est-il compatible OpenAI ?)",
    "empty output": "le modèle a renvoyé une réponse vide",
    "HTTP 401": "erreur HTTP 401 : clé refusée (vérifiez CARE_LLM_API_KEY)",
    "HTTP 403": "erreur HTTP 403 : accès refusé (vérifiez CARE_LLM_API_KEY)",
    "HTTP 404": "erreur HTTP 404 : modèle ou adresse inconnus (vérifiez CARE_LLM_MODEL et "
    "CARE_LLM_BASE_URL, qui se termine d'ordinaire par /v1)",
}


def cause_fr(cause: str) -> str:
    """The probe's failure cause, explained in French."""
    for key, text in _CAUSES_FR.items():
        if cause.startswith(key):
            return text
    if cause.startswith("HTTP 5"):
        return f"erreur du serveur ({cause})"
    return cause


def check(as_json: bool, verbose: bool) -> None:
    settings = setup(verbose)
    from bot.container import llm_config

    config = llm_config(settings)  # an incomplete configuration stops here, in French
    if config is None:
        _emit(
            as_json,
            {"mode": "extractive", "configured": False, "ok": True},
            "Mode LLM : non configuré (CARE_LLM_BASE_URL n'est pas défini).\n"
            "Les réponses sont extractives : les phrases des sources, citées et datées. "
            "Pour des réponses rédigées, définissez CARE_LLM_BASE_URL et CARE_LLM_MODEL "
            "(voir docs/exploitation/llm.md).",
        )
        return
    from agent.llm import PromptLibrary, probe

    PromptLibrary(settings.care_prompts_dir).check()  # broken templates: configuration error
    report = probe(config)
    payload: dict[str, Any] = {
        "mode": "llm" if report.ok else "extractive",
        "configured": True,
        "ok": report.ok,
        "base_url": report.base_url,
        "model": report.model,
        "timeout": report.timeout,
        "latency_ms": report.latency_ms,
        "cause": report.cause,
    }
    lines = [
        f"Point d'accès : {report.base_url}",
        f"Modèle : {report.model}",
        f"Délai maximal par appel : {report.timeout:g} s",
        f"Gabarits de prompts : {settings.care_prompts_dir} (valides)",
    ]
    if report.ok:
        lines.append(f"Le modèle répond en {report.latency_ms:.0f} ms : « {report.reply} ».")
        lines.append(
            "Mode LLM actif : les réponses rédigées sont vérifiées (citations) avant envoi."
        )
    else:
        lines.append(
            f"Le point d'accès ne répond pas correctement : {cause_fr(report.cause or '')}."
        )
        lines.append(
            "L'assistant reste utilisable mais répondra en mode extractif tant que ce n'est pas "
            "corrigé."
        )
    _emit(as_json, payload, "\n".join(lines))
    if not report.ok:
        raise typer.Exit(EXIT_ENDPOINT_FAILING)


def _emit(as_json: bool, payload: dict[str, Any], text: str) -> None:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False), flush=True)
    else:
        console.print(text, markup=False)


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (une ligne).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Vérifie le modèle de langue configuré (CARE_LLM_*) : répond-il, lequel, en quel temps."""
    check(as_json, verbose)


llm_app = typer.Typer(help="Mode LLM (modèle de langue facultatif).", no_args_is_help=True)


@llm_app.command("check")
def llm_check(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (une ligne).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Vérifie le point d'accès du modèle de langue (comme « care-bot doctor »)."""
    check(as_json, verbose)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
    app.add_typer(llm_app, name="llm")
