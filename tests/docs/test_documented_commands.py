"""Every ``care-bot`` command the documentation shows exists, with the options it shows.

Scans fenced code blocks and inline code spans: ``care-bot <command> [<subcommand>] … --option``.
An option is checked against the command's own options (long names), so a renamed or removed
option in the code, or a typo in the docs, fails here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from bot.cli import COMMANDS, load_commands
from tests.docs.doc_files import ROOT, code_fragments, doc_files

_CALL = re.compile(r"care-bot\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)")
_END = re.compile(r"&&|\|\||;|\s#|\$\(|\|\s")  # the call's own arguments stop here


@cache
def options_of(command: str, sub: str | None) -> frozenset[str] | None:
    """Long options of ``care-bot command [sub]``; None when no such command exists."""
    if command not in COMMANDS:
        return None
    click_command = load_commands(COMMANDS[command][0]).commands[command]
    sub_commands = getattr(click_command, "commands", None)
    if sub_commands is not None:  # a group (draft, llm): the subcommand must exist
        if sub is None:  # the group itself: its subcommands' options are checked with them
            return frozenset({"--help"})
        if sub not in sub_commands:
            return None
        click_command = sub_commands[sub]
    names = {opt for param in click_command.params for opt in param.opts if opt.startswith("--")}
    return frozenset(names | {"--help"})


def calls(path: Path) -> list[tuple[int, str, str | None, list[str]]]:
    found = []
    for number, fragment in code_fragments(path):
        for match in _CALL.finditer(fragment):
            rest = _END.split(fragment[match.end() :])[0]
            found.append((number, match.group(1), match.group(2), _OPTION.findall(rest)))
    return found


@pytest.mark.parametrize("page", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_commands_and_options_exist(page: Path) -> None:
    problems = []
    for number, command, word, options in calls(page):
        known = options_of(command, word)
        if known is None:
            problems.append(f"line {number}: care-bot {command} {word or ''} does not exist")
            continue
        missing = [option for option in options if option not in known]
        if missing:
            problems.append(f"line {number}: care-bot {command}: no option {missing}")
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)
