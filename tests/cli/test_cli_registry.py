"""The table of ``care-bot`` commands (``bot.cli.COMMANDS``) against what the modules register.

The table lets ``care-bot --help`` list the commands without importing them; these tests fail
when a command is added, renamed, moved or re-described without updating it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from typer.core import TyperGroup

import bot.cli
from bot.cli import COMMANDS, LazyCommands, load_commands, main


def command_modules() -> list[str]:
    """The modules of ``bot.cli`` that register commands."""
    names = [info.name for info in pkgutil.iter_modules(bot.cli.__path__)]
    return [
        name for name in names if hasattr(importlib.import_module(f"bot.cli.{name}"), "register")
    ]


def test_the_table_names_every_registered_command_with_its_summary() -> None:
    registered: dict[str, tuple[str, str]] = {}
    for module in command_modules():
        for name, command in load_commands(module).commands.items():
            assert name not in registered, f"{name} registered twice"
            registered[name] = (module, (command.help or "").split("\n\n")[0])
    assert registered == COMMANDS


def test_help_from_the_table_is_the_help_of_the_real_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--help"]) == 0
    from_table = capsys.readouterr().out
    assert all(name in from_table for name in COMMANDS)
    monkeypatch.setattr(LazyCommands, "format_help", TyperGroup.format_help)
    assert main(["--help"]) == 0
    assert capsys.readouterr().out == from_table


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nonexistent-command"]) == 2
    assert "nonexistent-command" in capsys.readouterr().err
