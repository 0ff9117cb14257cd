"""Front matter of Markdown notes (care_common.front_matter)."""

from __future__ import annotations

import pytest

from care_common.front_matter import FrontMatterError, read_front_matter, split_front_matter

NOTE = """---
id: guide-pca
title: "Guide --- PCA"
checked: 2026-11-28
---
## Objet

Le texte --- avec des tirets.
"""


def test_split_finds_the_fences() -> None:
    found = split_front_matter(NOTE)
    assert found.yaml.splitlines() == [
        "id: guide-pca",
        'title: "Guide --- PCA"',
        "checked: 2026-11-28",
    ]
    assert found.closing_line == 5
    assert found.body == "## Objet\n\nLe texte --- avec des tirets."


def test_read_parses_the_fields() -> None:
    fields, body = read_front_matter(NOTE)
    assert fields["title"] == "Guide --- PCA"  # a "---" inside a value is not a fence
    assert str(fields["checked"]) == "2026-11-28"
    assert body.startswith("## Objet")


def test_a_dots_line_also_closes() -> None:
    assert read_front_matter("---\nid: x\n...\ntexte")[0] == {"id": "x"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "en-tête YAML absent"),
        ("## Titre\n---\nid: x\n---\n", 1, "la première ligne doit être ---"),
        ("---\nid: x\n", 1, "non fermé"),
        ("---\n- a\n- b\n---\n", 2, "table clé: valeur"),
        ("---\nid: [x\n---\n", 2, "illisible"),
    ],
)
def test_malformed_front_matter_says_why(text: str, line: int, words: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        read_front_matter(text)
    assert caught.value.line == line and words in caught.value.reason
