"""Shared helpers of the CLI commands: settings, logging, services, console."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console

from bot.logging_setup import configure_logging
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.container import Progress, Services

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def setup(verbose: bool = False) -> Settings:
    settings = load_settings()
    level = (
        "DEBUG"
        if verbose
        else ("WARNING" if settings.care_log_level.upper() == "INFO" else settings.care_log_level)
    )
    configure_logging(level, settings.care_log_json)
    return settings


def services(
    settings: Settings, progress: Progress | None = None, *, with_flows: bool = True
) -> Services:
    from bot.container import build_services

    return build_services(settings, progress, with_flows=with_flows)


def index_progress(stage: str, done: int, total: int) -> None:
    """Progress callback printing to stderr only when an index is (re)built."""
    if total and done == total:
        print(f"\r{stage} : {done}/{total}", end="\n" if done == total else "", file=sys.stderr)
