"""The ``care-bot`` command line: one module per feature, each registering its commands.

Exit codes: 0 success · 1 internal error · 2 usage error or invalid input · 3 configuration or
knowledge-base error (e.g. a malformed knowledge file, a missing embedding model).
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from care_errors import CareError

# typer >= 0.26 vendors its own copy of click: its exception classes are the ones raised.
_TYPER_CLICK = typer.BadParameter.__mro__[2]  # typer's ClickException
_CLICK_EXCEPTIONS: tuple[type[Exception], ...] = (_TYPER_CLICK,)
_EXIT_EXCEPTIONS: tuple[type[BaseException], ...] = (typer.Exit,)
_ABORT_EXCEPTIONS: tuple[type[BaseException], ...] = (typer.Abort,)


logger = logging.getLogger(__name__)

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_CONFIG = 0, 1, 2, 3

# Every command, in the order of ``care-bot --help``: the module of ``bot.cli`` that registers it
# and the first paragraph of its help (line breaks included: --help shows them). A command's
# module is imported only when that command runs (or shows its own help), so ``care-bot --help``
# imports neither the assistant nor LangChain. tests/cli/test_cli_registry.py checks this table
# against the modules.
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("ask", "Répond à une question à partir des sources (avec citations datées)."),
    "chat": ("chat", "Conversation dans le terminal (questions, /eligibilite, /fiche_projet…)."),
    "sources": (
        "maintenance",
        "Liste les sources de la base de connaissances (nature, dates, statut, fiabilité).",
    ),
    "index": (
        "maintenance",
        "Construit ou met à jour l'index (incrémental : seuls les fichiers modifiés sont "
        "traités).",
    ),
    "eval": (
        "maintenance",
        "Évalue la recherche (hit@k, MRR, refus, latence) et les réponses (exactitude, énoncés\n"
        "interdits, refus corrects, refus à tort, par étiquette), face au BM25 simple.",
    ),
    "eligibility": (
        "eligibility",
        "Éligibilité aux financements CaRE (D1, D1 bis, D2, HospiConnect, exercices de crise).",
    ),
    "telegram": ("telegram", "Lance le bot Telegram (long polling, ou --webhook avec /health)."),
    "doctor": (
        "llm",
        "Vérifie le modèle de langue configuré (CARE_LLM_*) : répond-il, lequel, en quel temps.",
    ),
    "backup": (
        "operations",
        "Sauvegarde les conversations, brouillons, utilisateurs et avis (base en service ou non).",
    ),
    "restore": (
        "operations",
        "Remplace TOUT le contenu du stockage par une sauvegarde (SQLite ou JSON).",
    ),
    "export-feedback": (
        "operations",
        "Exporte les questions, réponses et avis 👍/👎 pour enrichir le jeu d'évaluation.",
    ),
    "erase-user": (
        "operations",
        "Efface les données d'un utilisateur (conversations, brouillons, avis, nom affiché), "
        "comme\n/supprimer_mes_donnees ; la décision d'accès le concernant est conservée.",
    ),
    "draft": (
        "draft",
        "Brouillons de dossier CaRE (fiche projet, lettre d'engagement) depuis un fichier de "
        "réponses YAML ou JSON.",
    ),
    "llm": ("llm", "Mode LLM (modèle de langue facultatif)."),
}


def load_commands(module_name: str) -> TyperGroup:
    """The commands one module of ``bot.cli`` registers (the module is imported here)."""
    module = importlib.import_module(f"bot.cli.{module_name}")
    commands = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    module.register(commands)
    return typer.main.get_group(commands)


_LOADED: dict[str, TyperGroup] = {}  # module name → the commands it registered


class LazyCommands(TyperGroup):
    """The ``care-bot`` group: imports a command's module on first use.

    Listing the commands (``care-bot --help``) only needs their names and summaries, so help is
    rendered from ``COMMANDS`` with placeholder commands that are never run. (Contexts are typed
    ``Any``: typer's click is vendored in recent versions and public in older ones.)
    """

    _summaries_only = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> TyperCommand | TyperGroup | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, summary = entry
        if self._summaries_only:
            return TyperCommand(name=cmd_name, help=summary)
        if module_name not in _LOADED:
            _LOADED[module_name] = load_commands(module_name)
        command = _LOADED[module_name].commands[cmd_name]
        assert isinstance(command, TyperCommand | TyperGroup)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._summaries_only = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._summaries_only = False


app = typer.Typer(
    name="care-bot",
    cls=LazyCommands,
    help="Assistant CaRE : réponses sourcées sur CaRE et la PGSSI-S, éligibilité, dossiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _exit_code(exc: CareError) -> int:
    from bot.errors import ConfigurationError

    usage = getattr(exc, "exit_code", None)
    if isinstance(usage, int):
        return usage
    if isinstance(exc, ConfigurationError):
        return EXIT_CONFIG
    try:
        from retrieval import RetrievalError

        if isinstance(exc, RetrievalError):
            return EXIT_CONFIG
    except ImportError:  # pragma: no cover
        pass
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """Entry point: maps every failure to a French message and an exit code, never a traceback."""
    command = typer.main.get_group(app)
    try:
        result = command.main(args=argv, prog_name="care-bot", standalone_mode=False)
    except _ABORT_EXCEPTIONS:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except _CLICK_EXCEPTIONS as exc:
        exc.show()  # type: ignore[attr-defined]
        code = int(getattr(exc, "exit_code", EXIT_USAGE))
        return EXIT_USAGE if code == 2 else code
    except _EXIT_EXCEPTIONS as exc:
        return int(getattr(exc, "exit_code", 0))
    except CareError as exc:
        logger.debug("command failed", exc_info=True)
        logger.info("command failed: %s", exc)
        print(f"Erreur : {exc.user_message}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception:
        logger.exception("internal error")
        print(
            "Erreur interne : la commande n'a pas pu aboutir. Le détail figure dans le journal.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
