"""The YAML front matter of a Markdown note: the lines between a first ``---`` line and the next
``---`` (or ``...``) line.

``split_front_matter`` only finds it (the knowledge loader parses it with line numbers and
validates every field); ``read_front_matter`` also parses it, for readers that need a field or
two and fall back on their own when a note is malformed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_FENCE = "---"
_CLOSINGS = ("---", "...")


class FrontMatterError(ValueError):
    """No front matter, an unclosed one or one that is not a mapping; ``reason`` is French,
    ``line`` the 1-based line it is about."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class FrontMatter:
    yaml: str  # the lines between the fences
    closing_line: int  # 1-based line of the closing fence; the YAML starts at line 2
    body: str  # the lines after the closing fence


def split_front_matter(text: str) -> FrontMatter:
    """The front matter and the body of ``text``; ``FrontMatterError`` when there is none."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise FrontMatterError(1, "en-tête YAML absent : la première ligne doit être ---")
    for index in range(1, len(lines)):
        if lines[index].strip() in _CLOSINGS:
            return FrontMatter("\n".join(lines[1:index]), index + 1, "\n".join(lines[index + 1 :]))
    raise FrontMatterError(1, "en-tête YAML non fermé : ligne --- manquante")


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front-matter fields (parsed with ``yaml.safe_load``) and the body."""
    found = split_front_matter(text)
    try:
        fields = yaml.safe_load(found.yaml)
    except yaml.YAMLError as exc:
        raise FrontMatterError(2, f"en-tête YAML illisible ({exc})") from exc
    if not isinstance(fields, dict):
        raise FrontMatterError(2, "l'en-tête YAML doit être une table clé: valeur")
    return fields, found.body
