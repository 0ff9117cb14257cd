"""The ``care-bot`` command line: one module per feature, each registering its commands.

Exit codes: 0 success · 1 internal error · 2 usage error or invalid input · 3 configuration or
knowledge-base error (e.g. a malformed knowledge file, a missing embedding model).
"""

from __future__ import annotations

import logging
import sys

import click
import typer

from care_errors import CareError

# typer >= 0.26 vendors its own copy of click: catch both families of exceptions.
_TYPER_CLICK = typer.BadParameter.__mro__[2]  # typer's ClickException
_CLICK_EXCEPTIONS: tuple[type[Exception], ...] = (click.exceptions.ClickException, _TYPER_CLICK)
_EXIT_EXCEPTIONS: tuple[type[BaseException], ...] = (click.exceptions.Exit, typer.Exit)
_ABORT_EXCEPTIONS: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.Abort)


logger = logging.getLogger(__name__)

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_CONFIG = 0, 1, 2, 3

app = typer.Typer(
    name="care-bot",
    help="Assistant CaRE : réponses sourcées sur CaRE et la PGSSI-S, éligibilité, dossiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    from bot.cli import ask, chat, maintenance

    for module in (ask, chat, maintenance):
        module.register(app)
    for name in ("eligibility", "draft", "telegram", "llm", "operations"):
        try:
            module = __import__(f"bot.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{name}":
                raise
            continue
        module.register(app)


_register_all()


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
    command = typer.main.get_command(app)
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
