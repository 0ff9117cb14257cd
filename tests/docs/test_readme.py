"""The README stays short and starts with the two set-up commands that CI keeps true."""

from __future__ import annotations

import re

from tests.docs.doc_files import ROOT

README = ROOT / "README.md"
MAX_LINES = 200  # issue 15: what it is, two commands, a tour, links; the rest lives in docs/


def first_block() -> list[str]:
    match = re.search(r"```\w*\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, "the README must open with a code block of set-up commands"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"README.md has {lines} lines: move details to docs/"


def test_it_opens_with_the_install_and_run_command_then_the_test_command() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.index("```") < text.index("\n## "), "the commands come before any section"
    install, tests = first_block()
    assert "pip install -e ." in install and "care-bot ask" in install
    assert 'pip install -e ".[dev]"' in tests and tests.endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command() -> None:
    check = (ROOT / "scripts" / "check").read_text(encoding="utf-8")
    assert re.search(r"^echo \"== tests\"; python -m pytest\b", check, re.MULTILINE)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^scripts/check\s*$", ci, re.MULTILINE)
