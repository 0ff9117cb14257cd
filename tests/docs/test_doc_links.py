"""Every relative link of the documentation points to a file that exists, and to a heading of
that file when it names one (GitHub's heading anchors)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.doc_files import ROOT, doc_files, prose_lines

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_SPAN = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {
        anchor(match.group(1))
        for _, line in prose_lines(path)
        if (match := _HEADING.match(line)) is not None
    }


def links(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in prose_lines(path):
        for match in _LINK.finditer(_SPAN.sub("", line)):
            target = match.group(1)
            if not re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                found.append((number, target))
    return found


@pytest.mark.parametrize("page", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for number, target in links(page):
        file_part, _, fragment = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        if not destination.exists():
            broken.append(f"line {number}: {target} (no such file)")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"line {number}: {target} (no such heading)")
    assert not broken, f"{page.relative_to(ROOT)}:\n" + "\n".join(broken)


def test_the_anchor_rule_follows_github() -> None:
    assert anchor("Service systemd") == "service-systemd"
    assert anchor("Dans le terminal") == "dans-le-terminal"
    assert anchor("Mode LLM : un modèle `local`") == "mode-llm--un-modèle-local"
    assert anchor("LLM mode: `scripts/benchmark_llm.py`") == "llm-mode-scriptsbenchmark_llmpy"
