"""The project's Markdown documentation, read by the documentation tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_FENCE = re.compile(r"^(```|~~~)")
_SPAN = re.compile(r"`([^`\n]+)`")


def doc_files() -> list[Path]:
    """README, changelogs and every page under docs/, knowledge/ and docker/."""
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "docker" / "README.md"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    files += sorted((ROOT / "knowledge").glob("*.md"))
    return [path for path in files if path.is_file()]


def _rendered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of what a reader sees: HTML comments left out."""
    comment = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not comment and line.lstrip().startswith("<!--"):
            comment = "-->" not in line
            continue
        if comment:
            comment = "-->" not in line
            continue
        yield number, line


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code blocks and HTML comments."""
    fenced = False
    for number, line in _rendered_lines(path):
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def code_fragments(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line of a fenced block and every inline code span
    (HTML comments left out)."""
    fenced = False
    for number, line in _rendered_lines(path):
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if fenced:
            yield number, line
        else:
            for span in _SPAN.finditer(line):
                yield number, span.group(1)
